"""Invitations by email: organisation admins invite colleagues, conveners invite reviewers
and experts. The link creates or joins the account, then grants the membership or role.

The token travels only in the mail; the database keeps its SHA-256. An invitation is used
once, expires, and can be withdrawn; following it proves the address, so the account it
creates (or joins) counts as verified.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.mail_language import in_language_of
from datacollab.core.text import single_line
from datacollab.organisations import rules
from datacollab.organisations.models import (
    Invitation,
    Membership,
    Organisation,
    Role,
    RoleGrant,
    User,
)
from datacollab.organisations.services.people import register_person

# A convener may make another convener from the site (issue 8), with the same link rules.
INVITABLE_ROLES = (Role.REVIEWER, Role.EXPERT, Role.CONVENER)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitation-accept", args=[token])


def _clean_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Enter a valid email address."), field="email") from exc
    return email


def _send(subject: str, body: str, to: str) -> None:
    EmailMessage(subject=single_line(subject), body=body, to=[to]).send()


def _create(
    *,
    actor: User,
    kind: str,
    email: str,
    role: str,
    organisation: Organisation | None,
    what: str,
    now: datetime,
) -> tuple[Invitation, str]:
    # A new invitation replaces the pending ones for the same address and target.
    Invitation.objects.filter(
        kind=kind,
        email=email,
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        kind=kind,
        email=email,
        organisation=organisation,
        role=role,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    body = render_to_string(
        "organisations/email/invitation.txt",
        {
            "inviter": actor,
            "what": what,
            "url": invitation_url(token),
            "expires_at": invitation.expires_at,
            "network_name": settings.NETWORK_NAME,
        },
    )
    subject = _("%(inviter)s invites you: %(what)s") % {"inviter": actor, "what": what}
    transaction.on_commit(partial(_send, subject, body, email))
    audit.record(
        action="invitation.sent",
        actor=actor,
        obj=organisation or invitation,
        details={"kind": kind, "email": email, "role": role, "invitation": invitation.pk},
    )
    return invitation, token


@transaction.atomic
def invite_member(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: str = Membership.Role.MEMBER,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite a colleague to the organisation. Returns the invitation and its token."""
    if not rules.can_manage_members(actor, organisation):
        raise NotAllowed(_("Only the organisation's administrators can invite colleagues."))
    if role not in Membership.Role.values:
        raise DomainError(_("Choose administrator or member."), field="role")
    email = _clean_email(email)
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        raise Conflict(_("%(email)s is already a member.") % {"email": email}, field="email")
    # Written in the invitee's language (theirs if they have an account), not the inviter's.
    with in_language_of(email):
        what = _("join %(org)s on %(network)s as %(role)s") % {
            "org": organisation.name,
            "network": settings.NETWORK_NAME,
            "role": Membership.Role(role).label.lower(),
        }
        return _create(
            actor=actor,
            kind=Invitation.Kind.MEMBERSHIP,
            email=email,
            role=role,
            organisation=organisation,
            what=what,
            now=now or timezone.now(),
        )


@transaction.atomic
def invite_to_role(
    *, actor: User, email: str, role: str, now: datetime | None = None
) -> tuple[Invitation, str]:
    """A convener invites a reviewer, an expert or another convener. Returns the invitation
    and its token."""
    if not rules.can_manage_roles(actor):
        raise NotAllowed(_("Only conveners can invite reviewers, experts and conveners."))
    if role not in INVITABLE_ROLES:
        raise DomainError(_("Invite a reviewer, an expert or a convener."), field="role")
    email = _clean_email(email)
    if RoleGrant.objects.filter(user__email=email, role=role).exists():
        raise Conflict(_("%(email)s already holds this role.") % {"email": email}, field="email")
    with in_language_of(email):
        what = _("become %(role)s on %(network)s") % {
            "role": Role(role).label.lower(),
            "network": settings.NETWORK_NAME,
        }
        return _create(
            actor=actor,
            kind=Invitation.Kind.ROLE,
            email=email,
            role=role,
            organisation=None,
            what=what,
            now=now or timezone.now(),
        )


