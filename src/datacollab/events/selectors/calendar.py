"""What goes into the calendar feeds, for whom."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from datacollab.events.models import Booking, CalendarFeed, Invitation, Session
from datacollab.events.rules import can_see_cohort_sessions
from datacollab.events.selectors.sessions import visible_sessions
from datacollab.network.models import Cohort
from datacollab.organisations.models import User


def feed_of(user: Any) -> CalendarFeed | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(token: str) -> User | None:
    """The active person whose feed has this token; None for an unknown or revoked token."""
    if not token:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def personal_sessions(user: Any) -> QuerySet[Session]:
    """Every session the person may see, except those they answered "no" to. Cancelled ones
    stay, so the calendar client learns of the cancellation."""
    declined = Invitation.objects.filter(user=user, response=Invitation.Response.NO).values(
        "session_id"
    )
    return visible_sessions(user).exclude(pk__in=declined).order_by("starts_at", "pk")


def personal_bookings(user: Any) -> QuerySet[Booking]:
    """The person's 1:1 bookings, as participant or as expert, cancelled ones included."""
    return (
        Booking.objects.filter(Q(participant=user) | Q(slot__expert=user))
        .select_related("slot", "slot__expert", "participant")
        .order_by("slot__starts_at", "pk")
    )


def cohort_sessions(user: Any, cohort: Cohort) -> QuerySet[Session]:
    """The cohort's own sessions the person may see, cancelled ones included."""
    return visible_sessions(user).filter(cohort=cohort).order_by("starts_at", "pk")


def calendar_cohorts(user: Any) -> list[Cohort]:
    """The cohorts whose calendar the person may subscribe to, newest first."""
    return [c for c in Cohort.objects.order_by("-starts_on") if can_see_cohort_sessions(user, c)]
