"""The convener's view of one application's reviews: scores, comments, conflicts, merit."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from datacollab.core.errors import NotFound
from datacollab.network.models import (
    Application,
    Call,
    OutgoingMail,
    ReviewAssignment,
    ReviewerConflict,
    ReviewScore,
    RubricCriterion,
)
from datacollab.network.selectors.review_progress import deadline_passed
from datacollab.network.selectors.reviews import (
    ReviewState,
    _require_convener,
    review_state,
    reviewer_spread,
)
from datacollab.organisations.models import Membership, Role, User


@dataclass(frozen=True)
class CriterionScore:
    criterion: RubricCriterion
    score: int | None
    comment: str
    score_id: int | None
    shared: bool


@dataclass(frozen=True)
class ReviewDetail:
    assignment: ReviewAssignment
    label: str  # the reviewer's name, or "Reviewer N" when the call is blind
    state: ReviewState
    submitted_at: datetime | None
    weighted_score: float | None
    z_score: float | None
    comment: str
    review_id: int | None
    shared: bool
    scores: list[CriterionScore]
    overdue: bool


@dataclass(frozen=True)
class ConflictNote:
    reviewer: User
    why: str


@dataclass(frozen=True)
class ApplicationReviews:
    application: Application
    call: Call
    blind: bool
    reviews: list[ReviewDetail]
    conflicts: list[ConflictNote]
    submitted: int
    needed: int
    raw_mean: float | None
    normalised_mean: float | None
    deadline_passed: bool
    feedback_open: bool  # no decision mail sent yet: the feedback choice may still change


def reviewer_label(*, call: Call, reviewer: User, position: int) -> str:
    """Conveners read a blind call's reviews as "Reviewer 1, 2...": the comments are judged
    on what they say, and names appear only where conveners manage people (assignments)."""
    if call.blind_review:
        return _("Reviewer %(n)d") % {"n": position}
    return str(reviewer)


def application_reviews(*, actor: User, call: Call, application_id: int) -> ApplicationReviews:
    _require_convener(actor)
    application = (
        Application.objects.select_related("organisation", "call__cohort", "created_by")
        .filter(call=call, pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(_("This call has no such application."))
    criteria = list(RubricCriterion.objects.filter(call=call))
    assignments = list(
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer", "review")
        .prefetch_related(Prefetch("review__scores", queryset=ReviewScore.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    spread = reviewer_spread(call)
    late = deadline_passed(call)
    reviews = []
    for position, assignment in enumerate(assignments, start=1):
        review = getattr(assignment, "review", None)
        state = review_state(assignment)
        by_criterion = {s.criterion_id: s for s in review.scores.all()} if review else {}
        raw = (
            float(review.weighted_score)
            if review and review.submitted_at and review.weighted_score is not None
            else None
        )
        z = None
        if raw is not None:
            mean, sd = spread[assignment.reviewer_id]
            z = (raw - mean) / sd if sd > 0 else 0.0
        reviews.append(
            ReviewDetail(
                assignment=assignment,
                label=reviewer_label(call=call, reviewer=assignment.reviewer, position=position),
                state=state,
                submitted_at=review.submitted_at if review else None,
                weighted_score=raw,
                z_score=z,
                comment=review.comment if review else "",
                review_id=review.pk if review else None,
                shared=bool(review and review.share_comment),
                scores=[
                    CriterionScore(
                        criterion=c,
                        score=by_criterion[c.pk].score if c.pk in by_criterion else None,
                        comment=by_criterion[c.pk].comment if c.pk in by_criterion else "",
                        score_id=by_criterion[c.pk].pk if c.pk in by_criterion else None,
                        shared=c.pk in by_criterion and by_criterion[c.pk].share_comment,
                    )
                    for c in criteria
                ],
                overdue=late and state != ReviewState.SUBMITTED,
            )
        )
    raws = [r.weighted_score for r in reviews if r.weighted_score is not None]
    zs = [r.z_score for r in reviews if r.z_score is not None]
    return ApplicationReviews(
        application=application,
        call=call,
        blind=call.blind_review,
        reviews=reviews,
        conflicts=conflicts_with(application),
        submitted=len(raws),
        needed=call.reviews_per_application,
        raw_mean=statistics.fmean(raws) if raws else None,
        normalised_mean=statistics.fmean(zs) if zs else None,
        deadline_passed=late,
        feedback_open=not application.outgoing_mails.filter(
            status=OutgoingMail.Status.SENT
        ).exists(),
    )


def conflicts_with(application: Application) -> list[ConflictNote]:
    """Reviewers who may not review this application, and why (two queries)."""
    notes = [
        ConflictNote(reviewer=c.reviewer, why=c.reason)
        for c in ReviewerConflict.objects.filter(
            Q(call_id=application.call_id) | Q(call__isnull=True),
            organisation_id=application.organisation_id,
        )
        .select_related("reviewer")
        .order_by("reviewer__display_name", "id")
    ]
    members = (
        Membership.objects.filter(
            organisation_id=application.organisation_id, user__role_grants__role=Role.REVIEWER
        )
        .select_related("user")
        .order_by("user__display_name", "id")
        .distinct()
    )
    notes += [
        ConflictNote(reviewer=m.user, why=_("member of the applicant organisation"))
        for m in members
    ]
    return notes
