"""Every write about reviews: conflicts, assignments by hand, the reviews themselves.

The optimiser run (`assign_reviewers`) lives in `review_assignment.py` and is re-exported here.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.network.models import (
    Application,
    Call,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    ReviewScore,
    RubricCriterion,
    SelectionProposal,
)
from datacollab.network.rubric import check_scores, weighted_mean
from datacollab.network.selectors import reviews as selectors
from datacollab.network.services.review_assignment import AssignmentRun, assign_reviewers
from datacollab.organisations.models import Organisation, User
from datacollab.organisations.rules import is_convener, is_reviewer, require_verified_email

__all__ = [
    "AssignmentRun",
    "assign_manually",
    "assign_reviewers",
    "declare_conflict",
    "open_review",
    "submit_review",
    "unassign",
]


def _require_convener(actor: User) -> None:
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can change reviewer assignments."))


def _require_open_for_reviews(call: Call) -> None:
    if selectors.selection_confirmed(call):
        raise Conflict(
            _(
                "The selection for “%(call)s” is confirmed: its reviews and assignments can no "
                "longer change."
            )
            % {"call": call.title}
        )


def _conflict_message(kind: str, reviewer: User, application: Application) -> str:
    names = {"reviewer": reviewer, "org": application.organisation.name}
    if kind == "member":
        return (
            _("%(reviewer)s is a member of %(org)s, so they cannot review its application.") % names
        )
    return (
        _(
            "%(reviewer)s declared a conflict of interest with %(org)s, so they cannot review "
            "its application."
        )
        % names
    )


# --- conflicts ------------------------------------------------------------------------------


@transaction.atomic
def declare_conflict(
    *,
    actor: User,
    organisation: Organisation,
    reason: str,
    call: Call | None = None,
    reviewer: User | None = None,
) -> ReviewerConflict:
    """Record that `reviewer` (default: the actor) must never review `organisation`.

    Assignments that now break the rule are removed with their reviews, because a
    conflicted score must not count towards merit; calls whose selection is already
    confirmed keep theirs, as the record of a decision taken.
    """
    reviewer = reviewer or actor
    if reviewer.pk != actor.pk and not is_convener(actor):
        raise NotAllowed(_("Only conveners can record a conflict for someone else."))
    if reviewer.pk == actor.pk and not (is_reviewer(actor) or is_convener(actor)):
        raise NotAllowed(_("Only reviewers declare conflicts of interest."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say briefly why there is a conflict."), field="reason")
    existing = ReviewerConflict.objects.filter(reviewer=reviewer, organisation=organisation)
    if existing.filter(call__isnull=True).exists():
        raise Conflict(
            _("A conflict with %(org)s is already recorded for every call.")
            % {"org": organisation.name}
        )
    if call is not None and existing.filter(call=call).exists():
        raise Conflict(
            _("A conflict with %(org)s is already recorded for this call.")
            % {"org": organisation.name}
        )
    conflict = ReviewerConflict.objects.create(
        reviewer=reviewer, organisation=organisation, call=call, reason=reason
    )
    affected = ReviewAssignment.objects.filter(
        reviewer=reviewer, application__organisation=organisation
    ).exclude(application__call__proposals__status=SelectionProposal.Status.CONFIRMED)
    if call is not None:
        affected = affected.filter(application__call=call)
    removed = [
        {
            "application": a.application_id,
            "submitted": bool(r and r.submitted_at),
            "weighted_score": r.weighted_score if r else None,
        }
        for a in affected.select_related("review")
        for r in [getattr(a, "review", None)]
    ]
    affected.delete()
    audit.record(
        action="reviews.conflict_declared",
        actor=actor,
        obj=conflict,
        details={
            "reviewer": reviewer.pk,
            "organisation": organisation.pk,
            "call": call.pk if call else None,
            "reason": reason,
            "removed_assignments": removed,
        },
    )
    return conflict


# --- assignments by hand --------------------------------------------------------------------


@transaction.atomic
def assign_manually(*, actor: User, application: Application, reviewer: User) -> ReviewAssignment:
    _require_convener(actor)
    if application.status != Application.Status.SUBMITTED or application.eligible is not True:
        raise DomainError(
            _("Only submitted, eligible applications get reviewers; “%(title)s” is not one.")
            % {"title": application.title}
        )
    if application.source == Application.Source.DIRECT:
        raise DomainError(
            _(
                "%(org)s was approached directly: the interview recommendation stands in for "
                "reviews, so it gets no reviewers."
            )
            % {"org": application.organisation.name}
        )
    if not is_reviewer(reviewer):
        raise DomainError(
            _("%(person)s does not hold the reviewer role: grant it first.") % {"person": reviewer}
        )
    _require_open_for_reviews(application.call)
    kind = selectors.conflict_kind(reviewer, application)
    if kind is not None:
        raise Conflict(_conflict_message(kind, reviewer, application))
    if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise Conflict(
            _("%(reviewer)s already reviews “%(title)s”.")
            % {"reviewer": reviewer, "title": application.title}
        )
    try:
        # A concurrent add of the same pair lands on the unique constraint, not a 500.
        with transaction.atomic():
            assignment = ReviewAssignment.objects.create(
                application=application, reviewer=reviewer, source=ReviewAssignment.Source.MANUAL
            )
    except IntegrityError:
        raise Conflict(
            _("%(reviewer)s already reviews “%(title)s”.")
            % {"reviewer": reviewer, "title": application.title}
        ) from None
    audit.record(
        action="reviews.assigned_manually",
        actor=actor,
        obj=assignment,
        details={"application": application.pk, "reviewer": reviewer.pk},
    )
    return assignment


@transaction.atomic
def unassign(*, actor: User, assignment: ReviewAssignment) -> None:
    _require_convener(actor)
    _require_open_for_reviews(assignment.application.call)
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.submitted_at is not None:
        raise Conflict(
            _(
                "%(reviewer)s already submitted this review; a submitted review stays part of "
                "the record."
            )
            % {"reviewer": assignment.reviewer}
        )
    audit.record(
        action="reviews.unassigned",
        actor=actor,
        obj=assignment,
        details={
            "application": assignment.application_id,
            "reviewer": assignment.reviewer_id,
            "had_draft": review is not None,
        },
    )
    assignment.delete()


# --- reviewing ------------------------------------------------------------------------------


def _assignment_for(actor: User, assignment_id: int, *, lock: bool = False) -> ReviewAssignment:
    queryset = ReviewAssignment.objects.select_related(
        "application__call", "application__organisation", "reviewer"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    assignment = queryset.filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound(_("There is no such review assignment; it may have been removed."))
    if assignment.reviewer_id != actor.pk:
        raise NotAllowed(_("This review is assigned to someone else."))
    # A revoked role takes effect at once: the assignments it left stay for the convener to
    # hand on, but their application is no longer this person's to read or score.
    if not is_reviewer(actor):
        raise NotAllowed(
            _(
                "You no longer hold the reviewer role, so this review is closed to you. Ask a "
                "convener if this is a mistake."
            )
        )
    kind = selectors.conflict_kind(actor, assignment.application)
    if kind is not None:
        org = assignment.application.organisation.name
        if kind == "member":
            message = _("You are a member of %(org)s, so you cannot open its application.")
        else:
            message = _(
                "You declared a conflict of interest with %(org)s, so you cannot open "
                "its application. If it was recorded in error, ask a convener."
            )
        raise NotAllowed(message % {"org": org})
    return assignment


@transaction.atomic
def open_review(*, actor: User, assignment_id: int) -> ReviewAssignment:
    """The assigned, non-conflicted reviewer reads a private application: logged."""
    assignment = _assignment_for(actor, assignment_id)
    audit.record(
        action="reviews.application_opened",
        actor=actor,
        obj=assignment.application,
        details={"assignment": assignment.pk},
    )
    return assignment


@transaction.atomic
def submit_review(
    *,
    actor: User,
    assignment: ReviewAssignment,
    scores: dict[int, int],
    comment: str,
    criterion_comments: dict[int, str] | None = None,
    final: bool = True,
) -> Review:
    """Save a draft (`final=False`) or submit the review; submitted reviews stay editable
    until the convener confirms the call's selection."""
    # The call's row first (as set_score_scale and the assignment optimiser lock it), so the
    # scale checked below is the one the scores are stored on.
    call = (
        Call.objects.select_for_update()
        .filter(
            pk=ReviewAssignment.objects.filter(pk=assignment.pk).values("application__call_id")[:1]
        )
        .first()
    )
    assignment = _assignment_for(actor, assignment.pk, lock=True)
    if call is not None:
        assignment.application.call = call
    if final:
        require_verified_email(actor)
    application = assignment.application
    if application.status != Application.Status.SUBMITTED or application.eligible is not True:
        raise Conflict(
            _("This application was withdrawn or found ineligible: it is no longer reviewed.")
        )
    _require_open_for_reviews(application.call)
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.submitted_at is not None and not final:
        raise Conflict(
            _("This review is already submitted: submit your changes instead of saving a draft.")
        )
    criteria = list(RubricCriterion.objects.filter(call=application.call))
    if not criteria:
        raise DomainError(_("This call has no rubric yet: ask a convener to add its criteria."))
    scores = check_scores(application.call, criteria, dict(scores), final=final)
    comments = criterion_comments or {}
    score = weighted_mean(criteria, scores) if final else None
    review = review or Review(assignment=assignment)
    # A convener chose a comment's text for the applicant: an edited comment is not that text,
    # so its choice lapses; an unchanged one keeps it.
    shared = {
        s.criterion_id: s.comment
        for s in ReviewScore.objects.filter(review_id=review.pk, share_comment=True)
    }
    if review.comment != comment.strip():
        review.share_comment = False
    review.comment = comment.strip()
    review.weighted_score = score
    review.submitted_at = timezone.now() if final else None
    review.save()
    review.scores.all().delete()
    ReviewScore.objects.bulk_create(
        ReviewScore(
            review=review,
            criterion_id=cid,
            score=value,
            comment=comments.get(cid, "").strip(),
            share_comment=shared.get(cid) == comments.get(cid, "").strip(),
        )
        for cid, value in sorted(scores.items())
    )
    if final:
        details: dict[str, Any] = {
            "application": application.pk,
            "weighted_score": score,
            "scores": {str(k): v for k, v in sorted(scores.items())},
        }
        audit.record(action="reviews.submitted", actor=actor, obj=review, details=details)
    return review
