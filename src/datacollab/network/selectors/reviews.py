"""Reads about reviews: scores, per-reviewer normalisation."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from datacollab.core.content_language import localized
from datacollab.core.errors import NotAllowed
from datacollab.network.models import (
    Answer,
    Application,
    Call,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    SelectionProposal,
)
from datacollab.organisations.models import Membership, Organisation, Role, User
from datacollab.organisations.rules import is_convener


@dataclass(frozen=True)
class ApplicationMerit:
    application_id: int
    reviews: int
    raw_mean: float | None  # mean weighted score, on the call's scale
    normalised_mean: float | None  # mean of the reviewers' z-scores


def merit_by_application(call: Call) -> dict[int, ApplicationMerit]:
    """Raw and normalised merit of every reviewed application of a call.

    Each reviewer's weighted scores are turned into z-scores over that reviewer's own
    reviews of this call, so a harsh and a generous reviewer count alike. A reviewer with a
    single review, or with identical scores throughout, has no spread: their z-score is 0.
    """
    rows = list(
        Review.objects.filter(
            assignment__application__call=call,
            submitted_at__isnull=False,
            weighted_score__isnull=False,
        ).values_list("assignment__application_id", "assignment__reviewer_id", "weighted_score")
    )
    by_reviewer: dict[int, list[float]] = {}
    for _app, reviewer, score in rows:
        by_reviewer.setdefault(reviewer, []).append(float(score))  # type: ignore[arg-type]
    stats: dict[int, tuple[float, float]] = {}
    for reviewer, scores in by_reviewer.items():
        mean = statistics.fmean(scores)
        sd = statistics.pstdev(scores) if len(scores) > 1 else 0.0
        stats[reviewer] = (mean, sd)
    raw: dict[int, list[float]] = {}
    z: dict[int, list[float]] = {}
    for app, reviewer, score in rows:
        mean, sd = stats[reviewer]
        raw.setdefault(app, []).append(float(score))  # type: ignore[arg-type]
        z.setdefault(app, []).append((float(score) - mean) / sd if sd > 0 else 0.0)  # type: ignore[arg-type]
    return {
        app: ApplicationMerit(
            application_id=app,
            reviews=len(raw[app]),
            raw_mean=statistics.fmean(raw[app]),
            normalised_mean=statistics.fmean(z[app]),
        )
        for app in raw
    }


# --- conflicts ------------------------------------------------------------------------------


def conflict_pairs(
    call: Call, *, reviewer_ids: Iterable[int] | None = None
) -> set[tuple[int, int]]:
    """(reviewer_id, organisation_id) pairs that may never meet in this call.

    A reviewer is conflicted with every organisation they belong to, and with every
    organisation they declared a conflict for, in this call or in all calls.
    """
    orgs = Application.objects.filter(call=call).values("organisation_id")
    members = Membership.objects.filter(organisation_id__in=orgs)
    declared = ReviewerConflict.objects.filter(
        Q(call=call) | Q(call__isnull=True), organisation_id__in=orgs
    )
    if reviewer_ids is not None:
        ids = list(reviewer_ids)
        members = members.filter(user_id__in=ids)
        declared = declared.filter(reviewer_id__in=ids)
    return set(members.values_list("user_id", "organisation_id")) | set(
        declared.values_list("reviewer_id", "organisation_id")
    )


def conflict_kind(reviewer: User, application: Application) -> str | None:
    """ "member" when the reviewer belongs to the applicant, "declared" for a declared conflict."""
    if Membership.objects.filter(
        user=reviewer, organisation_id=application.organisation_id
    ).exists():
        return "member"
    declared = ReviewerConflict.objects.filter(
        Q(call_id=application.call_id) | Q(call__isnull=True),
        reviewer=reviewer,
        organisation_id=application.organisation_id,
    ).exists()
    return "declared" if declared else None


def is_conflicted(reviewer: User, application: Application) -> bool:
    return conflict_kind(reviewer, application) is not None


def conflicts_of(reviewer: User) -> list[ReviewerConflict]:
    return list(
        ReviewerConflict.objects.filter(reviewer=reviewer)
        .select_related("organisation", "call")
        .order_by("organisation__name", "id")
    )


def conflict_organisations() -> QuerySet[Organisation]:
    """Organisations a reviewer may declare a conflict with: every one in the network. Listing
    only those that applied would tell a blind call's reviewer who applied."""
    return Organisation.objects.order_by("name")


