"""The admin shows conveners only the datasets the Data Spectrum rule lets them see, read-only."""

from __future__ import annotations

import pytest

from tests.factories import make_org, make_user
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def convener():
    # As organisations.services.grant_role makes one: the role and staff status.
    return make_user(is_staff=True, roles=["convener"])


def test_admin_dataset_list_for_convener_hides_closed_data(login, convener):
    owner = make_org()
    make_dataset(owner=owner, spectrum="open", title="Open counts")
    make_dataset(owner=owner, spectrum="closed", title="Closed fleet")
    response = login(convener).get("/admin/datasets/dataset/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Open counts" in body
    assert "Closed fleet" not in body


def test_admin_dataset_is_read_only_for_convener(login, convener):
    ds = make_dataset(owner=make_org(), spectrum="open")
    client = login(convener)
    assert client.get("/admin/datasets/dataset/add/").status_code == 403
    response = client.post(f"/admin/datasets/dataset/{ds.pk}/change/", {"title": "Changed"})
    assert response.status_code == 403
    ds.refresh_from_db()
    assert ds.title != "Changed"


def test_admin_datasets_refused_to_people_without_convener_role(login):
    response = login(make_user(is_staff=True)).get("/admin/datasets/dataset/")
    assert response.status_code == 403
