"""Public sessions: a convener lists a session publicly; anyone registers with a name and an
email, confirms the email from a mailed link, and may cancel from the same link.

Registration is refused when the session is full (a confirmed registration holds a place, an
unconfirmed one for 48 hours), has started, or is not public. One email registers once per
session: registering again answers exactly as a first time (so nobody learns who registered)
and mails the person their existing link. The form is throttled like account mails
(`organisations.services.throttle`): per client address (refused with a time to wait) and per
target email (nothing is sent, nothing else is said).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotFound
from datacollab.core.mail_language import in_language_of
from datacollab.core.text import single_line
from datacollab.events import ical
from datacollab.events.models import PublicListing, Registration, Session
from datacollab.events.selectors.public import ACTIVE, PENDING_HOLD, holding_place
from datacollab.events.services.sessions import _require_convener, _require_scheduled
from datacollab.organisations.services import throttle


@dataclass(frozen=True)
class Registered:
    """What the form answers. `registration` is None when nothing was stored."""

    registration: Registration | None
    mailed: bool


@transaction.atomic
def set_public(
    *, actor: Any, session: Session, public: bool, capacity: int | None
) -> PublicListing:
    _require_convener(actor, _("make sessions public"))
    session = Session.objects.select_for_update().get(pk=session.pk)
    _require_scheduled(session)
    if capacity is not None and capacity < 1:
        raise DomainError(
            _("Give at least one place, or leave it empty for no limit."), field="capacity"
        )
    listing, _created = PublicListing.objects.select_for_update().get_or_create(
        session=session, defaults={"is_public": public, "capacity": capacity, "updated_by": actor}
    )
    before = {"public": listing.is_public, "capacity": listing.capacity}
    listing.is_public, listing.capacity, listing.updated_by = public, capacity, actor
    listing.save(update_fields=["is_public", "capacity", "updated_by", "updated_at"])
    audit.record(
        action="session.public_listing_set",
        actor=actor,
        obj=session,
        details={"public": public, "capacity": capacity, "was": before},
    )
    return listing


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Give a valid email address."), field="email") from exc
    return email


def _require_open(session: Session, listing: PublicListing | None) -> PublicListing:
    if listing is None or not listing.is_public or session.status != Session.Status.SCHEDULED:
        raise NotFound(_("This session is not open for public registration."))
    if session.starts_at <= timezone.now():
        raise Conflict(_("This session has started: registration is closed."))
    return listing


def _require_place(session: Session, listing: PublicListing) -> None:
    if listing.capacity is None:
        return
    taken = Registration.objects.filter(holding_place(), session=session).count()
    if taken >= listing.capacity:
        raise Conflict(
            _("Sorry, %(title)s is full: all %(n)d places are taken.")
            % {"title": session.title, "n": listing.capacity}
        )


@transaction.atomic
def register(
    *,
    session: Session,
    name: str,
    email: str,
    organisation: str = "",
    client_address: str = "",
) -> Registered:
    name = single_line(name)[:150]
    organisation = single_line(organisation)[:200]
    if not name:
        raise DomainError(_("Give your name."), field="name")
    email = _clean_email(email)
    # The listing row serialises registrations, so two people cannot take the last place.
    listing = _require_open(
        session, PublicListing.objects.select_for_update().filter(session=session).first()
    )
    may_mail = throttle.claim_account_mail(address=client_address, email=email)
    existing = Registration.objects.select_for_update().filter(session=session, email=email).first()
    if existing is not None and existing.status in ACTIVE:
        # Same answer as a first registration; the mail reminds the owner of their link.
        if may_mail:
            transaction.on_commit(partial(_enqueue, existing.pk, "already", get_language()))
        return Registered(existing, may_mail)
    if not may_mail:
        # This address had its share of mails: store nothing that could never be confirmed.
        return Registered(None, False)
    _require_place(session, listing)
    if existing is None:
        registration = Registration.objects.create(
            session=session,
            name=name,
            email=email,
            organisation=organisation,
            token=secrets.token_urlsafe(32),
        )
    else:
        registration = existing
        registration.name, registration.organisation = name, organisation
        registration.status = Registration.Status.PENDING
        registration.cancelled_at = registration.confirmed_at = None
        registration.token = secrets.token_urlsafe(32)
        registration.save()
    audit.record(
        action="session.registered",
        obj=registration,
        details={"session": session.pk, "again": existing is not None},
    )
    # The visitor has no account: their mail is in the language of the page they registered on.
    transaction.on_commit(partial(_enqueue, registration.pk, "confirm", get_language()))
    return Registered(registration, True)


def _enqueue(registration_id: int, kind: str, language: str = "") -> None:
    from datacollab.events.tasks import send_registration_mail

    send_registration_mail.enqueue(registration_id, kind, language)


@transaction.atomic
def confirm_registration(*, token: str) -> Registration:
    from datacollab.events.selectors.public import registration_by_token

    found = registration_by_token(token)
    # The listing row serialises confirmations with registrations (the last place).
    listing = PublicListing.objects.select_for_update().filter(session_id=found.session_id).first()
    registration = Registration.objects.select_for_update().get(pk=found.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise Conflict(_("This registration was cancelled; register again if you wish to come."))
    if registration.status == Registration.Status.PENDING:
        if listing is not None and registration.created_at <= timezone.now() - PENDING_HOLD:
            # Its hold lapsed: it takes a place again only if one is free.
            try:
                _require_place(registration.session, listing)
            except Conflict as full:
                raise Conflict(
                    _(
                        "Your place was released after 48 hours without confirmation, and "
                        "the session is now full."
                    )
                ) from full
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at"])
        audit.record(action="session.registration_confirmed", obj=registration)
    return registration


@transaction.atomic
def cancel_registration(*, token: str) -> Registration:
    from datacollab.events.selectors.public import registration_by_token

    registration = Registration.objects.select_for_update().get(pk=registration_by_token(token).pk)
    if registration.status != Registration.Status.CANCELLED:
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        audit.record(action="session.registration_cancelled", obj=registration)
    return registration


def tell_registrants(*, session: Session, change: str) -> int:
    """Queue a mail to each active registrant once the change commits: `changed` (time or
    place) or `cancelled`. Called by the session services; a session without a public
    listing has no registrants."""
    ids = list(
        Registration.objects.filter(session=session, status__in=ACTIVE).values_list("pk", flat=True)
    )
    for registration_id in ids:
        transaction.on_commit(partial(_enqueue, registration_id, change))
    return len(ids)


SUBJECTS = {
    "confirm": gettext_lazy("Confirm your place: %(title)s"),
    "already": gettext_lazy("You are registered: %(title)s"),
    "changed": gettext_lazy("Changed: %(title)s"),
    "cancelled": gettext_lazy("Cancelled: %(title)s"),
}


def registration_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("public-registration", args=[registration.token])


def send_registration_mail(*, registration_id: int, kind: str, language: str = "") -> int:
    """The confirmation mail (with the session as a .ics) or the already-registered reminder."""
    registration = Registration.objects.select_related("session").filter(pk=registration_id).first()
    if registration is None or registration.status == Registration.Status.CANCELLED:
        return 0
    session = registration.session
    # `language`: the page's when the visitor registered; a change later told by a convener
    # has none, so the registrant's account language if any, else the network's default.
    with (
        in_language_of(registration.email, default=language),
        timezone.override(session.timezone),
    ):
        body = render_to_string(
            "events/public/registration_mail.txt",
            {
                "registration": registration,
                "session": session,
                "kind": kind,
                "link": registration_url(registration),
                "network_name": settings.NETWORK_NAME,
            },
        )
        subject = str(SUBJECTS[kind]) % {"title": session.title}
    message = EmailMessage(
        subject=single_line(subject),
        body=body,
        to=[registration.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    public_url = settings.SITE_URL + reverse("public-session", args=[session.slug])
    # Same UID and a raised SEQUENCE: calendar apps update or remove the event they hold.
    calendar = ical.build_calendar(
        [ical.session_event(session, url=public_url)],
        name=session.title,
        method="CANCEL" if kind == "cancelled" else "PUBLISH",
    )
    message.attach("session.ics", calendar, "text/calendar")
    return message.send()
