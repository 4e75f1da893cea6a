"""Reads of public sessions: the timetable anyone sees, places left, a convener's list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.events.models import PublicListing, Registration, Session
from datacollab.events.rules import can_manage_sessions

ACTIVE = (Registration.Status.PENDING, Registration.Status.CONFIRMED)
# An unconfirmed registration holds its place this long, so addresses typed by mistake (or
# by someone filling the list) do not keep a session full.
PENDING_HOLD = timedelta(hours=48)


def holding_place(prefix: str = "") -> Q:
    """Registrations that take a place now: confirmed, or unconfirmed for under 48 hours."""
    since = timezone.now() - PENDING_HOLD
    return Q(**{f"{prefix}status": Registration.Status.CONFIRMED}) | Q(
        **{f"{prefix}status": Registration.Status.PENDING, f"{prefix}created_at__gt": since}
    )


def public_sessions() -> QuerySet[Session]:
    """Upcoming public sessions, soonest first, each with `taken` (active registrations) and
    `capacity` (None: no limit)."""
    return (
        Session.objects.filter(
            public_listing__is_public=True,
            status=Session.Status.SCHEDULED,
            ends_at__gt=timezone.now(),
        )
        .annotate(
            taken=Count("registrations", filter=holding_place("registrations__")),
        )
        .select_related("public_listing")
        .order_by("starts_at", "pk")
    )


def public_feed_sessions() -> QuerySet[Session]:
    """The public feed: public sessions of the last 30 days and to come, cancelled ones
    included, so subscribed calendars see a cancellation (STATUS:CANCELLED) rather than an
    event that silently stays."""
    return Session.objects.filter(
        public_listing__is_public=True, ends_at__gt=timezone.now() - timedelta(days=30)
    ).order_by("starts_at", "pk")


def public_session(slug: str) -> Session:
    session = public_sessions().filter(slug=slug).first()
    if session is None:
        raise NotFound(_("There is no public session %(slug)r, or it has ended.") % {"slug": slug})
    return session


def places_left(session: Session) -> int | None:
    """None when there is no limit."""
    listing = PublicListing.objects.filter(session=session).first()
    if listing is None or listing.capacity is None:
        return None
    return max(0, listing.capacity - taken_places(session))


def taken_places(session: Session) -> int:
    return Registration.objects.filter(holding_place(), session=session).count()


def listing_of(session: Session) -> PublicListing | None:
    return PublicListing.objects.filter(session=session).first()


def registrations_of(actor: Any, session: Session) -> QuerySet[Registration]:
    if not can_manage_sessions(actor):
        raise NotAllowed(_("Only a convener can see who registered."))
    return Registration.objects.filter(session=session).order_by("status", "created_at", "pk")


def registration_by_token(token: str) -> Registration:
    registration = (
        Registration.objects.select_related("session").filter(token=token).first()
        if token and len(token) <= 64
        else None
    )
    if registration is None:
        raise NotFound(
            _(
                "This registration link is not valid: it may be incomplete (some mail "
                "programs cut long links)."
            )
        )
    return registration
