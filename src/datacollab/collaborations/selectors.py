"""Reads about collaborations and agreements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from datacollab.collaborations import rules
from datacollab.collaborations.models import (
    Acceptance,
    Agreement,
    AgreementVersion,
    CollaborationMember,
    DataCollaboration,
    SelfAssessment,
)
from datacollab.core.errors import NotAllowed
from datacollab.organisations.models import Membership, Organisation


def current_version(agreement: Agreement) -> AgreementVersion | None:
    return agreement.versions.order_by("-number").first()


def has_accepted_current(user: Any, agreement: Agreement) -> bool:
    """Whether the user, or an organisation they belong to, accepted the agreement's current text.

    A new text version needs a new acceptance: older acceptances do not carry over.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    version = current_version(agreement)
    if version is None:
        return False
    return (
        Acceptance.objects.filter(version=version, text_hash=version.text_hash)
        .filter(accepted_by=user, organisation__isnull=True)
        .exists()
        or Acceptance.objects.filter(
            version=version, text_hash=version.text_hash, organisation__memberships__user=user
        ).exists()
    )


# Collaborations


def collaboration_by_slug(slug: str) -> DataCollaboration:
    return get_object_or_404(DataCollaboration.objects.select_related("lead"), slug=slug)


def collaborations(*, status: str = "") -> QuerySet[DataCollaboration]:
    """The list page: every collaboration (they are public), with its lead and member count."""
    rows = DataCollaboration.objects.select_related("lead").annotate(
        member_count=Count("memberships__organisation", distinct=True)
    )
    if status in DataCollaboration.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("name")


@dataclass
class MemberRow:
    organisation: Organisation
    roles: list[str] = field(default_factory=list)  # role labels
    memberships: list[CollaborationMember] = field(default_factory=list)


def members_of(collaboration: DataCollaboration) -> list[MemberRow]:
    """One row per organisation with all its roles; the lead first, then by name."""
    rows: dict[int, MemberRow] = {}
    memberships = (
        CollaborationMember.objects.filter(collaboration=collaboration)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )
    for member in memberships:
        row = rows.setdefault(member.organisation_id, MemberRow(member.organisation))
        row.roles.append(str(member.get_role_display()))
        row.memberships.append(member)
    return sorted(
        rows.values(),
        key=lambda r: (r.organisation.pk != collaboration.lead_id, r.organisation.name.casefold()),
    )


def agreements_of(collaboration: DataCollaboration) -> QuerySet[Agreement]:
    return Agreement.objects.filter(collaboration=collaboration).annotate(
        current_number=Max("versions__number")
    )


def assessments_of(collaboration: DataCollaboration) -> dict[str, SelfAssessment]:
    return {
        a.principle: a
        for a in SelfAssessment.objects.filter(collaboration=collaboration).select_related(
            "assessed_by"
        )
    }


def collaborations_of(organisation: Organisation) -> QuerySet[DataCollaboration]:
    """Collaborations the organisation takes part in (in any role)."""
    return DataCollaboration.objects.filter(
        pk__in=CollaborationMember.objects.filter(organisation=organisation).values(
            "collaboration_id"
        )
    ).order_by("name")


def organisations_led_by_member(user: Any) -> QuerySet[Organisation]:
    """Organisations the person may start a collaboration for (any of theirs)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def administered_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations on whose behalf the person may accept agreements."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.ADMIN
    ).order_by("name")


# Agreements


def agreement_by_slug(slug: str) -> Agreement:
    return get_object_or_404(Agreement.objects.select_related("collaboration__lead"), slug=slug)


def versions_of(agreement: Agreement) -> list[AgreementVersion]:
    """Newest first, each with its number of acceptances."""
    return list(
        AgreementVersion.objects.filter(agreement=agreement)
        .select_related("created_by")
        .annotate(acceptance_count=Count("acceptances"))
        .order_by("-number")
    )


def may_see_acceptances(user: Any, agreement: Agreement) -> bool:
    """Who accepted is shown to the collaboration's members, not to the public."""
    return rules.in_collaboration(user, agreement.collaboration)


def acceptances_of(*, actor: Any, agreement: Agreement) -> list[Acceptance]:
    if not may_see_acceptances(actor, agreement):
        raise NotAllowed(_("Only members of the collaboration can see who accepted."))
    return list(
        Acceptance.objects.filter(version__agreement=agreement)
        .select_related("version", "organisation", "accepted_by")
        .order_by("-version__number", "-accepted_at")
    )


@dataclass(frozen=True)
class AcceptanceStatus:
    """What the agreement page tells one person about their own acceptances."""

    current: AgreementVersion | None
    accepted_current: bool
    # Acceptances of the current version that count for this person: their own, and
    # those of their organisations.
    counting: list[Acceptance]
    # Older acceptances of theirs that no longer count since the text changed.
    outdated: list[Acceptance]
    # Organisations the person administers that have not accepted the current version.
    can_accept_for: list[Organisation]
    accepted_for_self: bool


def acceptance_status(user: Any, agreement: Agreement) -> AcceptanceStatus:
    version = current_version(agreement)
    if version is None or not getattr(user, "is_authenticated", False):
        return AcceptanceStatus(version, False, [], [], [], False)
    org_ids = list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    relevant = list(
        Acceptance.objects.filter(version__agreement=agreement)
        .filter(Q(organisation__isnull=True, accepted_by=user) | Q(organisation_id__in=org_ids))
        .select_related("version", "organisation", "accepted_by")
        .order_by("-version__number", "-accepted_at")
    )
    counting = [
        a for a in relevant if a.version_id == version.pk and a.text_hash == version.text_hash
    ]
    outdated = [a for a in relevant if a.version_id != version.pk]
    accepted_orgs = {a.organisation_id for a in counting if a.organisation_id is not None}
    can_accept_for = [
        org for org in administered_organisations(user) if org.pk not in accepted_orgs
    ]
    return AcceptanceStatus(
        current=version,
        accepted_current=bool(counting),
        counting=counting,
        outdated=outdated,
        can_accept_for=can_accept_for,
        accepted_for_self=any(a.organisation_id is None for a in counting),
    )
