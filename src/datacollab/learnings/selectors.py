"""Reads of learnings and resources. `visible_learnings` and `visible_resources` are THE
visibility rule: pages, feeds, search, reports and exports all start from them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from datacollab.learnings.models import Learning, Resource, Visibility
from datacollab.network.selectors.participation import cohort_ids_of
from datacollab.organisations.rules import is_convener


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def visible_learnings(user: Any) -> QuerySet[Learning]:
    """Published public ones for anyone; published cohort-only ones for that cohort's
    participants and alumni; drafts for their author and the credited organisations' members;
    everything for conveners."""
    learnings = Learning.objects.all()
    if is_convener(user):
        return learnings
    published = Q(status=Learning.Status.PUBLISHED)
    public = published & Q(visibility=Visibility.PUBLIC)
    if not _authenticated(user):
        return learnings.filter(public)
    credited = Learning.objects.filter(contributors__memberships__user=user).values("pk")
    return learnings.filter(
        public
        | (published & Q(visibility=Visibility.COHORT, cohort_id__in=cohort_ids_of(user)))
        | (Q(status=Learning.Status.DRAFT) & (Q(author=user) | Q(pk__in=credited)))
    )


def visible_resources(user: Any) -> QuerySet[Resource]:
    """Public ones for anyone; cohort-only ones for that cohort's participants and alumni, and
    conveners."""
    resources = Resource.objects.all()
    if is_convener(user):
        return resources
    public = Q(visibility=Visibility.PUBLIC)
    if not _authenticated(user):
        return resources.filter(public)
    return resources.filter(
        public | Q(visibility=Visibility.COHORT, cohort_id__in=cohort_ids_of(user))
    )
