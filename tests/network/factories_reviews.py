"""Factories for the reviews tests: reviewers with organisations, assignments, reviews."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from datacollab.network.models import (
    Application,
    Call,
    Review,
    ReviewAssignment,
    ReviewScore,
    RubricCriterion,
    SelectionProposal,
)
from datacollab.organisations.models import User
from tests.factories import make_org, make_user


def make_reviewer(*, country: str | None = None, name: str | None = None) -> User:
    extra = {"display_name": name} if name else {}
    user = make_user(roles=["reviewer"], **extra)
    if country:
        make_org(country=country, members=[user])
    return user


def assign(application: Application, reviewer: User) -> ReviewAssignment:
    return ReviewAssignment.objects.create(application=application, reviewer=reviewer)


def make_review(
    assignment: ReviewAssignment, scores: list[int], *, submitted: bool = True
) -> Review:
    """A review whose weighted score is the weighted mean of `scores` over the rubric."""
    criteria = list(RubricCriterion.objects.filter(call=assignment.application.call))
    total = sum(Decimal(c.weight) for c in criteria)
    mean = sum(Decimal(c.weight) * s for c, s in zip(criteria, scores, strict=True)) / total
    review = Review.objects.create(
        assignment=assignment,
        weighted_score=mean.quantize(Decimal("0.001")) if submitted else None,
        submitted_at=timezone.now() if submitted else None,
    )
    for criterion, score in zip(criteria, scores, strict=True):
        ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    return review


def confirm_selection(call: Call, by: User) -> SelectionProposal:
    return SelectionProposal.objects.create(
        call=call,
        created_by=by,
        status=SelectionProposal.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        confirmed_by=by,
    )
