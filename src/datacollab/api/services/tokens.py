"""API keys of a person or an organisation: create (the secret is returned once), revoke, and
authenticate a request.

A key is `dc_live_` + 8 characters + `_` + a 43-character secret (keys made before were `dct_…`
and still work). Only its SHA-256 is stored, so a database leak gives no usable key; the first
16 characters are kept to tell keys apart. An organisation's keys are made and revoked by its
administrators.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.api.models import ApiToken
from datacollab.core import audit
from datacollab.core.errors import DomainError, NotAllowed, NotFound
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_org_admin

TOKEN_PREFIX = "dc_live_"  # noqa: S105 - a marker, not a secret
MAX_ACTIVE_TOKENS = 20
# Recording every request's use would write on every call; a minute's precision is enough.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class InvalidToken(DomainError):
    status = 401
    code = "invalid_token"


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    visible = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{TOKEN_PREFIX}{visible}_{secrets.token_urlsafe(32)}"


def _authenticated(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def create_token(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new personal key for `actor`, and its secret: shown once, never stored."""
    return _create(actor=actor, name=name, organisation=None)


def create_organisation_key(
    *, actor: Any, organisation: Organisation, name: str
) -> tuple[ApiToken, str]:
    """A new key of the organisation (its administrators only), and its secret, shown once."""
    return _create(actor=actor, name=name, organisation=organisation)


@transaction.atomic
def _create(*, actor: Any, name: str, organisation: Organisation | None) -> tuple[ApiToken, str]:
    if not _authenticated(actor):
        raise NotAllowed(_("Log in to create an API key."))
    if organisation is not None and not is_org_admin(actor, organisation):
        raise NotAllowed(_("Only the organisation's administrators manage its API keys."))
    name = name.strip()
    if not name:
        raise DomainError(
            _("Give the token a name, e.g. the script that will use it."), field="name"
        )
    owner = {"organisation": organisation} if organisation is not None else {"user": actor}
    active = ApiToken.objects.select_for_update().filter(**owner, revoked_at__isnull=True)
    if len(active) >= MAX_ACTIVE_TOKENS:
        message = (
            _("You have %(n)s active tokens, the most allowed: revoke one you no longer use.")
            if organisation is None
            else _("The organisation has %(n)s active keys, the most allowed: revoke one first.")
        )
        raise DomainError(message % {"n": MAX_ACTIVE_TOKENS})
    secret = _new_secret()
    token = ApiToken.objects.create(
        **owner,
        created_by=actor,
        name=name[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 8],
        digest=token_digest(secret),
    )
    audit.record(
        action="api.token_created",
        actor=actor,
        obj=token,
        details={"name": token.name, "prefix": token.prefix, **_owner_detail(token)},
    )
    return token, secret


def _owner_detail(token: ApiToken) -> dict[str, Any]:
    if token.organisation_id is not None:
        return {"organisation": token.organisation_id}
    return {}


@transaction.atomic
def revoke_token(
    *, actor: Any, token_id: int, organisation: Organisation | None = None
) -> ApiToken:
    """Revoke one of the actor's own keys, or of an organisation they administer; it stops
    working on the next request (each request looks the key up)."""
    token = None
    if _authenticated(actor):
        keys = ApiToken.objects.select_for_update().filter(pk=token_id)
        if organisation is None:
            token = keys.filter(user_id=actor.pk).first()
        elif is_org_admin(actor, organisation):
            token = keys.filter(organisation=organisation).first()
        else:
            raise NotAllowed(_("Only the organisation's administrators manage its API keys."))
    if token is None:
        # Someone else's key is as unknown as a missing one.
        raise NotFound(_("You have no such API token."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        action="api.token_revoked",
        actor=actor,
        obj=token,
        details={"name": token.name, "prefix": token.prefix, **_owner_detail(token)},
    )
    return token


def authenticate_token(*, secret: str) -> ApiToken:
    """The active token with this secret, its use recorded; InvalidToken (401) otherwise."""
    token = (
        ApiToken.objects.select_related("user").filter(digest=token_digest(secret.strip())).first()
    )
    if token is None:
        raise InvalidToken(
            _(
                "This API token is not known. Check that you copied it whole, or create a new "
                "one on your API tokens page."
            )
        )
    if token.revoked_at is not None:
        raise InvalidToken(
            _("This API token (%(prefix)s…) was revoked. Create a new one on your API tokens page.")
            % {"prefix": token.prefix}
        )
    if token.user is not None and not token.user.is_active:
        raise InvalidToken(_("The account this API token belongs to is deactivated."))
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
