"""The numbers behind the output report and the dashboards, each in a fixed number of queries.

Every function takes cohort ids (one cohort for a report or a cohort's dashboard, all of them
for the network's) and aggregates in the database, so the number of queries never grows with
the number of applications, sessions or learnings. Only counts and sums leave this module.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from datacollab.core import countries, country_names
from datacollab.events.models import Attendance, Audience, Session
from datacollab.learnings.models import Learning, Visibility
from datacollab.network.models import (
    Application,
    Award,
    Call,
    Cohort,
    CohortMembership,
    Instalment,
    SelectionProposal,
)
from datacollab.organisations.models import OrganisationKind
from datacollab.organisations.models.organisation import global_south_by_operation

STAGES = ("applied", "eligible", "shortlisted", "selected")


def region_name(code: str) -> str:
    return country_names.region(countries.region_of(code)) or "?"


def kind_labels() -> dict[str, str]:
    return {str(value): str(label) for value, label in OrganisationKind.choices}


# --- diversity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diversity:
    total: int
    global_south: int
    by_region: list[tuple[str, int]]  # (UN M49 region, organisations), largest first
    by_kind: list[tuple[str, int]]  # (kind value, organisations), in the kinds' own order

    @property
    def global_south_percent(self) -> int | None:
        return round(100 * self.global_south / self.total) if self.total else None


def _sorted_counts(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def cohort_diversity(cohort_id: int) -> Diversity:
    """The cohort's member organisations by region and by kind (one query)."""
    members = list(
        CohortMembership.objects.filter(cohort_id=cohort_id).values_list(
            "organisation__country", "organisation__kind"
        )
    )
    regions = Counter(region_name(country) for country, _kind in members)
    kinds = Counter(kind for _country, kind in members)
    return Diversity(
        total=len(members),
        global_south=sum(1 for country, _kind in members if countries.is_global_south(country)),
        by_region=_sorted_counts(regions),
        by_kind=[(kind, kinds[kind]) for kind in OrganisationKind.values if kinds[kind]],
    )


