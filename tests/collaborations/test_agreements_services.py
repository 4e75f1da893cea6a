"""Agreement services: versions by text hash, acceptance for oneself or an organisation."""

from __future__ import annotations

import hashlib

import pytest

from datacollab.collaborations.models import Acceptance, AgreementVersion
from datacollab.collaborations.selectors import acceptance_status, has_accepted_current
from datacollab.collaborations.services import agreements as services
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from tests.factories import make_org, make_user
from tests.factories_data import make_agreement, make_collaboration

pytestmark = pytest.mark.django_db

TERMS = {
    "permitted_purposes": ["research", "Urban planning"],
    "commercial_use": False,
    "onward_sharing": "members",
    "attribution": True,
    "retention_days": 90,
}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _setup():
    admin = make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin]))
    agreement = services.create_agreement(
        actor=admin,
        collaboration=collaboration,
        title="Sensor data terms",
        licence="C-UDA-1.0",
        text="Use it for research.",
        terms=TERMS,
    )
    return admin, collaboration, agreement


def test_create_agreement_first_version_hashes_exact_text_and_audits():
    _admin, collaboration, agreement = _setup()
    version = AgreementVersion.objects.get(agreement=agreement)
    assert (version.number, version.text, version.text_hash) == (
        1,
        "Use it for research.",
        _sha("Use it for research."),
    )
    assert agreement.slug == f"{collaboration.slug}-sensor-data-terms"
    assert agreement.terms == TERMS
    entry = AuditEntry.objects.get(action="agreement.created")
    assert (entry.details["version"], entry.details["text_hash"]) == (1, version.text_hash)


def test_create_agreement_refused_for_lead_member_not_admin():
    member = make_user()
    collaboration = make_collaboration(lead=make_org(members=[member]))
    with pytest.raises(NotAllowed) as refused:
        services.create_agreement(
            actor=member,
            collaboration=collaboration,
            title="T",
            licence="CC-BY-4.0",
            text="x",
            terms={},
        )
    assert refused.value.message == (
        f"Only administrators of {collaboration.lead.name}, which leads this collaboration, "
        "can write its agreements."
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"licence": "MIT"}, "licence"),
        ({"title": " "}, "title"),
        ({"text": " \r\n "}, "text"),
        ({"terms": {"onward_sharing": "everyone"}}, "onward_sharing"),
        ({"terms": {"retention_days": 0}}, "retention_days"),
        ({"terms": {"permitted_purposes": "research"}}, "purposes"),
    ],
)
def test_create_agreement_bad_input_names_the_field(fields, field):
    admin = make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin]))
    arguments = {"title": "T", "licence": "CC-BY-4.0", "text": "x", "terms": {}, **fields}
    with pytest.raises(DomainError) as refused:
        services.create_agreement(actor=admin, collaboration=collaboration, **arguments)
    assert refused.value.field == field


def test_revise_changed_text_makes_new_version_and_audits():
    admin, _collab, agreement = _setup()
    revision = services.revise_agreement(actor=admin, agreement=agreement, text="Use it well.")
    assert (revision.version.number, revision.new_version, revision.version.text_hash) == (
        2,
        True,
        _sha("Use it well."),
    )
    assert AuditEntry.objects.get(action="agreement.revised").details["version"] == 2


def test_revise_identical_text_is_not_a_new_version():
    admin, _collab, agreement = _setup()
    # A browser sends CRLF line ends and may add blank space: still the same text.
    revision = services.revise_agreement(
        actor=admin, agreement=agreement, text="Use it for research.\r\n"
    )
    assert (revision.version.number, revision.new_version) == (1, False)
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 1
    assert not AuditEntry.objects.filter(action="agreement.revised").exists()


def test_revise_text_change_requires_reacceptance():
    admin, _collab, agreement = _setup()
    person = make_user()
    services.accept_agreement(actor=person, agreement=agreement)
    assert has_accepted_current(person, agreement) is True
    services.revise_agreement(actor=admin, agreement=agreement, text="New terms.")
    assert has_accepted_current(person, agreement) is False
    status = acceptance_status(person, agreement)
    assert (status.accepted_current, [a.version.number for a in status.outdated]) == (False, [1])
    services.accept_agreement(actor=person, agreement=agreement)
    assert has_accepted_current(person, agreement) is True


def test_revise_refused_for_non_admin():
    _admin, collaboration, agreement = _setup()
    member = make_user()
    collaboration.lead.memberships.create(user=member, role="member")
    with pytest.raises(NotAllowed):
        services.revise_agreement(actor=member, agreement=agreement, text="Mine now.")
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 1


