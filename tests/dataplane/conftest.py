"""One SparkSession (one JVM) per test process, shared by every Spark test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from datacollab.dataplane import spark

# The S3 fixtures (moto's server on loopback, a bucket as the version storage), by name.
from tests.datasets.factories_ingest import ingest_dirs_fixture  # noqa: F401
from tests.datasets.test_storage_s3 import s3_bucket, s3_endpoint  # noqa: F401


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    yield spark.session()
    spark.stop()