def member_counts(cohort_ids: Collection[int]) -> dict[int, tuple[int, int]]:
    """(members, of them in the Global South) per cohort, in one query."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for cohort_id, country in CohortMembership.objects.filter(cohort_id__in=cohort_ids).values_list(
        "cohort_id", "organisation__country"
    ):
        counts[cohort_id][0] += 1
        counts[cohort_id][1] += countries.is_global_south(country)
    return {pk: (total, south) for pk, (total, south) in counts.items()}


# --- funding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funding:
    currency: str
    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid

    @property
    def uncommitted(self) -> Decimal:
        return max(Decimal(0), self.budget - self.committed)


def funding(cohorts: Iterable[Cohort]) -> dict[int, Funding]:
    """Budget, awards committed and instalments paid per cohort, in two queries.

    Awards and instalments are summed apart: one query joining both would count an award's
    amount once per instalment.
    """
    cohorts = list(cohorts)
    ids = [cohort.pk for cohort in cohorts]
    committed = dict(
        Award.objects.filter(cohort_id__in=ids)
        .values("cohort_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("cohort_id", "total")
    )
    paid = dict(
        Instalment.objects.filter(award__cohort_id__in=ids, paid_on__isnull=False)
        .values("award__cohort_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("award__cohort_id", "total")
    )
    return {
        cohort.pk: Funding(
            currency=cohort.currency,
            budget=cohort.budget,
            committed=committed.get(cohort.pk) or Decimal(0),
            paid=paid.get(cohort.pk) or Decimal(0),
        )
        for cohort in cohorts
    }


# --- attendance -----------------------------------------------------------------------------
# One cohort's rates come from `events.selectors.attendance_rates`, the events app's own rule
# (people recorded present ÷ people recorded, over the cohort's sessions that have started).
# The network's page needs every cohort's total at once: the same rule, grouped in one query.


def attendance_by_cohort(cohort_ids: Collection[int]) -> dict[int, tuple[int, int]]:
    """(people recorded present, people recorded) per cohort, as `attendance_rates` totals."""
    rows = (
        Attendance.objects.filter(
            session__cohort_id__in=cohort_ids,
            session__audience=Audience.COHORT,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__lte=timezone.now(),
        )
        .values("session__cohort_id")
        .annotate(attended=Count("pk", filter=Q(attended=True)), recorded=Count("pk"))
        .order_by()
    )
    return {row["session__cohort_id"]: (row["attended"], row["recorded"]) for row in rows}


# --- learnings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LearningCounts:
    public: int = 0
    cohort_only: int = 0
    drafts: int = 0

    @property
    def published(self) -> int:
        return self.public + self.cohort_only


def learning_counts(cohort_ids: Collection[int]) -> dict[int, LearningCounts]:
    published = Q(status=Learning.Status.PUBLISHED)
    rows = (
        Learning.objects.filter(cohort_id__in=cohort_ids)
        .values("cohort_id")
        .annotate(
            public=Count("pk", filter=published & Q(visibility=Visibility.PUBLIC)),
            cohort_only=Count("pk", filter=published & Q(visibility=Visibility.COHORT)),
            drafts=Count("pk", filter=Q(status=Learning.Status.DRAFT)),
        )
        .order_by()
    )
    return {
        row["cohort_id"]: LearningCounts(row["public"], row["cohort_only"], row["drafts"])
        for row in rows
    }


def published_by_theme(cohort_id: int) -> list[tuple[str, int]]:
    """Published learnings of the cohort per programme theme (a learning counts in each)."""
    rows = (
        Learning.objects.filter(
            cohort_id=cohort_id, status=Learning.Status.PUBLISHED, tags__is_theme=True
        )
        .values("tags__pk", "tags__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("tags__pk")
    )
    return [(row["tags__name"], row["n"]) for row in rows]


# --- the application funnel -----------------------------------------------------------------


@dataclass
class Funnel:
    """Applications at each stage, overall and by region, Global South and organisation kind."""

    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    by_region: dict[str, dict[str, int]] = field(default_factory=dict)
    by_south: dict[bool, dict[str, int]] = field(default_factory=dict)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    # Global South by countries of operation (at least one), beside the head office's.
    by_south_operation: dict[bool, dict[str, int]] = field(default_factory=dict)

    def add(
        self, country: str, kind: str, counts: dict[str, int], operating: list[str] | None = None
    ) -> None:
        south = global_south_by_operation(country, operating)
        rows = [
            self.by_south_operation.setdefault(south, dict.fromkeys(STAGES, 0)),
            self.by_region.setdefault(region_name(country), dict.fromkeys(STAGES, 0)),
            self.by_south.setdefault(countries.is_global_south(country), dict.fromkeys(STAGES, 0)),
            self.by_kind.setdefault(kind, dict.fromkeys(STAGES, 0)),
            self.total,
        ]
        for row in rows:
            for stage in STAGES:
                row[stage] += counts[stage]

    def south_percent(self, stage: str) -> int | None:
        total = self.total[stage]
        south = self.by_south.get(True, {}).get(stage, 0)
        return round(100 * south / total) if total else None

    def south_operation_percent(self, stage: str) -> int | None:
        total = self.total[stage]
        south = self.by_south_operation.get(True, {}).get(stage, 0)
        return round(100 * south / total) if total else None


def shortlisted_ids(calls: QuerySet[Call]) -> tuple[set[int], set[int]]:
    """(application ids in each call's shortlist, ids of calls that have no proposal).

    A call's shortlist is its confirmed selection proposal's choice, else its latest
    proposal's. Two queries: the proposals' ids, then the chosen ones' `selected` lists only
    (the full result snapshot lists every candidate, and would grow with the applications).
    """
    proposals = (
        SelectionProposal.objects.filter(call__in=calls)
        .order_by("-created_at", "-pk")
        .values_list("pk", "call_id", "status")
    )
    chosen: dict[int, int] = {}
    confirmed: set[int] = set()
    for pk, call_id, status in proposals:
        if status == SelectionProposal.Status.CONFIRMED and call_id not in confirmed:
            chosen[call_id] = pk
            confirmed.add(call_id)
        elif call_id not in chosen:
            chosen[call_id] = pk
    ids: set[int] = set()
    if chosen:
        for selected in SelectionProposal.objects.filter(pk__in=chosen.values()).values_list(
            "result__selected", flat=True
        ):
            ids.update(i for i in (selected or []) if isinstance(i, int))
    without = set(calls.exclude(pk__in=chosen.keys()).values_list("pk", flat=True))
    return ids, without


def funnel(calls: QuerySet[Call]) -> Funnel:
    """The funnel of the calls' applications, in four queries whatever their number.

    Applied: submitted (not drafts, not withdrawn). Eligible: submitted and found eligible.
    Shortlisted: in the call's confirmed (else latest) selection proposal; for a call decided
    without the optimiser, its selected applications. Selected: the decision.
    """
    shortlist, without_proposal = shortlisted_ids(calls)
    in_shortlist = Q(pk__in=shortlist) if shortlist else Q(pk__isnull=True)
    selected = Q(decision=Application.Decision.SELECTED)
    if without_proposal:
        in_shortlist |= selected & Q(call_id__in=without_proposal)
    rows = (
        Application.objects.filter(call__in=calls, status=Application.Status.SUBMITTED)
        .values("organisation__country", "organisation__kind", "organisation__operating_countries")
        .annotate(
            applied=Count("pk"),
            eligible=Count("pk", filter=Q(eligible=True)),
            shortlisted=Count("pk", filter=in_shortlist),
            selected=Count("pk", filter=selected),
        )
        .order_by()
    )
    result = Funnel()
    for row in rows:
        counts = {
            "applied": row["applied"],
            "eligible": row["eligible"],
            "shortlisted": row["shortlisted"],
            "selected": row["selected"],
        }
        result.add(
            row["organisation__country"],
            row["organisation__kind"],
            counts,
            row["organisation__operating_countries"],
        )
    return result
