"""Personal API tokens: create (the secret is returned once), revoke, and authenticate a request.

A token is `dct_` + 8 characters + `_` + a 43-character secret. Only its SHA-256 is stored, so a
database leak gives no usable token; the first 12 characters are kept to tell tokens apart.
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

TOKEN_PREFIX = "dct_"  # noqa: S105 - a marker, not a secret
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


@transaction.atomic
def create_token(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `actor`, and its secret: shown once, never stored."""
    if not _authenticated(actor):
        raise NotAllowed(_("Log in to create an API token."))
    name = name.strip()
    if not name:
        raise DomainError(
            _("Give the token a name, e.g. the script that will use it."), field="name"
        )
    active = ApiToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True)
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            _("You have %(n)s active tokens, the most allowed: revoke one you no longer use.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    secret = _new_secret()
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 8],
        digest=token_digest(secret),
    )
    audit.record(
        action="api.token_created",
        actor=actor,
        obj=token,
        details={"name": token.name, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def revoke_token(*, actor: Any, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working at once."""
    token = (
        ApiToken.objects.select_for_update().filter(pk=token_id, user_id=actor.pk).first()
        if _authenticated(actor)
        else None
    )
    if token is None:
        # Someone else's token is as unknown as a missing one.
        raise NotFound(_("You have no such API token."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        action="api.token_revoked",
        actor=actor,
        obj=token,
        details={"name": token.name, "prefix": token.prefix},
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
    if not token.user.is_active:
        raise InvalidToken(_("The account this API token belongs to is deactivated."))
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
