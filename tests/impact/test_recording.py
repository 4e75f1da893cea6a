"""Each place a dataset is read adds to its daily counter, once per read."""

from __future__ import annotations

import pytest
from django.test import Client

from datacollab.core.models import AuditEntry
from datacollab.impact.models import DailyCount
from datacollab.privacy import services as privacy
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import make_user
from tests.factories_data import make_dataset
from tests.privacy.factories import BY_ZONE_SPEED, pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]
SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}


@pytest.fixture
def open_dataset():
    dataset = make_dataset(spectrum="open", licence="CC-BY-4.0", slug="bikes")
    make_version(dataset, {"id": [1, 2], "name": ["a", "b"]}, SCHEMA)
    return dataset


def _counts(dataset) -> list[tuple[str, int, int]]:
    return sorted(DailyCount.objects.filter(dataset=dataset).values_list("kind", "reader", "count"))


def test_dataset_page_view_counted_for_anonymous_reader(open_dataset):
    response = Client().get("/datasets/bikes/")

    assert response.status_code == 200
    assert _counts(open_dataset) == [("view", 0, 1)]


def test_downloads_counted_per_signed_in_reader_without_audit_of_open_data(open_dataset, login):
    person = make_user()
    client = login(person)
    entries = AuditEntry.objects.count()

    csv = client.get("/datasets/bikes/v1/download.csv")
    parquet = client.get("/datasets/bikes/v1/download.parquet")

    assert (csv.status_code, parquet.status_code) == (200, 200)
    assert _counts(open_dataset) == [("download", person.pk, 2)]
    assert AuditEntry.objects.count() == entries


def test_rows_api_call_counted(open_dataset):
    response = Client().get("/api/v1/datasets/bikes/versions/1/rows")

    assert response.status_code == 200
    assert _counts(open_dataset) == [("api", 0, 1)]


def test_refused_download_not_counted():
    dataset = make_dataset(spectrum="closed", slug="secret")
    make_version(dataset, {"id": [1], "name": ["a"]}, SCHEMA)

    response = Client().get("/datasets/secret/v1/download.csv")

    assert response.status_code == 404
    assert _counts(dataset) == []


def test_aggregate_query_counted():
    dataset, owner = pooled_dataset(dp=False, k=2)

    privacy.run_aggregate_query(actor=owner, dataset=dataset, query=BY_ZONE_SPEED)

    assert _counts(dataset) == [("query", owner.pk, 1)]
