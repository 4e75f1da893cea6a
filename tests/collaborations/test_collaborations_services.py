"""Collaboration services: who may create, edit, change status, manage members, assess."""

from __future__ import annotations

import pytest

from datacollab.collaborations.models import CollaborationMember, DataCollaboration, SelfAssessment
from datacollab.collaborations.services import collaborations as services
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration

pytestmark = pytest.mark.django_db


def _roles(collaboration: DataCollaboration) -> list[tuple[str, str]]:
    return sorted(
        CollaborationMember.objects.filter(collaboration=collaboration).values_list(
            "organisation__slug", "role"
        )
    )


def test_create_collaboration_by_member_makes_lead_a_member_and_audits():
    person = make_user()
    lead = make_org(members=[person])
    collaboration = services.create_collaboration(
        actor=person,
        lead=lead,
        name="Clean Air Data",
        challenge="Measure air quality near schools.",
        sectors=["environment", " Health ", "environment"],
        goals="Open sensor data.",
        lead_role="data_provider",
    )
    assert (collaboration.slug, collaboration.status, collaboration.sectors) == (
        "clean-air-data",
        "scoping",
        ["environment", "Health"],
    )
    assert _roles(collaboration) == [(lead.slug, "data_provider")]
    entry = AuditEntry.objects.get(action="collaboration.created")
    assert (entry.actor_id, entry.object_id) == (person.pk, str(collaboration.pk))


def test_create_collaboration_refused_for_non_member():
    outsider = make_user()
    lead = make_org()
    with pytest.raises(NotAllowed) as refused:
        services.create_collaboration(actor=outsider, lead=lead, name="X", challenge="Y")
    assert refused.value.message == (
        f"You are not a member of {lead.name}: only its members can start a collaboration it leads."
    )
    assert DataCollaboration.objects.count() == 0


def test_create_collaboration_requires_name_and_challenge():
    person = make_user()
    lead = make_org(members=[person])
    with pytest.raises(DomainError) as no_name:
        services.create_collaboration(actor=person, lead=lead, name="  ", challenge="Y")
    with pytest.raises(DomainError) as no_challenge:
        services.create_collaboration(actor=person, lead=lead, name="X", challenge="")
    assert (no_name.value.field, no_challenge.value.field) == ("name", "challenge")


def test_create_collaboration_never_takes_a_reserved_slug():
    person = make_user()
    lead = make_org(members=[person])
    first = services.create_collaboration(actor=person, lead=lead, name="New", challenge="Y")
    second = services.create_collaboration(actor=person, lead=lead, name="new", challenge="Y")
    agreements = services.create_collaboration(
        actor=person, lead=lead, name="Agreements", challenge="Y"
    )
    assert (first.slug, second.slug, agreements.slug) == (
        "new-collaboration",
        "new-collaboration-2",
        "agreements-collaboration",
    )


def test_add_member_by_lead_admin_audited():
    admin = make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin]))
    other = make_org()
    services.add_member(
        actor=admin, collaboration=collaboration, organisation=other, role="data_user"
    )
    services.add_member(actor=admin, collaboration=collaboration, organisation=other, role="funder")
    assert _roles(collaboration) == sorted(
        [(collaboration.lead.slug, "steward"), (other.slug, "data_user"), (other.slug, "funder")]
    )
    entries = list(
        AuditEntry.objects.filter(action="collaboration.member_added").values_list(
            "details", flat=True
        )
    )
    assert entries == [
        {"organisation": other.slug, "role": "data_user"},
        {"organisation": other.slug, "role": "funder"},
    ]


def test_add_member_refused_for_lead_member_who_is_not_admin():
    member = make_user()
    collaboration = make_collaboration(lead=make_org(members=[member]))
    with pytest.raises(NotAllowed) as refused:
        services.add_member(
            actor=member, collaboration=collaboration, organisation=make_org(), role="data_user"
        )
    assert refused.value.message == (
        f"Only administrators of {collaboration.lead.name}, which leads this collaboration, "
        "can add members."
    )
    assert CollaborationMember.objects.filter(collaboration=collaboration).count() == 1


def test_add_member_refused_for_admin_of_a_member_organisation():
    admin = make_user()
    member_org = make_org(admins=[admin])
    collaboration = make_collaboration(members=[(member_org, "data_provider")])
    with pytest.raises(NotAllowed):
        services.add_member(
            actor=admin, collaboration=collaboration, organisation=make_org(), role="data_user"
        )


def test_add_member_twice_in_same_role_conflicts():
    admin = make_user()
    other = make_org()
    collaboration = make_collaboration(
        lead=make_org(admins=[admin]), members=[(other, "data_user")]
    )
    with pytest.raises(Conflict) as refused:
        services.add_member(
            actor=admin, collaboration=collaboration, organisation=other, role="data_user"
        )
    assert (
        refused.value.message
        == f"{other.name} already has the role “Data user” in this collaboration."
    )


