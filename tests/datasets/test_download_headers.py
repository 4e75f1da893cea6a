"""A version's data downloads are checked per reader, so no cache or browser history keeps them,
and no browser sniffs them into a page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset

pytestmark = pytest.mark.django_db

DOWNLOADS = [
    "dataset-download-csv",
    "dataset-download-parquet",
    "dataset-datapackage",
    "api:version_download_csv",
    "api:version_download_parquet",
]


@pytest.fixture
def group_data(datasets_storage):  # noqa: F811
    owner_user = make_user()
    owner = make_org(members=[owner_user])
    dataset = make_dataset(
        owner=owner,
        collaboration=make_collaboration(lead=owner),
        spectrum="group",
        slug="group-readings",
        licence="C-UDA-1.0",
    )
    make_version(dataset)
    return owner_user, dataset


@pytest.mark.parametrize("name", DOWNLOADS)
def test_download_of_a_version_is_never_sniffed_nor_cached(group_data, login, name):
    owner_user, dataset = group_data

    response = login(owner_user).get(reverse(name, args=[dataset.slug, 1]))

    assert (
        response.status_code,
        response["Content-Disposition"].startswith("attachment; filename="),
        response["X-Content-Type-Options"],
        response["Cache-Control"],
    ) == (200, True, "nosniff", "private, no-store")


@pytest.mark.parametrize("name", DOWNLOADS)
def test_download_of_a_version_is_not_found_for_an_outsider(group_data, login, name):
    _owner, dataset = group_data

    response = login(make_user()).get(reverse(name, args=[dataset.slug, 1]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", DOWNLOADS)
def test_download_of_open_data_is_never_sniffed_and_may_be_cached(datasets_storage, client, name):  # noqa: F811
    dataset = make_dataset(owner=make_org(), spectrum="open", slug="open-readings")
    make_version(dataset)

    response = client.get(reverse(name, args=[dataset.slug, 1]))

    assert (
        response.status_code,
        response["X-Content-Type-Options"],
        "no-store" in response.get("Cache-Control", ""),
    ) == (200, "nosniff", False)
