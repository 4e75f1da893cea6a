"""The admin (superusers only) shows datasets read-only; conveners do not reach it."""

from __future__ import annotations

import pytest

from tests.factories import make_org, make_user
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def convener():
    # As organisations.services.grant_role makes one: the role and staff status.
    return make_user(is_staff=True, roles=["convener"])


def test_admin_dataset_list_closed_to_convener(login, convener):
    make_dataset(owner=make_org(), spectrum="closed", title="Closed fleet")
    response = login(convener).get("/admin/datasets/dataset/")
    assert response.status_code == 302
    assert "Closed fleet" not in response.content.decode()


def test_admin_dataset_is_read_only_for_superuser(login):
    ds = make_dataset(owner=make_org(), spectrum="open")
    client = login(make_user(is_staff=True, is_superuser=True))
    assert client.get("/admin/datasets/dataset/add/").status_code == 403
    response = client.post(f"/admin/datasets/dataset/{ds.pk}/change/", {"title": "Changed"})
    assert response.status_code == 403
    ds.refresh_from_db()
    assert ds.title != "Changed"


def test_admin_datasets_refused_to_staff_without_superuser(login):
    response = login(make_user(is_staff=True)).get("/admin/datasets/dataset/")
    assert response.status_code == 302
