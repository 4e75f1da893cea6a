from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from datacollab.organisations.models import Membership, Organisation, User


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def organisations_of(user: Any) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def organisation_by_slug(slug: str) -> Organisation:
    # The profile lists the organisation's data collaborations through the reverse relation
    # (organisations may not import collaborations): two queries, whatever their number.
    return get_object_or_404(
        Organisation.objects.prefetch_related("collaboration_memberships__collaboration"),
        slug=slug,
    )


def cohort_memberships_of(org: Organisation) -> list[Any]:
    return list(org.cohort_memberships.select_related("cohort").order_by("-cohort__starts_on"))
