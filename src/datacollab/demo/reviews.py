"""Reviewers for the open call: declared conflicts, optimiser assignments, and scores drawn
around each application's latent quality with each reviewer's bias, so that per-reviewer
normalisation visibly changes the ranking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count

from datacollab.demo import applicants as synthetic
from datacollab.demo.opencall import OpenCall, rng
from datacollab.demo.rows import upsert
from datacollab.network.models import (
    Review,
    ReviewAssignment,
    ReviewerConflict,
    ReviewScore,
    RubricCriterion,
)
from datacollab.network.selectors.reviews import reviewable_applications
from datacollab.network.services.review_assignment import assign_reviewers
from datacollab.network.services.reviews import weighted_mean
from datacollab.organisations.models import User

REVIEWED_SHARE = 0.85  # submitted reviews
DRAFT_SHARE = 0.05  # started, not submitted
COMMENTS = {
    1: "The challenge is real but the plan does not yet say how data would be shared.",
    2: "Promising partners; the data and its governance need much more thought.",
    3: "A sound proposal. Clearer milestones would help the cohort learn from it.",
    4: "Strong partners and a clear path to open data; good fit for the cohort.",
    5: "Outstanding: a clear challenge, open by default, and much to teach its peers.",
}


def ensure_reviews(*, opened: OpenCall, reviewers: Sequence[User], convener: User) -> None:
    call = opened.call
    upsert(
        ReviewerConflict,
        key=("reviewer_id", "organisation_id", "call_id"),
        rows=[
            {
                "reviewer_id": reviewers[number - 1].pk,
                "organisation_id": opened.organisations[name].pk,
                "call_id": call.pk,
                "reason": reason,
            }
            for number, name, reason in synthetic.CONFLICTS
        ],
        existing=ReviewerConflict.objects.filter(call=call),
    )
    # The assignment service audits each run, so run it only when there is a gap to fill.
    short = (
        reviewable_applications(call)
        .annotate(n=Count("assignments"))
        .filter(n__lt=call.reviews_per_application)
    )
    if short.exists():
        assign_reviewers(actor=convener, call=call, reviewers=list(reviewers))

    criteria = list(RubricCriterion.objects.filter(call=call).order_by("position"))
    bias = {
        r.pk: synthetic.REVIEWER_BIAS[i % len(synthetic.REVIEWER_BIAS)]
        for i, r in enumerate(reviewers)
    }
    assignments = list(
        ReviewAssignment.objects.filter(application__call=call, reviewer__in=list(reviewers))
        .select_related("application__organisation", "reviewer")
        .order_by("application__organisation__slug", "reviewer__email")
    )
    plans: list[tuple[ReviewAssignment, dict[int, int], bool, datetime]] = []
    for assignment in assignments:
        plan = _plan(assignment, criteria, bias[assignment.reviewer_id], opened.anchor)
        if plan is not None:
            plans.append((assignment, *plan))
    reviews, _ = upsert(
        Review,
        key=("assignment_id",),
        rows=[
            {
                "assignment_id": a.pk,
                "comment": COMMENTS[round(sum(scores.values()) / len(scores))] if final else "",
                "submitted_at": at if final else None,
                "weighted_score": weighted_mean(criteria, scores) if final else None,
            }
            for a, scores, final, at in plans
        ],
        existing=Review.objects.filter(assignment__application__call=call),
    )
    upsert(
        ReviewScore,
        key=("review_id", "criterion_id"),
        rows=[
            {"review_id": reviews[(a.pk,)].pk, "criterion_id": cid, "score": score}
            for a, scores, _final, _at in plans
            for cid, score in scores.items()
        ],
        existing=ReviewScore.objects.filter(review__assignment__application__call=call),
    )


def _plan(
    assignment: ReviewAssignment,
    criteria: list[RubricCriterion],
    bias: float,
    anchor: datetime,
) -> tuple[dict[int, int], bool, datetime] | None:
    """Scores (criterion id -> 1..5), whether submitted, and when; None: not started."""
    org = assignment.application.organisation
    draw = rng("review", org.slug, assignment.reviewer.email)
    roll = draw.random()
    if roll >= REVIEWED_SHARE + DRAFT_SHARE:
        return None
    final = roll < REVIEWED_SHARE
    quality = rng("quality", org.slug).gauss(3.1, 0.9)
    chosen = criteria if final else criteria[:1]
    scores = {c.pk: _clip(round(quality + bias + draw.gauss(0, 0.6))) for c in chosen}
    submitted = assignment.application.submitted_at or anchor
    at = submitted + (anchor - submitted) * draw.uniform(0.2, 0.9)
    return scores, final, at.replace(second=0, microsecond=0)


def _clip(score: Any) -> int:
    return max(1, min(5, int(score)))
