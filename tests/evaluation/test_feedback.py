"""Session feedback: who gives it, when, once per person (editable), audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.evaluation import rules
from datacollab.evaluation.models import SessionFeedback
from datacollab.evaluation.services.feedback import give_feedback
from datacollab.events.models import Session
from datacollab.events.services.invitations import respond
from tests.factories_evaluation import past_session_with
from tests.factories_events import at, current_cohort, make_participant, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return current_cohort(name="Cohort 2")


def test_feedback_given_once_and_replaced_on_edit(convener, cohort):
    session, (ada,) = past_session_with(convener, cohort, attendees=1)
    give_feedback(actor=ada, session=session, rating=3, useful="The case studies")
    give_feedback(actor=ada, session=session, rating=5, change="Longer breaks")
    rows = list(SessionFeedback.objects.values_list("rating", "useful", "change"))
    assert rows == [(5, "", "Longer breaks")]
    assert list(
        AuditEntry.objects.filter(action__startswith="feedback.").values_list("action", flat=True)
    ) == ["feedback.given", "feedback.changed"]


def test_feedback_refused_to_someone_recorded_absent(convener, cohort):
    session, _present = past_session_with(convener, cohort, attendees=1, absent=1)
    absent = rules.attendees(session)
    missing = session.attendances.get(attended=False).user
    assert missing not in absent
    with pytest.raises(NotAllowed):
        give_feedback(actor=missing, session=session, rating=4)


def _move_to(session, starts_at, hours=1.5):
    # Answers close when a session starts: answer first, then let time pass.
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours)
    )
    session.refresh_from_db()


def test_feedback_asked_of_rsvp_yes_when_no_attendance_recorded(convener, cohort):
    session = make_session(actor=convener, cohort=cohort, starts_at=at(2))
    going = make_participant(cohort)
    not_going = make_participant(cohort)
    respond(actor=going, session=session, response="yes")
    respond(actor=not_going, session=session, response="no")
    _move_to(session, at(-1))
    assert list(rules.attendees(session)) == [going]


def test_feedback_refused_before_the_session_ends(convener, cohort):
    session = make_session(actor=convener, cohort=cohort, starts_at=at(2))
    person = make_participant(cohort)
    respond(actor=person, session=session, response="yes")
    # Started 15 minutes ago, ends in 2 h 45: relative to now, not to 14:00 today (at(-0.01)
    # made the test fail whenever it ran after 16:45 UTC).
    _move_to(session, timezone.now() - timedelta(minutes=15), hours=3)
    with pytest.raises(Conflict, match="once the session has ended"):
        give_feedback(actor=person, session=session, rating=4)


def test_feedback_refused_after_the_form_closes(convener, cohort):
    session, (ada,) = past_session_with(convener, cohort, attendees=1)
    late = rules.feedback_closes_at(session) + timedelta(minutes=1)
    with pytest.raises(Conflict, match="closed"):
        give_feedback(actor=ada, session=session, rating=4, now=late)


def test_feedback_refuses_a_rating_outside_one_to_five(convener, cohort):
    session, (ada,) = past_session_with(convener, cohort, attendees=1)
    with pytest.raises(DomainError) as caught:
        give_feedback(actor=ada, session=session, rating=6)
    assert caught.value.field == "rating"


def test_feedback_page_saves_and_shows_the_answer_again(convener, cohort, login):
    session, (ada,) = past_session_with(convener, cohort, attendees=1)
    client = login(ada)
    url = reverse("session-feedback", args=[session.slug])
    response = client.post(url, {"rating": "4", "useful": "Peers", "change": ""})
    assert response.status_code == 302
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial == {"rating": 4, "useful": "Peers", "change": ""}


def test_feedback_page_shows_no_form_to_a_non_attendee(convener, cohort, login):
    session, _present = past_session_with(convener, cohort, attendees=1)
    other = make_participant(cohort)
    page = login(other).get(reverse("session-feedback", args=[session.slug]))
    assert page.status_code == 200
    assert page.context["attendee"] is False
    assert b'name="rating"' not in page.content


def test_session_page_links_to_its_feedback_once_started(convener, cohort, login):
    session, (ada,) = past_session_with(convener, cohort, attendees=1)
    page = login(ada).get(reverse("session-detail", args=[session.slug]))
    assert reverse("session-feedback", args=[session.slug]) in page.content.decode()
