"""Spark reads versions on S3-compatible storage where they are (moto's S3 server on
127.0.0.1): the executors open the object themselves; the web process downloads nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from datacollab.dataplane import location
from datacollab.privacy import services as privacy
from tests.datasets.test_storage_s3 import _publish
from tests.factories import make_user
from tests.privacy.factories import pooled_dataset

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_location_of_a_version_on_s3_is_its_object(s3_bucket):
    _, bucket = s3_bucket
    _, _, version = _publish()

    assert location.of(version) == f"s3a://{bucket}/{version.storage_key}"


def test_rows_api_on_spark_reads_the_bucket(spark_session, s3_bucket, settings):
    _, dataset, _ = _publish()
    url = f"/api/v1/datasets/{dataset.slug}/versions/1/rows"
    params = {"sort": "-speed", "limit": "2", "speed__lt": "20"}
    settings.DATA_ENGINE = "duckdb"
    duck = Client().get(url, params).json()

    jobs = len(spark_session.sparkContext.statusTracker().getJobIdsForGroup())

    settings.DATA_ENGINE = "spark"
    spark = Client().get(url, params).json()

    assert spark == duck
    assert len(spark_session.sparkContext.statusTracker().getJobIdsForGroup()) > jobs
    assert spark["rows"] == [
        {"id": 1, "vehicle": "bike-1", "speed": 12.5},
        {"id": 3, "vehicle": "bike-3", "speed": 7.25},
    ]


# Every folder local_copy makes (datasets/storage.py) starts so; the audit hook sees the OS
# call, so the test watches the machine boundary rather than replacing any of our code.
_COPY_PREFIX = "datacollab-version-"
_copies: list[str] | None = None


def _watch(event: str, args: tuple[Any, ...]) -> None:
    if _copies is not None and event == "os.mkdir" and _COPY_PREFIX in str(args[0]):
        _copies.append(str(args[0]))


sys.addaudithook(_watch)


@pytest.fixture
def local_copies() -> Iterator[list[str]]:
    global _copies
    _copies = []
    try:
        yield _copies
    finally:
        _copies = None


MEDIAN = {
    "dimensions": [{"column": "zone"}],
    "measures": [{"function": "count"}, {"function": "quantile", "column": "speed", "q": 0.5}],
}


def test_quantiles_on_spark_read_the_bucket_without_a_local_copy(
    spark_session, s3_bucket, settings, local_copies
):
    _, bucket = s3_bucket
    dataset, owner = pooled_dataset()
    planner = make_user()
    privacy.grant_aggregates(actor=owner, dataset=dataset, user=planner)
    settings.DATA_ENGINE = "spark"
    jobs = len(spark_session.sparkContext.statusTracker().getJobIdsForGroup())

    answer = privacy.run_aggregate_query(actor=planner, dataset=dataset, query=MEDIAN)

    assert location.of(answer.release.version).startswith(f"s3a://{bucket}/")
    assert [cell.key for cell in answer.result.cells] == [("Z0",), ("Z1",), ("Z2",)]
    # Which cells the noisy threshold keeps varies; the histograms were read either way.
    assert answer.result.measures == ["count", "p50(speed)"]
    assert answer.result.protections["quantile"]["bins"] == 32
    assert len(spark_session.sparkContext.statusTracker().getJobIdsForGroup()) > jobs
    assert local_copies == []


def test_quantiles_on_duckdb_copy_the_version_from_the_bucket(s3_bucket, settings, local_copies):
    # The other side of the test above: the watch does see DuckDB's copy.
    dataset, owner = pooled_dataset()
    settings.DATA_ENGINE = "duckdb"

    privacy.run_aggregate_query(actor=owner, dataset=dataset, query=MEDIAN)

    assert len(local_copies) == 1
