"""Every write to organisations and people."""

from __future__ import annotations

import zoneinfo

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from datacollab.core import audit, countries
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.organisations import rules
from datacollab.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    RoleGrant,
    User,
)


@transaction.atomic
def register_person(
    *, email: str, password: str, display_name: str = "", timezone: str = ""
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict(_("An account with this email address already exists: log in instead."))
    user = User.objects.create_user(
        email=email, password=password, display_name=display_name.strip(), timezone=timezone
    )
    audit.record(action="person.registered", actor=user, obj=user)
    return user


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_organisation(
    *,
    actor: User,
    name: str,
    kind: str,
    country: str,
    website: str = "",
    description: str = "",
    org_id: str = "",
    ror: str = "",
    slug: str | None = None,
) -> Organisation:
    """Create an organisation; its creator becomes its administrator."""
    if kind not in OrganisationKind.values:
        raise DomainError(_("Unknown organisation kind %(kind)s.") % {"kind": kind}, field="kind")
    found = countries.get(country)
    if found is None:
        raise DomainError(
            _("%(code)s is not an ISO 3166-1 country code (e.g. GB, KE, BR).") % {"code": country},
            field="country",
        )
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                slug=slug or _unique_slug(name),
                name=name.strip(),
                kind=kind,
                country=found.alpha2,
                website=website,
                description=description,
                org_id=org_id.strip(),
                ror=ror.strip(),
            )
    except IntegrityError as exc:
        raise Conflict(_("An organisation with this slug already exists.")) from exc
    Membership.objects.create(user=actor, organisation=org, role=Membership.Role.ADMIN)
    audit.record(action="organisation.created", actor=actor, obj=org)
    return org


@transaction.atomic
def add_member(
    *, actor: User, organisation: Organisation, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    if not (rules.is_org_admin(actor, organisation) or rules.is_convener(actor)):
        raise NotAllowed(_("Only the organisation's administrators can add members."))
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    audit.record(
        action="organisation.member_added",
        actor=actor,
        obj=organisation,
        details={"user": user.email, "role": role},
    )
    return membership


@transaction.atomic
def grant_role(*, actor: User | None, user: User, role: str) -> RoleGrant:
    """Give a network role. `actor=None` is the system (demo loader, first set-up)."""
    if role not in Role.values:
        raise DomainError(_("Unknown role %(role)s.") % {"role": role})
    if actor is not None and not rules.is_convener(actor):
        raise NotAllowed(_("Only conveners can grant roles."))
    grant, _created = RoleGrant.objects.get_or_create(user=user, role=role)
    if role == Role.CONVENER and not user.is_staff:
        # Conveners set up cohorts and calls in the Django admin, which requires staff status.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    audit.record(action="role.granted", actor=actor, obj=user, details={"role": role})
    return grant


@transaction.atomic
def set_profile(*, user: User, display_name: str, timezone: str) -> User:
    if timezone and timezone not in zoneinfo.available_timezones():
        raise DomainError(
            _("%(tz)s is not a time zone: use a name such as Europe/London or Africa/Nairobi.")
            % {"tz": timezone},
            field="timezone",
        )
    user.display_name = display_name.strip()
    user.timezone = timezone
    user.save(update_fields=["display_name", "timezone"])
    return user
