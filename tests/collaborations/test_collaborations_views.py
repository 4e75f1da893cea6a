"""Collaboration pages: list, create, page, edit, status, members; refusals and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datacollab.collaborations.models import CollaborationMember, DataCollaboration
from datacollab.network.models import Application
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories_data import make_agreement, make_collaboration, make_dataset

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_shows_collaborations_and_filters_by_status(client):
    make_collaboration(name="Clean Air", status="active")
    make_collaboration(name="Cargo Bikes")
    response = client.get("/collaborations/")
    assert response.status_code == 200
    assert [c.name for c in response.context["collaborations"]] == ["Cargo Bikes", "Clean Air"]
    active = client.get("/collaborations/?status=active")
    assert [c.name for c in active.context["collaborations"]] == ["Clean Air"]


def test_list_queries_constant_in_collaborations(client):
    for _ in range(2):
        make_collaboration(members=[(make_org(), "data_user")])
    few = _queries(client, "/collaborations/")
    for _ in range(4):
        make_collaboration(members=[(make_org(), "data_user")])
    assert _queries(client, "/collaborations/") == few


def test_create_page_offers_only_own_organisations(login):
    person = make_user()
    mine = make_org(members=[person])
    make_org(name="Someone Else")
    response = login(person).get("/collaborations/new/")
    assert response.status_code == 200
    assert list(response.context["form"].fields["lead"].widget.choices)[1:] == [
        (mine.slug, mine.name)
    ]


def test_create_posts_and_redirects_to_page(login):
    person = make_user()
    lead = make_org(members=[person])
    response = login(person).post(
        "/collaborations/new/",
        {
            "lead": lead.slug,
            "lead_role": "data_provider",
            "name": "Clean Air",
            "challenge": "Air near schools.",
            "sectors": "environment, health",
            "goals": "",
        },
    )
    collaboration = DataCollaboration.objects.get()
    assert (response.status_code, response["Location"]) == (302, "/collaborations/clean-air/")
    assert (collaboration.lead, collaboration.sectors) == (lead, ["environment", "health"])


def test_create_for_organisation_you_do_not_belong_to_is_403_with_message(login):
    person = make_user()
    make_org(members=[person])
    other = make_org()
    response = login(person).post(
        "/collaborations/new/",
        {"lead": other.slug, "lead_role": "steward", "name": "X", "challenge": "Y"},
    )
    assert response.status_code == 403
    assert f"You are not a member of {other.name}" in _text(response)
    assert DataCollaboration.objects.count() == 0


def test_create_with_missing_fields_is_400(login):
    person = make_user()
    lead = make_org(members=[person])
    response = login(person).post("/collaborations/new/", {"lead": lead.slug})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"lead_role", "name", "challenge"}


def test_create_requires_login(client):
    response = client.get("/collaborations/new/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/collaborations/new/",
    )


def test_page_shows_members_roles_agreements(client):
    provider = make_org(name="Data Cargo")
    collaboration = make_collaboration(
        name="Cargo Bikes",
        members=[(provider, "data_provider"), (provider, "data_user")],
        challenge="Plan **cycle lanes**.",
    )
    make_agreement(collaboration=collaboration, title="Sensor terms")
    response = client.get(f"/collaborations/{collaboration.slug}/")
    assert response.status_code == 200
    rows = response.context["members"]
    assert [(r.organisation.name, r.roles) for r in rows] == [
        (collaboration.lead.name, ["Steward"]),
        ("Data Cargo", ["Data provider", "Data user"]),
    ]
    text = _text(response)
    assert "<strong>cycle lanes</strong>" in text
    assert "Sensor terms" in text
    assert "Manage members" not in text


def test_page_lists_only_datasets_the_viewer_may_see(client, login):
    member = make_user()
    provider = make_org(members=[member])
    collaboration = make_collaboration(members=[(provider, "data_provider")])
    make_dataset(owner=provider, collaboration=collaboration, title="Open counts", spectrum="open")
    make_dataset(
        owner=provider, collaboration=collaboration, title="Secret routes", spectrum="group"
    )
    anonymous = _text(client.get(f"/collaborations/{collaboration.slug}/"))
    assert ("Open counts" in anonymous, "Secret routes" in anonymous) == (True, False)
    inside = _text(login(member).get(f"/collaborations/{collaboration.slug}/"))
    assert ("Open counts" in inside, "Secret routes" in inside) == (True, True)


def test_page_shows_selected_application_publicly_and_drafts_only_to_own_members(client, login):
    applicant = make_user()
    org = make_org(members=[applicant])
    collaboration = make_collaboration(members=[(org, "data_user")])
    call = make_call()
    make_application(
        call=call,
        organisation=org,
        title="Our draft",
        collaboration=collaboration,
        submitted=False,
    )
    make_application(
        call=make_call(),
        organisation=org,
        title="Chosen one",
        collaboration=collaboration,
        decision=Application.Decision.SELECTED,
    )
    public = _text(client.get(f"/collaborations/{collaboration.slug}/"))
    assert ("Chosen one" in public, "Our draft" in public) == (True, False)
    own = _text(login(applicant).get(f"/collaborations/{collaboration.slug}/"))
    assert ("Chosen one" in own, "Our draft" in own) == (True, True)


def test_page_queries_constant_in_members_agreements_datasets(login):
    viewer = make_user()
    org = make_org(members=[viewer])
    collaboration = make_collaboration(members=[(org, "data_user")])

    def grow(n: int) -> None:
        for _ in range(n):
            provider = make_org()
            CollaborationMember.objects.create(
                collaboration=collaboration, organisation=provider, role="data_provider"
            )
            make_agreement(collaboration=collaboration)
            make_dataset(owner=provider, collaboration=collaboration, spectrum="group")
            make_application(call=make_call(), organisation=org, collaboration=collaboration)

    client = login(viewer)
    url = f"/collaborations/{collaboration.slug}/"
    grow(2)
    few = _queries(client, url)
    grow(4)
    assert _queries(client, url) == few


def test_unknown_collaboration_is_404(client):
    assert client.get("/collaborations/nope/").status_code == 404


def test_members_page_admin_adds_member(login):
    admin = make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin]))
    other = make_org(name="Bike Co")
    client = login(admin)
    url = f"/collaborations/{collaboration.slug}/members/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisation": other.slug, "role": "data_provider"})
    assert (response.status_code, response["Location"]) == (302, url)
    assert CollaborationMember.objects.filter(
        collaboration=collaboration, organisation=other, role="data_provider"
    ).exists()


def test_members_page_refused_for_non_admin(login):
    member = make_user()
    collaboration = make_collaboration(lead=make_org(members=[member]))
    client = login(member)
    url = f"/collaborations/{collaboration.slug}/members/"
    page = client.get(url)
    post = client.post(url, {"organisation": make_org().slug, "role": "data_user"})
    message = (
        f"Only administrators of {collaboration.lead.name}, which leads this collaboration, "
        "can manage its members."
    )
    assert (page.status_code, post.status_code) == (403, 403)
    assert message in _text(post)
    assert CollaborationMember.objects.filter(collaboration=collaboration).count() == 1


def test_members_page_duplicate_role_is_409_on_the_form(login):
    admin = make_user()
    other = make_org()
    collaboration = make_collaboration(lead=make_org(admins=[admin]), members=[(other, "funder")])
    response = login(admin).post(
        f"/collaborations/{collaboration.slug}/members/",
        {"organisation": other.slug, "role": "funder"},
    )
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        f"{other.name} already has the role “Funder” in this collaboration."
    ]


def test_member_remove_by_admin_and_refused_for_others(login):
    admin, stranger = make_user(), make_user()
    other = make_org()
    collaboration = make_collaboration(
        lead=make_org(admins=[admin]), members=[(other, "data_user")]
    )
    member = CollaborationMember.objects.get(organisation=other)
    url = f"/collaborations/{collaboration.slug}/members/{member.pk}/remove/"
    assert login(stranger).post(url).status_code == 403
    response = login(admin).post(url)
    assert response.status_code == 302
    assert not CollaborationMember.objects.filter(pk=member.pk).exists()
    assert login(admin).post(url).status_code == 404


def test_status_change_by_admin_and_refused_for_member(login):
    admin, member = make_user(), make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin], members=[member]))
    url = f"/collaborations/{collaboration.slug}/status/"
    refused = login(member).post(url, {"status": "active"})
    assert refused.status_code == 403
    assert "can change its status" in _text(refused)
    assert login(admin).post(url, {"status": "active"}).status_code == 302
    collaboration.refresh_from_db()
    assert collaboration.status == "active"


def test_edit_by_admin_saves_and_refused_for_member(login):
    admin, member = make_user(), make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin], members=[member]))
    url = f"/collaborations/{collaboration.slug}/edit/"
    data = {"name": "Renamed", "challenge": "New", "sectors": "energy", "goals": ""}
    assert login(member).post(url, data).status_code == 403
    assert login(admin).get(url).status_code == 200
    assert login(admin).post(url, data).status_code == 302
    collaboration.refresh_from_db()
    assert (collaboration.name, collaboration.sectors) == ("Renamed", ["energy"])