def test_revise_terms_alone_allowed_until_someone_accepted():
    admin, _collab, agreement = _setup()
    services.revise_agreement(
        actor=admin,
        agreement=agreement,
        text="Use it for research.",
        terms={**TERMS, "commercial_use": True},
    )
    agreement.refresh_from_db()
    assert agreement.terms["commercial_use"] is True
    assert AuditEntry.objects.filter(action="agreement.terms_changed").count() == 1
    services.accept_agreement(actor=make_user(), agreement=agreement)
    with pytest.raises(DomainError) as refused:
        services.revise_agreement(
            actor=admin, agreement=agreement, text="Use it for research.", terms=TERMS
        )
    assert refused.value.field == "text"
    revision = services.revise_agreement(
        actor=admin, agreement=agreement, text="No commercial use after all.", terms=TERMS
    )
    agreement.refresh_from_db()
    assert (revision.version.number, revision.terms_changed, agreement.terms) == (2, True, TERMS)


def test_accept_for_oneself_records_version_hash_and_audits_signature():
    _admin, _collab, agreement = _setup()
    person = make_user()
    acceptance = services.accept_agreement(
        actor=person, agreement=agreement, expected_hash=_sha("Use it for research.")
    )
    assert (
        acceptance.version.number,
        acceptance.organisation,
        acceptance.accepted_by,
        acceptance.text_hash,
    ) == (1, None, person, _sha("Use it for research."))
    entry = AuditEntry.objects.get(action="agreement.accepted")
    assert entry.actor_id == person.pk
    assert entry.details == {
        "acceptance": acceptance.pk,
        "version": 1,
        "text_hash": _sha("Use it for research."),
        "on_behalf_of": None,
    }


def test_accept_on_behalf_of_administered_organisation_counts_for_its_members():
    _admin, _collab, agreement = _setup()
    org_admin, colleague = make_user(), make_user()
    org = make_org(admins=[org_admin], members=[colleague])
    services.accept_agreement(actor=org_admin, agreement=agreement, organisation=org)
    assert has_accepted_current(colleague, agreement) is True
    assert AuditEntry.objects.get(action="agreement.accepted").details["on_behalf_of"] == org.slug


def test_accept_for_organisation_you_do_not_administer_refused():
    _admin, _collab, agreement = _setup()
    member = make_user()
    org = make_org(members=[member])
    with pytest.raises(NotAllowed) as refused:
        services.accept_agreement(actor=member, agreement=agreement, organisation=org)
    assert refused.value.message == (
        f"You are not an administrator of {org.name}, so you cannot accept on its behalf: "
        "accept for yourself, or ask one of its administrators."
    )
    assert Acceptance.objects.count() == 0
    assert not AuditEntry.objects.filter(action="agreement.accepted").exists()


def test_accept_twice_conflicts():
    _admin, _collab, agreement = _setup()
    person = make_user()
    services.accept_agreement(actor=person, agreement=agreement)
    with pytest.raises(Conflict) as refused:
        services.accept_agreement(actor=person, agreement=agreement)
    assert refused.value.message == "You have already accepted version 1."
    assert Acceptance.objects.count() == 1


def test_accept_stale_text_refused():
    admin, _collab, agreement = _setup()
    person = make_user()
    seen = _sha("Use it for research.")
    services.revise_agreement(actor=admin, agreement=agreement, text="Changed meanwhile.")
    with pytest.raises(Conflict) as refused:
        services.accept_agreement(actor=person, agreement=agreement, expected_hash=seen)
    assert refused.value.message == (
        "The text changed while you were reading it: read version 2 and accept that."
    )
    assert Acceptance.objects.count() == 0


def test_accept_anonymous_refused():
    from django.contrib.auth.models import AnonymousUser

    _admin, _collab, agreement = _setup()
    with pytest.raises(NotAllowed):
        services.accept_agreement(actor=AnonymousUser(), agreement=agreement)


def test_revise_same_words_as_a_version_stored_with_trailing_newline_is_not_new():
    admin = make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin]))
    agreement = make_agreement(collaboration=collaboration, text="Terms.\n\nMore.\n")
    revision = services.revise_agreement(
        actor=admin, agreement=agreement, text="Terms.\r\n\r\nMore."
    )
    assert (revision.version.number, revision.new_version) == (1, False)
