from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from datacollab.organisations.models import Invitation, Membership, Organisation, RoleGrant, User


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


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__display_name", "user__email")
    )


def pending_invitations(organisation: Organisation | None) -> QuerySet[Invitation]:
    """Invitations not yet accepted nor withdrawn (expired ones too, marked by the page)."""
    queryset = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    if organisation is None:
        queryset = queryset.filter(kind=Invitation.Kind.ROLE)
    else:
        queryset = queryset.filter(organisation=organisation)
    return queryset.select_related("invited_by").order_by("-created_at")


def role_holders() -> QuerySet[RoleGrant]:
    return RoleGrant.objects.select_related("user").order_by("role", "user__display_name", "pk")


def person_by_id(person_id: int) -> User:
    return get_object_or_404(User.objects.filter(is_active=True), pk=person_id)


def expertise_terms(user: User) -> list[str]:
    return [term.strip() for term in (user.expertise or "").split(",") if term.strip()]


def people_with_role(role: str) -> QuerySet[User]:
    """Active people holding a network role, with their profiles (one query)."""
    return User.objects.filter(is_active=True, role_grants__role=role).order_by(
        "display_name", "email"
    )
