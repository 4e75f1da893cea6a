"""Review progress of a call against its review deadline, and who is due a reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from datacollab.network.models import Application, Call, ReviewAssignment, ReviewReminder
from datacollab.network.selectors.reviews import _require_convener
from datacollab.organisations.models import Role, User


def reminder_interval() -> timedelta:
    return timedelta(hours=settings.REVIEW_REMINDER_INTERVAL_HOURS)


def deadline_passed(call: Call, *, now: datetime | None = None) -> bool:
    return call.review_deadline is not None and call.review_deadline <= (now or timezone.now())


def unfinished_assignments(call: Call) -> Q:
    """Assignments whose review is still owed: reviewable application, nothing submitted."""
    return Q(
        application__call=call,
        application__status=Application.Status.SUBMITTED,
        application__eligible=True,
    ) & (Q(review__isnull=True) | Q(review__submitted_at__isnull=True))


@dataclass(frozen=True)
class ReviewerProgress:
    reviewer: User
    assigned: int
    submitted: int
    unfinished: int
    overdue: int  # unfinished once the review deadline has passed
    reminded_at: datetime | None  # the last reminder about this call

    @property
    def due_for_reminder(self) -> bool:
        if self.unfinished == 0 or not self.reviewer.is_active:
            return False
        return self.reminded_at is None or self.reminded_at <= timezone.now() - reminder_interval()


def reviewer_progress(*, actor: User, call: Call) -> list[ReviewerProgress]:
    """Everyone with the reviewer role or an assignment in the call: one query."""
    _require_convener(actor)
    in_call = Q(review_assignments__application__call=call)
    owed = Q(
        review_assignments__application__call=call,
        review_assignments__application__status=Application.Status.SUBMITTED,
        review_assignments__application__eligible=True,
    ) & (
        Q(review_assignments__review__isnull=True)
        | Q(review_assignments__review__submitted_at__isnull=True)
    )
    people = (
        User.objects.filter(Q(role_grants__role=Role.REVIEWER, is_active=True) | in_call)
        .distinct()
        .annotate(
            assigned=Count("review_assignments", filter=in_call, distinct=True),
            submitted=Count(
                "review_assignments",
                filter=in_call & Q(review_assignments__review__submitted_at__isnull=False),
                distinct=True,
            ),
            unfinished=Count("review_assignments", filter=owed, distinct=True),
            reminded_at=Max("review_reminders__sent_at", filter=Q(review_reminders__call=call)),
        )
        .order_by("display_name", "email")
    )
    late = deadline_passed(call)
    return [
        ReviewerProgress(
            reviewer=p,
            assigned=p.assigned,  # type: ignore[attr-defined]
            submitted=p.submitted,  # type: ignore[attr-defined]
            unfinished=p.unfinished,  # type: ignore[attr-defined]
            overdue=p.unfinished if late else 0,  # type: ignore[attr-defined]
            reminded_at=p.reminded_at,  # type: ignore[attr-defined]
        )
        for p in people
    ]


def reviewers_to_remind(call: Call, *, now: datetime | None = None) -> list[User]:
    """Reviewers owing a review in this call and not reminded about it within the interval."""
    since = (now or timezone.now()) - reminder_interval()
    recently = ReviewReminder.objects.filter(call=call, sent_at__gt=since).values("reviewer_id")
    owing = ReviewAssignment.objects.filter(unfinished_assignments(call)).values("reviewer_id")
    # A revoked reviewer can no longer open the review, so is not reminded of it.
    return list(
        User.objects.filter(pk__in=owing, is_active=True, role_grants__role=Role.REVIEWER)
        .exclude(pk__in=recently)
        .order_by("display_name", "email")
    )
