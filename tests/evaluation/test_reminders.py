"""The "feedback" source of `datacollab remind`: the form's link mailed once per attendee."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from datacollab.evaluation.services.reminders import feedback_forms_due
from datacollab.network import reminder_sources
from tests.factories_evaluation import past_session_with, rate
from tests.factories_events import at, current_cohort, make_session

pytestmark = pytest.mark.django_db


def _remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cohort():
    return current_cohort(name="Cohort 2")


def test_feedback_source_is_registered():
    assert reminder_sources.sources()["feedback"] is feedback_forms_due


def test_remind_mails_each_attendee_once_with_the_link(convener, cohort):
    session, people = past_session_with(convener, cohort, attendees=2, absent=1)
    assert _remind("--only", "feedback") == "reminders sent: 2, skipped: 0\n"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert f"/feedback/sessions/{session.slug}/" in mail.outbox[0].body
    assert _remind("--only", "feedback") == "reminders sent: 0, skipped: 0\n"
    assert len(mail.outbox) == 2


def test_remind_skips_people_who_already_gave_feedback(convener, cohort):
    session, people = past_session_with(convener, cohort, attendees=2)
    rate(session, people[:1], [4])
    assert [r.recipients for r in feedback_forms_due(timezone.now())] == [(people[1].email,)]


def test_remind_asks_nothing_for_a_session_not_yet_ended_or_long_closed(convener, cohort):
    make_session(actor=convener, cohort=cohort, starts_at=at(3))
    past_session_with(convener, cohort, attendees=1, days_ago=30)
    assert feedback_forms_due(timezone.now()) == []
