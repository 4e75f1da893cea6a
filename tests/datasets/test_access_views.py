"""The access workflow's pages: grants, asking, the owner's list and decisions, my requests."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datacollab.datasets.models import AccessGrant, AccessRequest
from tests.factories import make_org, make_user
from tests.factories_data import grant, make_collaboration, make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_user():
    return make_user(email="owner@example.org")


@pytest.fixture
def owner(owner_user):
    return make_org(name="Data Cargo", members=[owner_user])


@pytest.fixture
def named(owner):
    return make_dataset(owner=owner, spectrum="named", listed=True, slug="fleet", title="Fleet")


def _ask(dataset, n: int) -> list[AccessRequest]:
    return [
        AccessRequest.objects.create(dataset=dataset, requester=make_user(), purpose=f"p{i}")
        for i in range(n)
    ]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_grants_page_adds_person_and_lists_grants(login, owner_user, named):
    person = make_user(email="grantee@example.org")
    client = login(owner_user)
    assert client.get("/datasets/fleet/access/").status_code == 200
    response = client.post("/datasets/fleet/access/", {"email": "grantee@example.org"})
    assert (response.status_code, response["Location"]) == (302, "/datasets/fleet/access/")
    assert AccessGrant.objects.get().user == person
    assert "grantee@example.org" in client.get("/datasets/fleet/access/").content.decode()


def test_grants_page_unknown_email_is_400_with_message(login, owner_user, named):
    response = login(owner_user).post("/datasets/fleet/access/", {"email": "no@example.org"})
    assert response.status_code == 400
    assert "No one is registered with no@example.org" in response.content.decode()


def test_grants_page_both_person_and_organisation_is_400(login, owner_user, named):
    response = login(owner_user).post(
        "/datasets/fleet/access/", {"email": "a@example.org", "organisation": make_org().pk}
    )
    assert response.status_code == 400
    assert "not both" in response.content.decode()


def test_grant_remove_by_post(login, owner_user, named):
    found = grant(named, user=make_user(), by=owner_user)
    client = login(owner_user)
    assert client.get(f"/datasets/fleet/access/{found.pk}/remove/").status_code == 405
    response = client.post(f"/datasets/fleet/access/{found.pk}/remove/")
    assert response.status_code == 302
    assert AccessGrant.objects.count() == 0
    assert client.post("/datasets/fleet/access/999/remove/").status_code == 404


def test_grants_page_refused_to_registered_403_and_hidden_404(login, owner):
    hidden = make_dataset(owner=owner, spectrum="named", slug="hidden", title="Hidden fleet")
    client = login(make_user())
    make_dataset(owner=owner, spectrum="named", listed=True, slug="listed")
    assert client.get("/datasets/listed/access/").status_code == 403
    response = client.get(f"/datasets/{hidden.slug}/access/")
    assert response.status_code == 404
    assert "Hidden fleet" not in response.content.decode()


def test_grants_page_queries_constant_in_grants(login, owner_user, named):
    client = login(owner_user)
    for _ in range(2):
        grant(named, user=make_user(), by=owner_user)
    few = _queries(client, "/datasets/fleet/access/")
    for _ in range(4):
        grant(named, organisation=make_org(), by=owner_user)
    assert _queries(client, "/datasets/fleet/access/") == few


def test_request_page_sends_request_and_redirects_to_mine(
    login, named, django_capture_on_commit_callbacks
):
    asker = make_user()
    client = login(asker)
    assert client.get("/datasets/fleet/request/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/datasets/fleet/request/", {"purpose": "Route planning."})
    assert (response.status_code, response["Location"]) == (302, "/datasets/requests/mine/")
    assert AccessRequest.objects.get().requester == asker
    assert [m.subject for m in django_mail.outbox] == ["Access request for Fleet"]
    mine = client.get("/datasets/requests/mine/").content.decode()
    assert "Fleet" in mine
    assert "Pending" in mine


def test_request_page_without_purpose_is_400(login, named):
    response = login(make_user()).post("/datasets/fleet/request/", {"purpose": ""})
    assert response.status_code == 400
    assert AccessRequest.objects.count() == 0


def test_request_page_for_foreign_organisation_is_400(login, named):
    response = login(make_user()).post(
        "/datasets/fleet/request/", {"purpose": "x", "organisation": make_org().pk}
    )
    assert response.status_code == 400


def test_request_page_when_already_granted_is_409_with_reason(login, named):
    person = make_user()
    grant(named, user=person)
    response = login(person).get("/datasets/fleet/request/")
    assert response.status_code == 409
    assert "You already have access to this dataset." in response.content.decode()


def test_request_page_for_public_data_is_400_with_reason(login, owner):
    make_dataset(owner=owner, spectrum="public", slug="pub")
    response = login(make_user()).get("/datasets/pub/request/")
    assert response.status_code == 400
    assert "Only named and group data take access requests" in response.content.decode()


def test_requests_page_approve_and_decline(login, owner_user, named):
    approve, decline = _ask(named, 2)
    client = login(owner_user)
    page = client.get("/datasets/fleet/requests/")
    assert page.status_code == 200
    response = client.post(
        f"/datasets/fleet/requests/{approve.pk}/decide/",
        {f"r{approve.pk}-decision": "approve", "confirm": "1"},
    )
    assert (response.status_code, response["Location"]) == (302, "/datasets/fleet/requests/")
    refused = client.post(
        f"/datasets/fleet/requests/{decline.pk}/decide/", {f"r{decline.pk}-decision": "decline"}
    )
    assert refused.status_code == 400
    assert "Say why you decline" in refused.content.decode()
    client.post(
        f"/datasets/fleet/requests/{decline.pk}/decide/",
        {f"r{decline.pk}-decision": "decline", f"r{decline.pk}-note": "Not now."},
    )
    statuses = dict(AccessRequest.objects.values_list("pk", "status"))
    assert statuses == {approve.pk: "approved", decline.pk: "declined"}
    again = client.post(
        f"/datasets/fleet/requests/{approve.pk}/decide/",
        {f"r{approve.pk}-decision": "approve", "confirm": "1"},
    )
    assert again.status_code == 409


def test_requests_page_refused_to_requester(login, named):
    (request,) = _ask(named, 1)
    client = login(request.requester)
    assert client.get("/datasets/fleet/requests/").status_code == 403
    response = client.post(
        f"/datasets/fleet/requests/{request.pk}/decide/", {f"r{request.pk}-decision": "approve"}
    )
    assert response.status_code == 403
    assert AccessRequest.objects.get().status == "pending"


def test_requests_page_queries_constant_in_requests(login, owner_user, named):
    client = login(owner_user)
    _ask(named, 2)
    few = _queries(client, "/datasets/fleet/requests/")
    _ask(named, 4)
    assert _queries(client, "/datasets/fleet/requests/") == few


def test_my_requests_hides_datasets_no_longer_visible(login, owner):
    asker = make_user()
    collab = make_collaboration(lead=owner)
    ds = make_dataset(
        owner=owner, spectrum="group", collaboration=collab, listed=True, title="Was listed"
    )
    AccessRequest.objects.create(dataset=ds, requester=asker, purpose="x")
    ds.listed = False
    ds.save()
    body = login(asker).get("/datasets/requests/mine/").content.decode()
    assert "Was listed" not in body


def test_my_requests_queries_constant_in_requests(login, owner):
    asker = make_user()
    client = login(asker)

    def ask(n: int) -> None:
        for _ in range(n):
            ds = make_dataset(owner=owner, spectrum="named", listed=True)
            AccessRequest.objects.create(
                dataset=ds, requester=asker, purpose="x", organisation=make_org(members=[asker])
            )

    ask(2)
    few = _queries(client, "/datasets/requests/mine/")
    ask(4)
    assert _queries(client, "/datasets/requests/mine/") == few


def test_requests_page_ticks_no_decision_by_default(login, owner_user, named):
    (request,) = _ask(named, 1)

    page = login(owner_user).get("/datasets/fleet/requests/").content.decode()

    assert page.count(f'name="r{request.pk}-decision"') == 2
    assert "checked" not in page


def test_approve_without_confirmation_shows_who_gets_access_and_grants_nothing(
    login, owner_user, named
):
    (request,) = _ask(named, 1)
    client = login(owner_user)
    url = f"/datasets/fleet/requests/{request.pk}/decide/"

    page = client.post(url, {f"r{request.pk}-decision": "approve"})
    no_choice = client.post(url, {"confirm": "1"})

    text = " ".join(page.content.decode().split())
    assert page.status_code == 200
    assert "can read this dataset" in text
    assert 'name="confirm" value="1"' in text
    assert no_choice.status_code == 400
    assert "Choose to approve or to decline." in no_choice.content.decode()
    assert AccessRequest.objects.get().status == "pending"
