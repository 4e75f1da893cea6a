"""Who gives feedback and who sees results.

Feedback is asked of the people who came: those recorded present when the convener recorded
attendance for the session, else (no attendance recorded at all) those who answered "going".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from datacollab.events.models import Attendance, Invitation, Session
from datacollab.organisations.models import User
from datacollab.organisations.rules import is_convener

# How long after a session ends its feedback form stays open.
FEEDBACK_OPEN_DAYS = 14


def feedback_closes_at(session: Session) -> datetime:
    return session.ends_at + timedelta(days=FEEDBACK_OPEN_DAYS)


def feedback_open(session: Session, now: datetime) -> bool:
    return (
        session.status == Session.Status.SCHEDULED
        and session.ends_at <= now < feedback_closes_at(session)
    )


def attendees(session: Session) -> QuerySet[User]:
    """The people asked for feedback (see the module's docstring)."""
    recorded = Attendance.objects.filter(session=session)
    people = User.objects.filter(is_active=True).order_by("pk")
    if recorded.exists():
        return people.filter(pk__in=recorded.filter(attended=True).values("user_id"))
    going = Invitation.objects.filter(session=session, response=Invitation.Response.YES)
    return people.filter(pk__in=going.values("user_id"))


def is_attendee(user: Any, session: Session) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return attendees(session).filter(pk=user.pk).exists()


def can_read_comments(user: Any) -> bool:
    """Counts and averages go to whoever may see the session; comments to conveners only."""
    return is_convener(user)
