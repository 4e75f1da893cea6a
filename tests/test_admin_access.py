"""Issue 9, finding 1: the admin is a superuser's tool; a convener cannot reach it at all.

The red team's convener added themselves as a member of a data-owning organisation in the
Organisation admin and then read 720 rows of its closed dataset through the rows API.
"""

from __future__ import annotations

import pytest
from django.test import Client

from datacollab.core.models import AuditEntry
from datacollab.organisations.models import Membership
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import PASSWORD, make_org, make_user
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_convener():
    # As organisations.services.grant_role has made conveners so far: role and staff status.
    return make_user(email="convener@example.org", is_staff=True, roles=["convener"])


def test_admin_index_redirects_convener_to_login(login, staff_convener):
    response = login(staff_convener).get("/admin/")
    assert (response.status_code, response["Location"]) == (302, "/admin/login/?next=/admin/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/organisations/organisation/",
        "/admin/organisations/membership/",
        "/admin/network/cohort/",
        "/admin/network/call/add/",
        "/admin/datasets/dataset/",
        "/admin/core/auditentry/",
    ],
)
def test_admin_pages_closed_to_convener(login, staff_convener, url):
    response = login(staff_convener).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_login_refuses_staff_convener(staff_convener):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff_convener.email, "password": PASSWORD},
    )
    assert response.status_code == 200
    assert "The admin is for superusers only" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_admin_login_admits_superuser():
    root = make_user(email="root@example.org", is_staff=True, is_superuser=True)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": root.email, "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_admin_superuser_without_staff_flag_still_admitted(login):
    # The site asks for is_superuser, not is_staff: a superuser is never locked out by the flag.
    root = make_user(is_superuser=True, is_staff=False)
    assert login(root).get("/admin/").status_code == 200


@pytest.mark.usefixtures("datasets_storage")
def test_admin_convener_cannot_join_an_organisation_to_read_its_closed_data(login, staff_convener):
    # The red team's replay: the rows API refuses, the convener adds themselves as a member
    # of the owner through the Organisation admin, then asks again.
    owner = make_org(name="Fleet owner")
    dataset = make_dataset(owner=owner, spectrum="closed", slug="fleet")
    make_version(dataset, {"a": list(range(720))}, {"fields": [{"name": "a", "type": "integer"}]})
    client = login(staff_convener)
    rows_url = "/api/v1/datasets/fleet/versions/1/rows"
    assert client.get(rows_url).status_code == 404

    response = client.post(
        f"/admin/organisations/organisation/{owner.pk}/change/",
        {
            "name": owner.name,
            "slug": owner.slug,
            "kind": owner.kind,
            "country": owner.country,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(staff_convener.pk),
            "memberships-0-role": "admin",
        },
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Membership.objects.filter(user=staff_convener).count() == 0
    assert client.get(rows_url).status_code == 404
    assert AuditEntry.objects.filter(action__startswith="admin.").count() == 0
