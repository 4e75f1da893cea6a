"""People and organisations: sign-up, profiles, organisations, memberships, roles."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from datacollab.core import audit, countries
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.languages import supported
from datacollab.core.mail_language import in_language_of
from datacollab.core.text import single_line
from datacollab.organisations import rules
from datacollab.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    RoleGrant,
    User,
)
from datacollab.organisations.names import clean_display_name, mailbox
from datacollab.organisations.services import throttle, verification
from datacollab.organisations.services.diversity import country_codes
from datacollab.organisations.services.language import clean_language


@transaction.atomic
def register_person(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    timezone: str = "",
    verified_at: datetime | None = None,
    language: str = "",
) -> User:
    """Create an account. `verified_at` only when the address is already proved (an
    invitation mailed there was followed)."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict(_("An account with this email address already exists: log in instead."))
    user = User.objects.create_user(
        email=email,
        password=password,
        display_name=clean_display_name(display_name),
        timezone=timezone,
        email_verified_at=verified_at,
        # The language of the page they signed up on: their mails start in it.
        language=supported(language),
    )
    audit.record(action="person.registered", actor=user, obj=user)
    return user


def _send_mail(subject: str, body: str, to: str) -> None:
    EmailMessage(subject=single_line(subject), body=body, to=[to]).send()


@transaction.atomic
def sign_up(
    *,
    email: str,
    password: str,
    display_name: str = "",
    timezone: str = "",
    client_address: str = "",
    language: str = "",
) -> None:
    """Sign-up that does not say whether the address has an account.

    Either way the page says "check your mail". A new address gets an account and a
    verification link; the owner of an existing account gets a "someone tried to sign up
    with your address" mail instead. Both paths hash the password, so they take as long.
    """
    email = email.strip().lower()
    # Counted (and refused) the same way whether or not the address has an account.
    may_mail = throttle.claim_account_mail(address=client_address, email=email)
    existing = User.objects.filter(email=email).first()
    if existing is None:
        user = register_person(
            email=email,
            password=password,
            display_name=display_name,
            timezone=timezone,
            language=language,
        )
        if may_mail:
            verification.mail_verification_link(user=user)
        return
    make_password(password)  # the same work as creating the account
    if not may_mail:
        return
    with in_language_of(existing):
        body = render_to_string(
            "organisations/email/signup_existing.txt",
            {
                "user": existing,
                "network_name": settings.NETWORK_NAME,
                "login_url": settings.SITE_URL + reverse("login"),
                "reset_url": settings.SITE_URL + reverse("password_reset"),
            },
        )
        subject = _("Someone tried to sign up with your address at %(network)s") % {
            "network": settings.NETWORK_NAME
        }
    transaction.on_commit(partial(_send_mail, subject, body, mailbox(existing)))
    audit.record(action="person.signup_existing", actor=None, obj=existing)


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
    operating_countries: Iterable[str] = (),
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
    operating = country_codes(operating_countries, field="operating_countries")
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
                operating_countries=operating,
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
    # Not conveners: membership admits to the organisation's closed data (red team finding 1).
    # Colleagues join by invitation; a superuser may still add someone directly.
    if not (rules.is_org_admin(actor, organisation) or getattr(actor, "is_superuser", False)):
        raise NotAllowed(_("Only the organisation's administrators can add members."))
    if role not in Membership.Role.values:
        raise DomainError(_("Choose administrator or member."), field="role")
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
def set_profile(
    *,
    user: User,
    display_name: str,
    timezone: str,
    bio: str | None = None,
    expertise: str | None = None,
    countries_worked: Iterable[str] | None = None,
    language: str | None = None,
) -> User:
    """Save the person's own profile. Fields left as None keep their value."""
    if timezone and timezone not in zoneinfo.available_timezones():
        raise DomainError(
            _("%(tz)s is not a time zone: use a name such as Europe/London or Africa/Nairobi.")
            % {"tz": timezone},
            field="timezone",
        )
    name = clean_display_name(display_name)
    if not name:
        raise DomainError(_("Enter your name."), field="display_name")
    user.display_name = name
    user.timezone = timezone
    fields = ["display_name", "timezone"]
    if bio is not None:
        user.bio = bio.strip()
        fields.append("bio")
    if expertise is not None:
        user.expertise = single_line(expertise)
        fields.append("expertise")
    if countries_worked is not None:
        codes = []
        for code in countries_worked:
            found = countries.get(code)
            if found is None:
                raise DomainError(
                    _("%(code)s is not an ISO 3166-1 country code.") % {"code": code},
                    field="countries",
                )
            codes.append(found.alpha2)
        user.countries = sorted(set(codes))
        fields.append("countries")
    if language is not None:
        user.language = clean_language(language)
        fields.append("language")
    user.save(update_fields=fields)
    return user
