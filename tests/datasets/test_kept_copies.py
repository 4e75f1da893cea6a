"""Versions on S3 are fetched once per machine for the web's reads (datasets/kept_copies.py):
before, every rows API request, CSV and Parquet download fetched the whole object again."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client

from datacollab.datasets import kept_copies
from datacollab.datasets.storage import version_storage
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    parse_and_publish,
    upload_bytes,
)
from tests.datasets.test_storage_s3 import (  # noqa: F401 - fixtures, used by name
    CSV,
    _publish,
    s3_bucket,
    s3_endpoint,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fetches(s3_bucket) -> list[str]:  # noqa: F811 - the fixture imported above
    """The keys the app's S3 client asks the store for (GetObject), in order: botocore's own
    event hook on the client django-storages uses in this thread, not a mock."""
    asked: list[str] = []
    client = version_storage().connection.meta.client

    def record(params: dict[str, Any], **_kwargs: Any) -> None:
        asked.append(params["Key"])

    client.meta.events.register("provide-client-params.s3.GetObject", record)
    yield asked
    client.meta.events.unregister("provide-client-params.s3.GetObject", record)


def test_web_reads_of_a_version_on_s3_fetch_it_once(fetches):
    _, dataset, version = _publish()
    client = Client()
    rows = f"/api/v1/datasets/{dataset.slug}/versions/1/rows"
    answers = [
        client.get(f"{rows}?sort=-speed&limit=1").json()["rows"],
        client.get(f"{rows}?limit=1&offset=2").json()["rows"],
    ]
    csv = b"".join(client.get(f"/datasets/{dataset.slug}/v1/download.csv").streaming_content)
    parquet = client.get(f"/datasets/{dataset.slug}/v1/download.parquet")
    parquet_bytes = b"".join(parquet.streaming_content)
    assert answers == [
        [{"id": 2, "vehicle": "bike-2", "speed": 20.0}],
        [{"id": 3, "vehicle": "bike-3", "speed": 7.25}],
    ]
    assert csv.decode().splitlines()[1] == '1,"bike-1",12.5'
    assert hashlib.sha256(parquet_bytes).hexdigest() == version.checksum
    assert parquet["Content-Length"] == str(version.byte_size)
    assert fetches == [version.storage_key]


def test_kept_copies_past_the_budget_go_oldest_first_but_never_one_being_read(
    s3_bucket,  # noqa: F811 - the fixture imported above
    settings,
):
    owner, dataset, first = _publish()
    second = parse_and_publish(upload_bytes(actor=owner, dataset=dataset, data=CSV + b"4,b,1\n"))
    third = parse_and_publish(upload_bytes(actor=owner, dataset=dataset, data=CSV + b"5,c,2\n"))
    # Room for two of these small files, not three.
    settings.DATASETS_S3_CACHE_MB = (first.byte_size + second.byte_size + 64) / 1024 / 1024
    held = kept_copies.open_copy(first)  # a reader holds the oldest copy
    kept_copies.open_copy(second).close()
    with held:
        kept_copies.open_copy(third).close()  # over budget: the second goes, the first is held
        names = sorted(p.name for p in kept_copies.copy_path(first).parent.iterdir())
    assert names == sorted(kept_copies.copy_path(v).name for v in (first, third))


def test_kept_copy_removed_under_a_reader_is_fetched_again(fetches):
    _, _, version = _publish()
    kept_copies.open_copy(version).close()
    kept_copies.copy_path(version).unlink()  # as a remover in another process would
    with kept_copies.open_copy(version) as handle:
        data = handle.read()
    assert (hashlib.sha256(data).hexdigest(), fetches) == (
        version.checksum,
        [version.storage_key, version.storage_key],
    )


def test_kept_copies_off_reads_a_temporary_copy_each_time(fetches, settings):
    settings.DATASETS_S3_CACHE_MB = 0
    _, dataset, version = _publish()
    client = Client()
    for _ in range(2):
        assert client.get(f"/api/v1/datasets/{dataset.slug}/versions/1/rows").status_code == 200
    assert (fetches, list(kept_copies.copy_path(version).parent.iterdir())) == (
        [version.storage_key] * 2,
        [],
    )
