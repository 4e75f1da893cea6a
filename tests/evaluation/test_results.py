"""Results with small groups suppressed, and comments for conveners only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datacollab.evaluation import selectors
from datacollab.evaluation.services.surveys import answer_survey
from tests.factories_evaluation import open_survey, past_session_with, rate
from tests.factories_events import current_cohort, make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return current_cohort(name="Cohort 2")


def test_session_summary_withheld_below_five_answers(convener, cohort):
    session, people = past_session_with(convener, cohort, attendees=4)
    rate(session, people, [5, 4, 4, 1], useful="Everything")
    summary = selectors.session_summary(session, comments=True)
    assert (summary.responses, summary.average, summary.distribution, summary.useful) == (
        4,
        None,
        [],
        [],
    )


def test_session_summary_shown_from_five_answers(convener, cohort):
    session, people = past_session_with(convener, cohort, attendees=5)
    rate(session, people, [5, 4, 4, 3, 1])
    summary = selectors.session_summary(session, comments=False)
    assert (summary.average, summary.distribution) == (
        3.4,
        [(1, 1), (2, 0), (3, 1), (4, 2), (5, 1)],
    )


def test_session_results_page_hides_comments_from_participants(convener, cohort, login):
    session, people = past_session_with(convener, cohort, attendees=5)
    rate(session, people, [4] * 5, useful="The GBIF case")
    url = reverse("session-feedback-results", args=[session.slug])
    as_participant = login(people[0]).get(url)
    as_convener = login(convener).get(url)
    assert b"The GBIF case" not in as_participant.content
    assert as_convener.context["summary"].useful == ["The GBIF case"] * 5


def test_session_results_page_says_why_results_are_withheld(convener, cohort, login):
    session, people = past_session_with(convener, cohort, attendees=2)
    rate(session, people, [4, 2])
    page = login(convener).get(reverse("session-feedback-results", args=[session.slug]))
    assert page.status_code == 200
    assert "so that no one can be recognised" in page.content.decode()
    assert page.context["summary"].average is None


def test_session_results_page_query_count(convener, cohort, login, django_assert_num_queries):
    session, people = past_session_with(convener, cohort, attendees=6)
    rate(session, people, [5, 4, 4, 3, 1, 2], useful="x", change="y")
    client = login(convener)
    url = reverse("session-feedback-results", args=[session.slug])
    client.get(url)
    with django_assert_num_queries(QUERIES_SESSION_RESULTS):
        client.get(url)


def test_cohort_feedback_page_query_count(convener, cohort, login, django_assert_num_queries):
    for n in (5, 2):
        session, people = past_session_with(convener, cohort, attendees=n)
        rate(session, people, [4] * n)
    client = login(convener)
    url = reverse("cohort-feedback", args=[cohort.slug])
    page = client.get(url)
    assert [(row.responses, row.average) for row in page.context["rows"]] == [(5, 4.0), (2, None)]
    with django_assert_num_queries(QUERIES_COHORT_FEEDBACK):
        client.get(url)


def test_survey_results_withheld_below_five_then_counted(convener, cohort):
    survey = open_survey(convener, cohort)
    choice, text = survey.questions.all()
    for index in range(5):
        if index == 4:
            assert selectors.survey_results(survey, comments=True).questions[0].counts == []
        answer_survey(
            actor=make_participant(cohort),
            survey=survey,
            answers={choice.pk: "Yes" if index < 3 else "No", text.pk: f"gain {index}"},
        )
    results = selectors.survey_results(survey, comments=True)
    assert [(r.counts, r.texts) for r in results.questions] == [
        ([("Yes", 3), ("No", 2)], []),
        ([], [f"gain {i}" for i in range(5)]),
    ]
    assert selectors.survey_results(survey, comments=False).questions[1].texts == []


def test_survey_detail_page_query_count(convener, cohort, login, django_assert_num_queries):
    survey = open_survey(convener, cohort)
    choice, text = survey.questions.all()
    for _index in range(6):
        answer_survey(
            actor=make_participant(cohort), survey=survey, answers={choice.pk: "Yes", text.pk: "a"}
        )
    client = login(convener)
    url = reverse("survey-detail", args=[survey.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_SURVEY_DETAIL):
        client.get(url)


QUERIES_SESSION_RESULTS = 6
QUERIES_COHORT_FEEDBACK = 6
QUERIES_SURVEY_DETAIL = 7