def calls_with_applications() -> QuerySet[Call]:
    applied = Application.objects.exclude(status=Application.Status.DRAFT).values("call_id")
    return Call.objects.filter(pk__in=applied).order_by("-deadline")


def reviewers() -> QuerySet[User]:
    return (
        User.objects.filter(role_grants__role=Role.REVIEWER, is_active=True)
        .distinct()
        .order_by("display_name", "email")
    )


def reviewable_applications(call: Call) -> QuerySet[Application]:
    """Only submitted, eligible applications are ever reviewed, and never a direct approach:
    its interview recommendation stands in for reviews (selectors/direct.py), so reviewers
    assigned to it would write reviews the selection never reads."""
    return (
        Application.objects.filter(call=call, status=Application.Status.SUBMITTED, eligible=True)
        .exclude(source=Application.Source.DIRECT)
        .order_by("id")
    )


# --- reviewer pages -------------------------------------------------------------------------


class ReviewState(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"


def review_state(assignment: ReviewAssignment) -> ReviewState:
    review = getattr(assignment, "review", None)
    if review is None:
        return ReviewState.NOT_STARTED
    return ReviewState.SUBMITTED if review.submitted_at else ReviewState.DRAFT


def assignments_of(reviewer: User) -> list[ReviewAssignment]:
    """A reviewer's own assignments, newest call first, with their review state attached."""
    assignments = list(
        ReviewAssignment.objects.filter(reviewer=reviewer)
        .select_related(
            "application__call", "application__organisation", "application__created_by", "review"
        )
        .order_by("-application__call__deadline", "application__title", "id")
    )
    for assignment in assignments:
        assignment.state = review_state(assignment)  # type: ignore[attr-defined]
    return assignments


def selection_confirmed(call: Call) -> bool:
    """Whether the call's selection is settled, so review changes are closed.

    A decided call is settled even without a stored confirmed proposal (calls decided before
    proposals were stored, or imported): reviews, assignments and reminders stop there too."""
    if call.status == Call.Status.DECIDED:
        return True
    return SelectionProposal.objects.filter(
        call=call, status=SelectionProposal.Status.CONFIRMED
    ).exists()


@dataclass(frozen=True)
class AnswerView:
    question: str
    kind: str
    value: str
    file_name: str
    question_id: int = 0  # for the checked download link of a file answer


def answers_of(application: Application) -> list[AnswerView]:
    answers = {a.question_id: a for a in Answer.objects.filter(application=application)}
    shown = []
    for question in application.call.questions.order_by("position", "id"):
        answer = answers.get(question.pk)
        value = answer.value if answer is not None else None
        file_name = ""
        if answer is not None and answer.file:
            # A file answer's value is {"name": the uploaded name}: shown as the file, not text.
            stored = value.get("name") if isinstance(value, dict) else None
            file_name = str(stored or (answer.file.name or "").rsplit("/", 1)[-1])
            text = ""
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        else:
            text = "" if value is None else str(value)
        shown.append(
            AnswerView(
                # The question in the reviewer's language (the answer stays as written).
                question=localized(question, "label"),
                kind=question.kind,
                value=text,
                file_name=file_name,
                question_id=question.pk,
            )
        )
    return shown


# --- convener pages -------------------------------------------------------------------------


def _require_convener(actor: User) -> None:
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can see reviewer assignments and scores."))


@dataclass(frozen=True)
class AssignmentRow:
    application: Application
    assignments: list[ReviewAssignment]
    missing: int
    submitted: int = 0


@dataclass(frozen=True)
class ReviewerLoad:
    reviewer: User
    assigned: int
    submitted: int


@dataclass(frozen=True)
class AssignmentOverview:
    rows: list[AssignmentRow]
    loads: list[ReviewerLoad]
    missing: int
    not_reviewable: int
    direct: int = 0  # directly approached candidates: their interview stands in for reviews


def assignment_overview(*, actor: User, call: Call) -> AssignmentOverview:
    _require_convener(actor)
    ordered = ReviewAssignment.objects.select_related("reviewer", "review").order_by(
        "reviewer__display_name", "reviewer__email"
    )
    applications = list(
        reviewable_applications(call)
        .select_related("organisation")
        .prefetch_related(Prefetch("assignments", queryset=ordered, to_attr="ordered_assignments"))
        .order_by("organisation__name", "id")
    )
    need = call.reviews_per_application
    rows = [
        AssignmentRow(
            application=app,
            assignments=app.ordered_assignments,  # type: ignore[attr-defined]
            missing=max(0, need - len(app.ordered_assignments)),  # type: ignore[attr-defined]
            submitted=sum(
                1
                for a in app.ordered_assignments  # type: ignore[attr-defined]
                if getattr(a, "review", None) is not None and a.review.submitted_at
            ),
        )
        for app in applications
    ]
    in_call = Q(review_assignments__application__call=call)
    people = list(
        User.objects.filter(Q(role_grants__role=Role.REVIEWER, is_active=True) | in_call)
        .distinct()
        .annotate(
            assigned=Count("review_assignments", filter=in_call, distinct=True),
            submitted=Count(
                "review_assignments",
                filter=in_call & Q(review_assignments__review__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("display_name", "email")
    )
    loads = [ReviewerLoad(p, p.assigned, p.submitted) for p in people]  # type: ignore[attr-defined]
    return AssignmentOverview(
        rows=rows,
        loads=loads,
        missing=sum(row.missing for row in rows),
        not_reviewable=Application.objects.filter(call=call)
        .exclude(source=Application.Source.DIRECT)
        .count()
        - len(rows),
        direct=Application.objects.filter(call=call, source=Application.Source.DIRECT).count(),
    )


@dataclass(frozen=True)
class ScoredReview:
    reviewer: User
    weighted_score: float | None  # None: not submitted yet
    z_score: float | None
    label: str = ""  # the reviewer's name, or "Reviewer N" when the call is blind


@dataclass(frozen=True)
class ScoreRow:
    application: Application
    reviews: list[ScoredReview]
    raw_mean: float | None
    normalised_mean: float | None


SCORE_SORTS = ("normalised", "raw")


def reviewer_spread(call: Call) -> dict[int, tuple[float, float]]:
    """Mean and population standard deviation of each reviewer's submitted scores in a call."""
    by_reviewer: dict[int, list[float]] = {}
    for reviewer, score in Review.objects.filter(
        assignment__application__call=call,
        submitted_at__isnull=False,
        weighted_score__isnull=False,
    ).values_list("assignment__reviewer_id", "weighted_score"):
        by_reviewer.setdefault(reviewer, []).append(float(score or 0))  # never None: filtered
    return {
        reviewer: (statistics.fmean(s), statistics.pstdev(s) if len(s) > 1 else 0.0)
        for reviewer, s in by_reviewer.items()
    }


def score_table(*, actor: User, call: Call, sort: str = "normalised") -> list[ScoreRow]:
    """Every reviewable application with each reviewer's raw and z-score, best first."""
    _require_convener(actor)
    merit = merit_by_application(call)
    spread = reviewer_spread(call)
    ordered = ReviewAssignment.objects.select_related("reviewer", "review").order_by(
        "reviewer__display_name", "reviewer__email"
    )
    applications = (
        reviewable_applications(call)
        .select_related("organisation")
        .prefetch_related(Prefetch("assignments", queryset=ordered, to_attr="ordered_assignments"))
    )
    rows = []
    for app in applications:
        reviews = []
        in_order = sorted(app.ordered_assignments, key=lambda a: (a.created_at, a.pk))  # type: ignore[attr-defined]
        position = {a.pk: n for n, a in enumerate(in_order, start=1)}
        for assignment in app.ordered_assignments:  # type: ignore[attr-defined]
            review = getattr(assignment, "review", None)
            raw = (
                float(review.weighted_score)
                if review is not None and review.submitted_at and review.weighted_score is not None
                else None
            )
            z = None
            if raw is not None:
                mean, sd = spread[assignment.reviewer_id]
                z = (raw - mean) / sd if sd > 0 else 0.0
            label = (
                _("Reviewer %(n)d") % {"n": position[assignment.pk]}
                if call.blind_review
                else str(assignment.reviewer)
            )
            reviews.append(ScoredReview(assignment.reviewer, raw, z, label))
        found = merit.get(app.pk)
        rows.append(
            ScoreRow(
                application=app,
                reviews=reviews,
                raw_mean=found.raw_mean if found else None,
                normalised_mean=found.normalised_mean if found else None,
            )
        )
    key = "raw_mean" if sort == "raw" else "normalised_mean"
    # Unscored applications go last; ties keep a stable, readable order by name.
    rows.sort(
        key=lambda r: (
            getattr(r, key) is None,
            -(getattr(r, key) or 0.0),
            r.application.organisation.name,
        )
    )
    return rows