def invitation_by_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation the link names, whatever its state; NotFound for a wrong token."""
    found = None
    if token and len(token) <= 100:
        queryset = Invitation.objects.select_related("organisation", "invited_by")
        if lock:
            # Only the invitation row: PostgreSQL cannot lock the nullable side of a join.
            queryset = queryset.select_for_update(of=("self",))
        found = queryset.filter(token_hash=token_hash(token)).first()
    if found is None:
        raise NotFound(
            _(
                "This invitation link is not valid: it may be incomplete (some mail programs "
                "cut long links). Ask the person who invited you to send a new one."
            )
        )
    return found


def refusal(invitation: Invitation, now: datetime | None = None) -> str:
    """Why the invitation can no longer be accepted; "" when it can."""
    now = now or timezone.now()
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Log in to continue.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn. Ask %(who)s for a new one.") % {
            "who": invitation.invited_by
        }
    if invitation.expires_at <= now:
        return _("This invitation has expired. Ask %(who)s for a new one.") % {
            "who": invitation.invited_by
        }
    return ""


def _grant(invitation: Invitation, user: User) -> None:
    organisation = invitation.organisation
    if organisation is not None:  # a membership invitation (the database checks the pairing)
        membership = Membership.objects.filter(user=user, organisation=organisation).first()
        if membership is None:
            Membership.objects.create(user=user, organisation=organisation, role=invitation.role)
        elif invitation.role == Membership.Role.ADMIN and membership.role != invitation.role:
            # Never a demotion: an admin invited again as member stays admin.
            membership.role = invitation.role
            membership.save(update_fields=["role"])
    else:
        RoleGrant.objects.get_or_create(user=user, role=invitation.role)


@transaction.atomic
def accept_invitation(
    *,
    token: str,
    user: User | None,
    display_name: str = "",
    password: str = "",
    timezone_name: str = "",
    now: datetime | None = None,
    language: str = "",
) -> User:
    """Accept as the logged-in person (whose address must be the invited one), or create
    the account for the invited address. Returns the person who accepted."""
    now = now or timezone.now()
    invitation = invitation_by_token(token, lock=True)
    reason = refusal(invitation, now)
    if reason:
        raise Conflict(reason)
    if user is not None and user.is_authenticated:
        if user.email.lower() != invitation.email:
            raise NotAllowed(
                _(
                    "This invitation is for %(email)s, and you are logged in as %(you)s. Log "
                    "out, then follow the link again."
                )
                % {"email": invitation.email, "you": user.email}
            )
        person = User.objects.select_for_update().get(pk=user.pk)
    else:
        if User.objects.filter(email=invitation.email).exists():
            raise Conflict(
                _("An account with %(email)s exists: log in, then follow the link again.")
                % {"email": invitation.email}
            )
        if not password:
            raise DomainError(_("Choose a password."), field="password")
        person = register_person(
            email=invitation.email,
            password=password,
            display_name=display_name,
            timezone=timezone_name,
            verified_at=now,
            language=language,  # the page's, as at sign-up
        )
    if person.email_verified_at is None:
        # Following a link mailed to the address proves it, as the verification link does.
        person.email_verified_at = now
        person.save(update_fields=["email_verified_at"])
    _grant(invitation, person)
    invitation.accepted_at = now
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        action="invitation.accepted",
        actor=person,
        obj=invitation.organisation or person,
        details={
            "kind": invitation.kind,
            "role": invitation.role,
            "invitation": invitation.pk,
            "invited_by": invitation.invited_by.email,
        },
    )
    return person


@transaction.atomic
def revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    allowed = (
        rules.can_manage_members(actor, invitation.organisation)
        if invitation.organisation is not None
        else rules.can_manage_roles(actor)
    )
    if not allowed:
        raise NotAllowed(_("You cannot withdraw this invitation."))
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation was already accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            action="invitation.withdrawn",
            actor=actor,
            obj=invitation.organisation or invitation,
            details={"kind": invitation.kind, "email": invitation.email, "role": invitation.role},
        )
    return invitation
