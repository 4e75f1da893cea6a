"""Cohorts side by side (page and network dashboard), and feedback in the output report."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.evaluation.services.surveys import answer_survey
from datacollab.reports.selectors.report import report_content, report_of
from tests.factories_evaluation import open_survey, past_session_with, rate
from tests.factories_events import current_cohort, ended_cohort, make_participant

pytestmark = pytest.mark.django_db


def _cohort_with_feedback(convener, cohort, ratings):
    session, people = past_session_with(convener, cohort, attendees=len(ratings), absent=1)
    rate(session, people, ratings, useful="A named remark")
    return session


def test_comparison_shows_each_cohort_oldest_first_with_small_groups_withheld(convener, login):
    first = ended_cohort(name="Cohort 1", starts_on=date(2021, 10, 1))
    second = current_cohort(name="Cohort 2")
    _cohort_with_feedback(convener, first, [4, 2])
    _cohort_with_feedback(convener, second, [5, 4, 4, 5, 3])
    page = login(convener).get(reverse("cohort-comparison"))
    rows = page.context["comparison"].rows
    assert [
        (r.cohort.name, r.attendance_percent, r.feedback_responses, r.feedback_average)
        for r in rows
    ] == [("Cohort 1", 67, 2, None), ("Cohort 2", 83, 5, 4.2)]
    assert rows[0].feedback_suppressed is True
    feedback_chart = page.context["comparison"].charts[1]
    assert feedback_chart.rows == [("Cohort 2", "4.2 / 5")]
    assert b"A named remark" not in page.content


def test_comparison_counts_survey_answers(convener, login):
    cohort = current_cohort(name="Cohort 2")
    survey = open_survey(convener, cohort)
    choice, _text = survey.questions.all()
    answer_survey(actor=make_participant(cohort), survey=survey, answers={choice.pk: "Yes"})
    page = login(convener).get(reverse("cohort-comparison"))
    assert [r.survey_responses for r in page.context["comparison"].rows] == [1]


def test_comparison_refused_to_participants(login):
    cohort = current_cohort(name="Cohort 2")
    page = login(make_participant(cohort)).get(reverse("cohort-comparison"))
    assert page.status_code == 403


def test_comparison_queries_do_not_grow_with_cohorts(convener, login, django_assert_num_queries):
    client = login(convener)
    _cohort_with_feedback(convener, current_cohort(name="Cohort A"), [4] * 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("cohort-comparison")).status_code == 200
    for name in ("Cohort B", "Cohort C", "Cohort D"):
        _cohort_with_feedback(convener, current_cohort(name=name), [3] * 5)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cohort-comparison"))

    assert len(response.context["comparison"].rows) == 4


def test_network_dashboard_shows_the_comparison(convener, login):
    cohort = current_cohort(name="Cohort 2")
    _cohort_with_feedback(convener, cohort, [5, 5, 4, 4, 3])
    page = login(convener).get(reverse("network-dashboard"))
    assert [r.feedback_average for r in page.context["comparison"].rows] == [4.2]
    assert 'id="compare-feedback"' in page.content.decode()


def test_output_report_carries_rated_sessions_only_without_comments(convener):
    cohort = current_cohort(name="Cohort 2")
    rated = _cohort_with_feedback(convener, cohort, [5, 4, 4, 5, 3])
    _cohort_with_feedback(convener, cohort, [1, 2])
    content = report_content(report_of(cohort))
    feedback = [chart for chart in content.charts if chart.key == "report-feedback"]
    assert [chart.rows for chart in feedback] == [[(rated.title, "4.2 / 5 (5)")]]
