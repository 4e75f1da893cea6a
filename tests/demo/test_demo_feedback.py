"""The demo's second cohort has session feedback and a closed survey above the threshold,
and the dashboard compares cohort 1 with cohort 2."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from datacollab.demo import content
from datacollab.demo.builder import load_demo
from datacollab.evaluation import selectors
from datacollab.evaluation.models import SessionFeedback, Survey, SurveyResponse
from datacollab.network.models import Cohort
from datacollab.organisations.models import User
from datacollab.reports.selectors.comparison import cohort_comparison

pytestmark = pytest.mark.django_db


def test_demo_second_cohort_has_feedback_a_survey_and_a_comparison():
    now = timezone.make_aware(datetime(2026, 12, 6, 9, 0))
    load_demo(now=now)
    load_demo(now=now)  # a refresh changes nothing
    cohort = Cohort.objects.get(slug=content.SECOND.slug)
    rows = selectors.cohort_feedback(cohort)
    survey = Survey.objects.get(cohort=cohort)
    results = selectors.survey_results(survey, comments=True)
    comparison = cohort_comparison(actor=User.objects.get(email="convener@demo.datacollab.org"))
    assert [(row.responses, row.average) for row in rows] == [
        (6, 4.2),
        (6, 4.2),
        (6, 4.2),
        (3, None),
    ]
    assert SessionFeedback.objects.count() == 21
    assert (survey.state, SurveyResponse.objects.filter(survey=survey).count()) == ("closed", 7)
    assert results.questions[0].counts == [("Yes", 5), ("Maybe", 1), ("No", 1)]
    assert [row.cohort.slug for row in comparison.rows][:2] == [
        content.FIRST.slug,
        content.SECOND.slug,
    ]
    assert comparison.rows[1].feedback_average == 4.1
