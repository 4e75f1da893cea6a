"""Cohorts side by side: attendance, feedback, survey answers, learnings and the output report.

Conveners only. A fixed number of queries whatever the number of cohorts (each figure is
grouped in the database). Feedback averages follow the evaluation app's small-group rule: a
cohort with fewer than MIN_RESPONSES answers shows its count and no average.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.evaluation import selectors as evaluation
from datacollab.network.models import Cohort
from datacollab.reports.charts import Bar, Chart, bar_chart
from datacollab.reports.figures import attendance_rate_chart, count_chart
from datacollab.reports.models import CohortReport
from datacollab.reports.selectors import figures as numbers
from datacollab.reports.selectors.dashboard import require_convener


@dataclass
class ComparisonRow:
    cohort: Cohort
    members: int
    attendance_percent: int | None
    feedback_responses: int
    feedback_average: float | None  # None: no answers, or too few to show
    survey_responses: int
    learnings_published: int
    report_status: str  # "", "draft" or "published"

    @property
    def feedback_suppressed(self) -> bool:
        return 0 < self.feedback_responses < evaluation.MIN_RESPONSES


@dataclass
class Comparison:
    rows: list[ComparisonRow]
    charts: list[Chart]
    minimum: int = evaluation.MIN_RESPONSES


def cohort_comparison(*, actor: Any, slugs: list[str] | None = None) -> Comparison:
    """Every cohort, oldest first (or only those named), so cohort 1 reads before cohort 2."""
    require_convener(actor)
    cohorts = Cohort.objects.order_by("starts_on", "pk")
    if slugs:
        cohorts = cohorts.filter(slug__in=slugs)
    cohorts_list = list(cohorts)
    ids = [cohort.pk for cohort in cohorts_list]
    members = numbers.member_counts(ids)
    attendance = numbers.attendance_by_cohort(ids)
    feedback = evaluation.feedback_by_cohort(ids)
    surveys = evaluation.survey_responses_by_cohort(ids)
    learnings = numbers.learning_counts(ids)
    reports = dict(
        CohortReport.objects.filter(cohort_id__in=ids).values_list("cohort_id", "status")
    )
    rows = []
    for cohort in cohorts_list:
        attended, recorded = attendance.get(cohort.pk, (0, 0))
        responses, average = feedback.get(cohort.pk, (0, None))
        rows.append(
            ComparisonRow(
                cohort=cohort,
                members=members.get(cohort.pk, (0, 0))[0],
                attendance_percent=round(100 * attended / recorded) if recorded else None,
                feedback_responses=responses,
                feedback_average=average,
                survey_responses=surveys.get(cohort.pk, 0),
                learnings_published=learnings.get(cohort.pk, numbers.LearningCounts()).published,
                report_status=reports.get(cohort.pk, ""),
            )
        )
    return Comparison(rows=rows, charts=comparison_charts(rows))


def comparison_charts(rows: list[ComparisonRow]) -> list[Chart]:
    rated = [row for row in rows if row.feedback_average is not None]
    return [
        attendance_rate_chart(
            "compare-attendance",
            [
                (row.cohort.name, row.attendance_percent)
                for row in rows
                if row.attendance_percent is not None
            ],
        ),
        bar_chart(
            key="compare-feedback",
            title=_("Average session rating per cohort"),
            description=ngettext(
                "The mean of every rating (1 to 5) given on the cohort's sessions. Cohorts with "
                "fewer than %(n)d answer are left out, so that no one can be recognised.",
                "The mean of every rating (1 to 5) given on the cohort's sessions. Cohorts with "
                "fewer than %(n)d answers are left out, so that no one can be recognised.",
                evaluation.MIN_RESPONSES,
            )
            % {"n": evaluation.MIN_RESPONSES},
            bars=[
                Bar(row.cohort.name, row.feedback_average or 0, f"{row.feedback_average} / 5")
                for row in rated
            ],
            headers=(_("Cohort"), _("Average rating")),
            maximum=5,
        ),
        count_chart(
            "compare-learnings",
            _("Learnings published per cohort"),
            _("Learnings published by each cohort, public and cohort-only together."),
            (_("Cohort"), _("Learnings")),
            [(row.cohort.name, row.learnings_published) for row in rows],
        ),
    ]
