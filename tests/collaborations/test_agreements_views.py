"""Agreement pages: create from a template, read, revise, accept; refusals and query counts."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datacollab.collaborations.models import Acceptance, Agreement, AgreementVersion
from datacollab.collaborations.services import agreements as services
from datacollab.core.models import AuditEntry
from tests.factories import make_org, make_user
from tests.factories_data import accept, add_agreement_version, make_agreement, make_collaboration

pytestmark = pytest.mark.django_db

TERMS_POST = {
    "purposes": ["research", "education"],
    "other_purposes": "urban planning, ",
    "commercial_use": "no",
    "onward_sharing": "members",
    "attribution": "on",
    "retention_days": "30",
}


def _text(response) -> str:
    return response.content.decode()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _collaboration_with_admin():
    admin = make_user()
    return admin, make_collaboration(lead=make_org(admins=[admin]), slug="clean-air")


def test_new_agreement_page_prefills_the_chosen_template(login):
    admin, _collaboration = _collaboration_with_admin()
    response = login(admin).get("/collaborations/clean-air/agreements/new/?licence=ODbL-1.0")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["licence"] == "ODbL-1.0"
    assert "https://spdx.org/licenses/ODbL-1.0.html" in form.initial["text"]


def test_new_agreement_with_empty_text_uses_template_and_structured_terms(login):
    admin, _collaboration = _collaboration_with_admin()
    response = login(admin).post(
        "/collaborations/clean-air/agreements/new/",
        {"licence": "CC-BY-4.0", "title": "Open terms", "text": "", **TERMS_POST},
    )
    agreement = Agreement.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/collaborations/agreements/{agreement.slug}/",
    )
    assert agreement.terms == {
        "permitted_purposes": ["research", "education", "urban planning"],
        "commercial_use": False,
        "onward_sharing": "members",
        "attribution": True,
        "retention_days": 30,
    }
    version = agreement.versions.get()
    assert version.text.startswith("# Open terms\n\nThis agreement makes the data available")
    assert version.text_hash == _sha(version.text)


def test_new_agreement_refused_for_non_admin(login):
    _admin, collaboration = _collaboration_with_admin()
    member = make_user()
    collaboration.lead.memberships.create(user=member, role="member")
    client = login(member)
    assert client.get("/collaborations/clean-air/agreements/new/").status_code == 403
    response = client.post(
        "/collaborations/clean-air/agreements/new/",
        {"licence": "CC-BY-4.0", "title": "T", "text": "x", **TERMS_POST},
    )
    assert response.status_code == 403
    assert "can write its agreements" in _text(response)
    assert Agreement.objects.count() == 0


def test_new_agreement_bad_input_is_400(login):
    admin, _collaboration = _collaboration_with_admin()
    response = login(admin).post(
        "/collaborations/clean-air/agreements/new/",
        {"licence": "MIT", "title": "", "onward_sharing": "everyone", "retention_days": "-1"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {
        "licence",
        "title",
        "onward_sharing",
        "retention_days",
        "commercial_use",
    }


def test_agreement_page_shows_text_history_and_your_status(client, login):
    agreement = make_agreement(
        collaboration=make_collaboration(), text="Version **one**.", title="Terms"
    )
    add_agreement_version(agreement, "Version **two**.")
    person = make_user()
    anonymous = client.get(f"/collaborations/agreements/{agreement.slug}/")
    assert anonymous.status_code == 200
    assert "<strong>two</strong>" in _text(anonymous)
    assert [v.number for v in anonymous.context["versions"]] == [2, 1]
    assert anonymous.context["acceptances"] is None
    page = login(person).get(f"/collaborations/agreements/{agreement.slug}/")
    assert "You have not accepted the current version (2)." in _text(page)


def test_accept_for_oneself_then_page_says_so(login):
    agreement = make_agreement(collaboration=make_collaboration(), text="Terms.")
    person = make_user()
    client = login(person)
    response = client.post(
        f"/collaborations/agreements/{agreement.slug}/accept/",
        {"on_behalf_of": "self", "text_hash": _sha("Terms.")},
    )
    assert response.status_code == 302
    acceptance = Acceptance.objects.get()
    assert (acceptance.accepted_by, acceptance.organisation, acceptance.text_hash) == (
        person,
        None,
        _sha("Terms."),
    )
    assert AuditEntry.objects.get(action="agreement.accepted").details["text_hash"] == _sha(
        "Terms."
    )
    page = client.get(f"/collaborations/agreements/{agreement.slug}/")
    assert "You have accepted the current version (1)." in _text(page)


def test_accept_on_behalf_of_administered_organisation(login):
    agreement = make_agreement(collaboration=make_collaboration(), text="Terms.")
    admin = make_user()
    org = make_org(admins=[admin])
    response = login(admin).post(
        f"/collaborations/agreements/{agreement.slug}/accept/",
        {"on_behalf_of": org.slug, "text_hash": _sha("Terms.")},
    )
    assert response.status_code == 302
    assert Acceptance.objects.get().organisation == org


def test_accept_for_organisation_you_do_not_administer_is_403_with_message(login):
    agreement = make_agreement(collaboration=make_collaboration(), text="Terms.")
    member = make_user()
    org = make_org(members=[member])
    response = login(member).post(
        f"/collaborations/agreements/{agreement.slug}/accept/",
        {"on_behalf_of": org.slug, "text_hash": _sha("Terms.")},
    )
    assert response.status_code == 403
    assert f"You are not an administrator of {org.name}" in _text(response)
    assert Acceptance.objects.count() == 0


def test_accept_after_text_changed_is_409_and_asks_to_read_again(login):
    agreement = make_agreement(collaboration=make_collaboration(), text="Old.")
    add_agreement_version(agreement, "New.")
    response = login(make_user()).post(
        f"/collaborations/agreements/{agreement.slug}/accept/",
        {"on_behalf_of": "self", "text_hash": _sha("Old.")},
    )
    assert response.status_code == 409
    assert "read version 2 and accept that" in _text(response)
    assert Acceptance.objects.count() == 0


def test_accept_bad_form_is_400_and_anonymous_is_sent_to_login(client, login):
    agreement = make_agreement(collaboration=make_collaboration(), text="Terms.")
    url = f"/collaborations/agreements/{agreement.slug}/accept/"
    assert login(make_user()).post(url, {"on_behalf_of": "no-such-org"}).status_code == 400
    assert client.post(url, {"on_behalf_of": "self"}).status_code == 302
    assert Acceptance.objects.count() == 0


def test_text_change_needs_reacceptance_shown_on_page(login):
    admin, collaboration = _collaboration_with_admin()
    agreement = make_agreement(collaboration=collaboration, text="First.")
    person = make_user()
    accept(agreement, person)
    services.revise_agreement(actor=admin, agreement=agreement, text="Second.")
    page = login(person).get(f"/collaborations/agreements/{agreement.slug}/")
    text = _text(page)
    assert "You have not accepted the current version (2)." in text
    assert "You accepted an earlier version, but the text has changed since" in text


def test_edit_identical_text_is_not_a_new_version(login):
    admin, collaboration = _collaboration_with_admin()
    agreement = make_agreement(
        collaboration=collaboration,
        text="Line one.\nLine two.",
        terms={"permitted_purposes": ["research"], "commercial_use": False},
    )
    response = login(admin).post(
        f"/collaborations/agreements/{agreement.slug}/edit/",
        {
            "title": agreement.title,
            "text": "Line one.\r\nLine two.\r\n",
            "purposes": ["research"],
            "commercial_use": "no",
            "onward_sharing": "none",
        },
    )
    assert response.status_code == 302
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 1


def test_edit_changed_text_makes_version_two(login):
    admin, collaboration = _collaboration_with_admin()
    agreement = make_agreement(collaboration=collaboration, text="One.")
    client = login(admin)
    form = client.get(f"/collaborations/agreements/{agreement.slug}/edit/").context["form"]
    assert form.initial["text"] == "One."
    response = client.post(
        f"/collaborations/agreements/{agreement.slug}/edit/",
        {
            "title": "Renamed",
            "text": "Two.",
            "commercial_use": "yes",
            "onward_sharing": "anyone",
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Renamed"
    assert list(agreement.versions.values_list("number", "text")) == [(2, "Two."), (1, "One.")]


def test_edit_refused_for_non_admin(login):
    _admin, collaboration = _collaboration_with_admin()
    agreement = make_agreement(collaboration=collaboration, text="One.")
    response = login(make_user()).post(
        f"/collaborations/agreements/{agreement.slug}/edit/",
        {"title": "T", "text": "Mine.", "commercial_use": "no", "onward_sharing": "none"},
    )
    assert response.status_code == 403
    assert "can change its agreements" in _text(response)
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 1


def test_edit_terms_without_text_after_acceptance_is_400_on_text(login):
    admin, collaboration = _collaboration_with_admin()
    agreement = make_agreement(
        collaboration=collaboration,
        text="One.",
        terms={"permitted_purposes": [], "commercial_use": False},
    )
    accept(agreement, make_user())
    response = login(admin).post(
        f"/collaborations/agreements/{agreement.slug}/edit/",
        {
            "title": agreement.title,
            "text": "One.",
            "commercial_use": "yes",
            "onward_sharing": "none",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["text"]


def test_who_accepted_shown_to_collaboration_members_only(client, login):
    member = make_user()
    org = make_org(members=[member])
    collaboration = make_collaboration(members=[(org, "data_user")])
    agreement = make_agreement(collaboration=collaboration, text="T.")
    signer = make_user(display_name="Signer Person")
    accept(agreement, signer)
    inside = login(member).get(f"/collaborations/agreements/{agreement.slug}/")
    assert [a.accepted_by for a in inside.context["acceptances"]] == [signer]
    outside = login(make_user()).get(f"/collaborations/agreements/{agreement.slug}/")
    assert outside.context["acceptances"] is None
    assert "Signer Person" not in _text(outside)


def test_agreement_page_queries_constant_in_versions_and_acceptances(login):
    member = make_user()
    org = make_org(members=[member], admins=[])
    collaboration = make_collaboration(members=[(org, "data_user")])
    agreement = make_agreement(collaboration=collaboration, text="v0")
    client = login(member)
    url = f"/collaborations/agreements/{agreement.slug}/"

    def grow(n: int) -> None:
        for i in range(n):
            add_agreement_version(agreement, f"text {agreement.versions.count()} {i}")
            accept(agreement, make_user())
            accept(agreement, make_user(), organisation=make_org())

    grow(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(4)
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few)
