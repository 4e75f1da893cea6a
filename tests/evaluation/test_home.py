"""/feedback/: the sessions waiting for the person's feedback and the surveys to answer."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from datacollab.evaluation import rules, selectors
from tests.factories_evaluation import open_survey, past_session_with, rate
from tests.factories_events import current_cohort, make_participant

pytestmark = pytest.mark.django_db


def test_home_lists_sessions_the_person_attended_and_open_surveys(convener, login):
    cohort = current_cohort(name="Cohort 2")
    came, (ada,) = past_session_with(convener, cohort, attendees=1)
    answered, (bea,) = past_session_with(convener, cohort, attendees=1, days_ago=2)
    missed, _others = past_session_with(convener, cohort, attendees=1, days_ago=3)
    answered.attendances.create(user=ada, attended=True)
    rate(answered, [ada], [4])
    missed.attendances.create(user=ada, attended=False)
    survey = open_survey(convener, cohort)
    page = login(ada).get(reverse("feedback-home"))
    assert [(s.title, s.answered) for s in page.context["sessions"]] == [
        (came.title, False),
        (answered.title, True),
    ]
    assert page.context["surveys"] == [survey]
    assert [rules.is_attendee(ada, s) for s in (came, answered, missed)] == [True, True, False]
    assert selectors.sessions_awaiting_feedback(bea, timezone.now()) == [answered]


def test_home_query_count(convener, login, django_assert_num_queries):
    cohort = current_cohort(name="Cohort 2")
    ada = make_participant(cohort)
    for days in (1, 2, 3):
        session, _people = past_session_with(convener, cohort, attendees=1, days_ago=days)
        session.attendances.create(user=ada, attended=True)
    open_survey(convener, cohort)
    client = login(ada)
    client.get(reverse("feedback-home"))
    with django_assert_num_queries(QUERIES_HOME):
        response = client.get(reverse("feedback-home"))
    assert len(response.context["sessions"]) == 3


QUERIES_HOME = 6  # the menu reads the participant's cohorts with their end dates in one query
