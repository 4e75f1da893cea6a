"""Spark reads versions on S3-compatible storage where they are (moto's S3 server on
127.0.0.1): the executors open the object themselves; the web process downloads nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from datacollab.dataplane import location
from tests.datasets.test_storage_s3 import _publish

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
