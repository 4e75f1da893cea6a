"""The conveners' dashboards, per cohort and for the whole network. Conveners only.

Each dashboard runs a fixed number of queries: the figures are grouped in the database (see
`selectors.figures`), whatever the number of applications, sessions, learnings or cohorts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed
from datacollab.events.selectors.attendance import attendance_rates
from datacollab.network.models import Application, Call, Cohort
from datacollab.reports import figures, rules
from datacollab.reports.charts import Chart
from datacollab.reports.models import CohortReport
from datacollab.reports.selectors import diversity as beyond
from datacollab.reports.selectors import figures as numbers
from datacollab.reports.selectors.report import cohort_by_slug


def require_convener(actor: Any) -> None:
    if not rules.can_see_dashboard(actor):
        raise NotAllowed(
            _(
                "Only conveners can see the dashboard: it shows every application and grant. "
                "Ask a convener of the network if you need these figures."
            )
        )


def _percent(attended: int, recorded: int) -> int | None:
    return round(100 * attended / recorded) if recorded else None


@dataclass
class CohortDashboard:
    cohort: Cohort
    report: CohortReport | None
    funnel: numbers.Funnel
    diversity: numbers.Diversity
    funding: numbers.Funding
    learnings: numbers.LearningCounts
    sessions_held: int
    attendance_percent: int | None
    funnel_charts: list[Chart]
    south_shares: list[tuple[str, int | None, int | None]]
    diversity_charts: list[Chart]
    attendance_charts: list[Chart]
    funding_chart: Chart
    learnings_chart: Chart
    operation: beyond.Operation | None = None
    operation_chart: Chart | None = None
    residence: beyond.Residence | None = None
    residence_chart: Chart | None = None


def cohort_dashboard(*, actor: Any, cohort_slug: str) -> CohortDashboard:
    require_convener(actor)
    cohort = cohort_by_slug(cohort_slug)
    funnel = numbers.funnel(Call.objects.filter(cohort=cohort))
    diversity = numbers.cohort_diversity(cohort.pk)
    funding = numbers.funding([cohort])[cohort.pk]
    attendance = attendance_rates(cohort)
    learnings = numbers.learning_counts([cohort.pk]).get(cohort.pk, numbers.LearningCounts())
    themes = numbers.published_by_theme(cohort.pk)
    operation = beyond.organisations_by_operation([cohort.pk])
    residence = beyond.people_by_residence([cohort.pk])
    return CohortDashboard(
        operation=operation,
        operation_chart=figures.operation_chart("cohort-operation", operation),
        residence=residence,
        residence_chart=figures.residence_chart("cohort-residence", residence),
        cohort=cohort,
        report=CohortReport.objects.filter(cohort=cohort).first(),
        funnel=funnel,
        diversity=diversity,
        funding=funding,
        learnings=learnings,
        sessions_held=sum(1 for row in attendance.sessions if row.recorded),
        attendance_percent=attendance.percent,
        funnel_charts=figures.funnel_charts("cohort", funnel),
        south_shares=figures.south_shares(funnel),
        diversity_charts=[
            figures.region_chart("cohort-regions", diversity),
            figures.kind_chart("cohort-kinds", diversity),
        ],
        attendance_charts=[
            figures.session_attendance_chart("cohort-attendance-sessions", attendance.sessions),
            figures.organisation_attendance_chart(
                "cohort-attendance-orgs", attendance.organisations
            ),
        ],
        funding_chart=figures.funding_chart("cohort-funding", [(cohort.name, funding)]),
        learnings_chart=figures.count_chart(
            "cohort-learnings-themes",
            _("Published learnings by theme"),
            _("A learning tagged with several themes counts under each."),
            (_("Theme"), _("Learnings")),
            themes,
        ),
    )


@dataclass
class CohortRow:
    cohort: Cohort
    members: int
    global_south: int
    applied: int
    selected: int
    attendance_percent: int | None
    funding: numbers.Funding
    learnings: numbers.LearningCounts
    report_status: str  # "", "draft" or "published"

    @property
    def global_south_percent(self) -> int | None:
        return round(100 * self.global_south / self.members) if self.members else None


@dataclass
class NetworkDashboard:
    funnel: numbers.Funnel
    rows: list[CohortRow]
    funnel_charts: list[Chart]
    south_shares: list[tuple[str, int | None, int | None]]
    funding_charts: list[Chart] = field(default_factory=list)
    attendance_chart: Chart | None = None
    learnings_chart: Chart | None = None
    operation: beyond.Operation | None = None
    operation_chart: Chart | None = None
    residence: beyond.Residence | None = None
    residence_chart: Chart | None = None


def _applications_by_cohort() -> dict[int, tuple[int, int]]:
    rows = (
        Application.objects.filter(status=Application.Status.SUBMITTED)
        .values("call__cohort_id")
        .annotate(
            applied=Count("pk"),
            selected=Count("pk", filter=Q(decision=Application.Decision.SELECTED)),
        )
        .order_by()
    )
    return {row["call__cohort_id"]: (row["applied"], row["selected"]) for row in rows}


def network_dashboard(*, actor: Any) -> NetworkDashboard:
    require_convener(actor)
    cohorts = list(Cohort.objects.order_by("-starts_on", "pk"))
    ids = [cohort.pk for cohort in cohorts]
    funnel = numbers.funnel(Call.objects.all())
    members = numbers.member_counts(ids)
    applications = _applications_by_cohort()
    funding = numbers.funding(cohorts)
    learnings = numbers.learning_counts(ids)
    attendance = numbers.attendance_by_cohort(ids)
    reports = dict(CohortReport.objects.values_list("cohort_id", "status"))
    rows = [
        CohortRow(
            cohort=cohort,
            members=members.get(cohort.pk, (0, 0))[0],
            global_south=members.get(cohort.pk, (0, 0))[1],
            applied=applications.get(cohort.pk, (0, 0))[0],
            selected=applications.get(cohort.pk, (0, 0))[1],
            attendance_percent=_percent(*attendance.get(cohort.pk, (0, 0))),
            funding=funding[cohort.pk],
            learnings=learnings.get(cohort.pk, numbers.LearningCounts()),
            report_status=reports.get(cohort.pk, ""),
        )
        for cohort in cohorts
    ]
    by_currency: dict[str, list[tuple[str, numbers.Funding]]] = defaultdict(list)
    for row in rows:
        by_currency[row.funding.currency].append((row.cohort.name, row.funding))
    with_attendance = [row for row in rows if row.attendance_percent is not None]
    operation = beyond.organisations_by_operation(ids)
    residence = beyond.people_by_residence(ids)
    return NetworkDashboard(
        operation=operation,
        operation_chart=figures.operation_chart("network-operation", operation),
        residence=residence,
        residence_chart=figures.residence_chart("network-residence", residence),
        funnel=funnel,
        rows=rows,
        funnel_charts=figures.funnel_charts("network", funnel),
        south_shares=figures.south_shares(funnel),
        # Amounts in different currencies never share an axis.
        funding_charts=[
            figures.funding_chart(f"network-funding-{currency.lower()}", items)
            for currency, items in sorted(by_currency.items())
        ],
        attendance_chart=figures.attendance_rate_chart(
            "network-attendance",
            [(row.cohort.name, row.attendance_percent or 0) for row in with_attendance],
        ),
        learnings_chart=figures.count_chart(
            "network-learnings",
            _("Published learnings per cohort"),
            _("Learnings published by each cohort, public and cohort-only together."),
            (_("Cohort"), _("Learnings")),
            [(row.cohort.name, row.learnings.published) for row in rows],
        ),
    )
