"""Every write to a collaboration: create, edit, status, members, self-assessment."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from datacollab.collaborations import rules
from datacollab.collaborations.models import (
    CollaborationMember,
    DataCollaboration,
    MemberRole,
    Principle,
    SelfAssessment,
)
from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_member

# Path words under /collaborations/ that a collaboration's slug must not take.
RESERVED_SLUGS = {"new", "agreements"}
MAX_SECTORS = 10
MAX_SECTOR_LENGTH = 60


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "collaboration"
    if base in RESERVED_SLUGS:
        base = f"{base}-collaboration"
    slug, n = base, 2
    while DataCollaboration.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _sectors(values: Iterable[str]) -> list[str]:
    sectors: list[str] = []
    for value in values:
        sector = " ".join(str(value).split())
        if not sector:
            continue
        if len(sector) > MAX_SECTOR_LENGTH:
            raise DomainError(
                _("Keep each sector under %(n)d characters.") % {"n": MAX_SECTOR_LENGTH},
                field="sectors",
            )
        if sector.casefold() not in (s.casefold() for s in sectors):
            sectors.append(sector)
    if len(sectors) > MAX_SECTORS:
        raise DomainError(_("Name at most %(n)d sectors.") % {"n": MAX_SECTORS}, field="sectors")
    return sectors


def _required(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def require_manager(actor: Any, collaboration: DataCollaboration, refusal: str) -> None:
    """Refuse unless the person administers the lead organisation. `refusal` is the whole
    translated sentence with a `%(lead)s` placeholder, so each language words it freely."""
    if not rules.manages(actor, collaboration):
        raise NotAllowed(refusal % {"lead": collaboration.lead.name})


def _locked(collaboration: DataCollaboration) -> DataCollaboration:
    return (
        DataCollaboration.objects.select_for_update()
        .select_related("lead")
        .get(pk=collaboration.pk)
    )


@transaction.atomic
def create_collaboration(
    *,
    actor: Any,
    lead: Organisation,
    name: str,
    challenge: str,
    sectors: Iterable[str] = (),
    goals: str = "",
    lead_role: str = MemberRole.STEWARD,
    slug: str | None = None,
) -> DataCollaboration:
    """Any member of `lead` may start a collaboration it leads; the lead joins as a member."""
    if not is_member(actor, lead):
        raise NotAllowed(
            _(
                "You are not a member of %(org)s: only its members can start a collaboration it "
                "leads."
            )
            % {"org": lead.name}
        )
    name = _required(name, "name", _("Give the collaboration a name."))
    challenge = _required(challenge, "challenge", _("Say which challenge it addresses."))
    if lead_role not in MemberRole.values:
        raise DomainError(_("Choose one of the listed roles."), field="lead_role")
    if slug is not None and (
        slug in RESERVED_SLUGS or DataCollaboration.objects.filter(slug=slug).exists()
    ):
        raise Conflict(_("The address %(slug)s is taken: choose another.") % {"slug": slug})
    collaboration = DataCollaboration.objects.create(
        slug=slug or _unique_slug(name),
        name=name,
        challenge=challenge,
        sectors=_sectors(sectors),
        goals=goals.strip(),
        lead=lead,
    )
    CollaborationMember.objects.create(
        collaboration=collaboration, organisation=lead, role=lead_role
    )
    audit.record(
        action="collaboration.created",
        actor=actor,
        obj=collaboration,
        details={"lead": lead.slug, "lead_role": lead_role},
    )
    return collaboration


@transaction.atomic
def update_collaboration(
    *,
    actor: Any,
    collaboration: DataCollaboration,
    name: str,
    challenge: str,
    sectors: Iterable[str],
    goals: str,
) -> DataCollaboration:
    require_manager(
        actor,
        collaboration,
        _("Only administrators of %(lead)s, which leads this collaboration, can edit it."),
    )
    collaboration = _locked(collaboration)
    collaboration.name = _required(name, "name", _("Give the collaboration a name."))
    collaboration.challenge = _required(
        challenge, "challenge", _("Say which challenge it addresses.")
    )
    collaboration.sectors = _sectors(sectors)
    collaboration.goals = goals.strip()
    collaboration.save(update_fields=["name", "challenge", "sectors", "goals"])
    audit.record(action="collaboration.updated", actor=actor, obj=collaboration)
    return collaboration


@transaction.atomic
def change_status(
    *, actor: Any, collaboration: DataCollaboration, status: str
) -> DataCollaboration:
    require_manager(
        actor,
        collaboration,
        _(
            "Only administrators of %(lead)s, which leads this collaboration, "
            "can change its status."
        ),
    )
    if status not in DataCollaboration.Status.values:
        raise DomainError(_("Choose scoping, active or concluded."), field="status")
    collaboration = _locked(collaboration)
    if collaboration.status == status:
        raise Conflict(
            _("The collaboration is already %(status)s.")
            % {"status": collaboration.get_status_display()}
        )
    before = collaboration.status
    collaboration.status = status
    collaboration.save(update_fields=["status"])
    audit.record(
        action="collaboration.status_changed",
        actor=actor,
        obj=collaboration,
        details={"from": before, "to": status},
    )
    return collaboration


@transaction.atomic
def add_member(
    *, actor: Any, collaboration: DataCollaboration, organisation: Organisation, role: str
) -> CollaborationMember:
    """Add an organisation in a role; an organisation may hold several roles."""
    require_manager(
        actor,
        collaboration,
        _("Only administrators of %(lead)s, which leads this collaboration, can add members."),
    )
    if role not in MemberRole.values:
        raise DomainError(_("Choose one of the listed roles."), field="role")
    collaboration = _locked(collaboration)
    label = MemberRole(role).label
    if CollaborationMember.objects.filter(
        collaboration=collaboration, organisation=organisation, role=role
    ).exists():
        raise Conflict(
            _("%(org)s already has the role “%(role)s” in this collaboration.")
            % {"org": organisation.name, "role": label}
        )
    try:
        with transaction.atomic():
            member = CollaborationMember.objects.create(
                collaboration=collaboration, organisation=organisation, role=role
            )
    except IntegrityError:
        raise Conflict(
            _("%(org)s already has the role “%(role)s” in this collaboration.")
            % {"org": organisation.name, "role": label}
        ) from None
    audit.record(
        action="collaboration.member_added",
        actor=actor,
        obj=collaboration,
        details={"organisation": organisation.slug, "role": role},
    )
    return member


@transaction.atomic
def remove_member(*, actor: Any, member: CollaborationMember) -> None:
    """Remove one role of a member; the lead keeps at least one role."""
    collaboration = member.collaboration
    require_manager(
        actor,
        collaboration,
        _("Only administrators of %(lead)s, which leads this collaboration, can remove members."),
    )
    collaboration = _locked(collaboration)
    if (
        member.organisation_id == collaboration.lead_id
        and not CollaborationMember.objects.filter(
            collaboration=collaboration, organisation_id=collaboration.lead_id
        )
        .exclude(pk=member.pk)
        .exists()
    ):
        raise Conflict(
            _(
                "%(lead)s leads this collaboration, so it stays a member: give it another role "
                "first if you want to change its role."
            )
            % {"lead": collaboration.lead.name}
        )
    details = {"organisation": member.organisation.slug, "role": member.role}
    deleted, _rows = CollaborationMember.objects.filter(pk=member.pk).delete()
    if not deleted:
        raise Conflict(_("That membership was already removed."))
    audit.record(
        action="collaboration.member_removed", actor=actor, obj=collaboration, details=details
    )


@transaction.atomic
def assess_principle(
    *,
    actor: Any,
    collaboration: DataCollaboration,
    principle: str,
    score: int,
    note: str = "",
) -> SelfAssessment:
    """The lead's own 1–5 rating of a principle, shown beside the computed indicators."""
    if not rules.in_lead(actor, collaboration):
        raise NotAllowed(
            _("Only members of %(lead)s, which leads this collaboration, can assess it.")
            % {"lead": collaboration.lead.name}
        )
    if principle not in Principle.values:
        raise DomainError(_("Choose one of the five principles."), field="principle")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise DomainError(_("Give a score from 1 to 5."), field="score")
    _locked(collaboration)
    assessment, created = SelfAssessment.objects.update_or_create(
        collaboration=collaboration,
        principle=principle,
        defaults={"score": score, "note": note.strip(), "assessed_by": actor},
    )
    audit.record(
        action="collaboration.principle_assessed",
        actor=actor,
        obj=collaboration,
        details={"principle": principle, "score": score, "created": created},
    )
    return assessment
