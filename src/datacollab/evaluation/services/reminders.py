"""The "feedback" source of `datacollab remind`: one mail per attendee once a session ends.

Each mail is recorded (FeedbackInvitation, unique per session and person) in the transaction
that sends it, so cron and the worker running together mail each person once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from datacollab.core import audit, dates
from datacollab.core.mail_language import in_language_of
from datacollab.evaluation import rules
from datacollab.evaluation.models import FeedbackInvitation, SessionFeedback
from datacollab.events.models import Session
from datacollab.network.reminder_sources import DueReminder
from datacollab.organisations.models import User


def _sessions_open(now: datetime) -> list[Session]:
    since = now - timedelta(days=rules.FEEDBACK_OPEN_DAYS)
    return list(
        Session.objects.filter(
            status=Session.Status.SCHEDULED, ends_at__lte=now, ends_at__gt=since
        ).order_by("ends_at", "pk")
    )


def _people_due(session: Session) -> list[User]:
    asked = FeedbackInvitation.objects.filter(session=session).values("user_id")
    answered = SessionFeedback.objects.filter(session=session).values("user_id")
    return list(rules.attendees(session).exclude(pk__in=asked).exclude(pk__in=answered))


def feedback_forms_due(now: datetime) -> list[DueReminder]:
    found = []
    for session in _sessions_open(now):
        for person in _people_due(session):
            found.append(
                DueReminder(
                    source="feedback",
                    recipients=(person.email,),
                    about=_("Feedback on “%(session)s”") % {"session": session.title},
                    send=partial(
                        deliver_feedback_request, session_id=session.pk, user_id=person.pk, now=now
                    ),
                )
            )
    return found


@transaction.atomic
def deliver_feedback_request(*, session_id: int, user_id: int, now: datetime) -> bool:
    """Mail one attendee the form's link; False when already asked, answered or closed."""
    session = Session.objects.filter(pk=session_id).first()
    user = User.objects.filter(pk=user_id).first()
    if session is None or user is None or not rules.feedback_open(session, now):
        return False
    if SessionFeedback.objects.filter(session=session, user=user).exists():
        return False
    if not rules.is_attendee(user, session):
        return False
    try:
        with transaction.atomic():
            FeedbackInvitation.objects.create(session=session, user=user, sent_at=now)
    except IntegrityError:
        return False  # another run sent it first
    link = settings.SITE_URL + reverse("session-feedback", args=[session.slug])
    with in_language_of(user):
        subject, body = _feedback_request(session, link)
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
    audit.record(action="feedback.requested", actor=None, obj=session, details={"user": user.pk})
    return True


def _feedback_request(session: Session, link: str) -> tuple[str, str]:
    closes = dates.date_format(rules.feedback_closes_at(session), "DATE_FORMAT")
    body = "\n".join(
        [
            _("Thank you for coming to “%(session)s”.") % {"session": session.title},
            "",
            _(
                "Three short questions: how useful was it, what helped, what should change? "
                "Your answers are shown to the conveners without your name, and only once "
                "enough people have answered."
            ),
            "",
            _("Give your feedback by %(date)s: %(link)s") % {"date": closes, "link": link},
            "",
        ]
    )
    return _("Your feedback on “%(session)s”") % {"session": session.title}, body