def test_add_member_unknown_role_refused():
    admin = make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin]))
    with pytest.raises(DomainError) as refused:
        services.add_member(
            actor=admin, collaboration=collaboration, organisation=make_org(), role="overlord"
        )
    assert refused.value.field == "role"


def test_remove_member_by_admin_audited():
    admin = make_user()
    other = make_org()
    collaboration = make_collaboration(
        lead=make_org(admins=[admin]), members=[(other, "data_user")]
    )
    member = CollaborationMember.objects.get(organisation=other)
    services.remove_member(actor=admin, member=member)
    assert _roles(collaboration) == [(collaboration.lead.slug, "steward")]
    entry = AuditEntry.objects.get(action="collaboration.member_removed")
    assert entry.details == {"organisation": other.slug, "role": "data_user"}


def test_remove_member_refused_for_non_admin():
    member_user = make_user()
    other = make_org()
    make_collaboration(lead=make_org(members=[member_user]), members=[(other, "data_user")])
    with pytest.raises(NotAllowed):
        services.remove_member(
            actor=member_user, member=CollaborationMember.objects.get(organisation=other)
        )
    assert CollaborationMember.objects.filter(organisation=other).count() == 1


def test_remove_lead_last_role_refused_but_another_role_may_go():
    admin = make_user()
    lead = make_org(admins=[admin])
    collaboration = make_collaboration(lead=lead)
    only = CollaborationMember.objects.get(organisation=lead)
    with pytest.raises(Conflict):
        services.remove_member(actor=admin, member=only)
    services.add_member(actor=admin, collaboration=collaboration, organisation=lead, role="funder")
    services.remove_member(actor=admin, member=only)
    assert _roles(collaboration) == [(lead.slug, "funder")]


def test_change_status_by_admin_audited_and_same_status_conflicts():
    admin = make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin]))
    services.change_status(actor=admin, collaboration=collaboration, status="active")
    collaboration.refresh_from_db()
    assert collaboration.status == "active"
    assert AuditEntry.objects.get(action="collaboration.status_changed").details == {
        "from": "scoping",
        "to": "active",
    }
    with pytest.raises(Conflict):
        services.change_status(actor=admin, collaboration=collaboration, status="active")


def test_change_status_refused_for_non_admin_and_unknown_status():
    admin, member = make_user(), make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin], members=[member]))
    with pytest.raises(NotAllowed):
        services.change_status(actor=member, collaboration=collaboration, status="active")
    with pytest.raises(DomainError) as unknown:
        services.change_status(actor=admin, collaboration=collaboration, status="paused")
    assert unknown.value.field == "status"


def test_update_collaboration_by_admin_only():
    admin, member = make_user(), make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin], members=[member]))
    fields = {"name": "Renamed", "challenge": "New challenge", "sectors": ["energy"], "goals": ""}
    with pytest.raises(NotAllowed):
        services.update_collaboration(actor=member, collaboration=collaboration, **fields)
    services.update_collaboration(actor=admin, collaboration=collaboration, **fields)
    collaboration.refresh_from_db()
    assert (collaboration.name, collaboration.sectors) == ("Renamed", ["energy"])


def test_assess_principle_by_lead_member_creates_then_updates():
    member = make_user()
    collaboration = make_collaboration(lead=make_org(members=[member]))
    services.assess_principle(
        actor=member, collaboration=collaboration, principle="open", score=2, note=" Soon. "
    )
    services.assess_principle(actor=member, collaboration=collaboration, principle="open", score=4)
    assessment = SelfAssessment.objects.get()
    assert (assessment.principle, assessment.score, assessment.note) == ("open", 4, "")
    assert AuditEntry.objects.filter(action="collaboration.principle_assessed").count() == 2


def test_assess_principle_refused_for_other_member_and_bad_values():
    lead_member, other_member = make_user(), make_user()
    other = make_org(members=[other_member])
    collaboration = make_collaboration(
        lead=make_org(members=[lead_member]), members=[(other, "data_user")]
    )
    with pytest.raises(NotAllowed):
        services.assess_principle(
            actor=other_member, collaboration=collaboration, principle="open", score=3
        )
    with pytest.raises(DomainError) as bad_score:
        services.assess_principle(
            actor=lead_member, collaboration=collaboration, principle="open", score=6
        )
    with pytest.raises(DomainError) as bad_principle:
        services.assess_principle(
            actor=lead_member, collaboration=collaboration, principle="fast", score=3
        )
    assert (bad_score.value.field, bad_principle.value.field) == ("score", "principle")
    assert SelfAssessment.objects.count() == 0
