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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked db_independent runs on SQLite only (the PostgreSQL pass selects it out);
    one that also asks for the database would then never be tried on PostgreSQL."""
    both = [
        item.nodeid
        for item in items
        if item.get_closest_marker("db_independent") and item.get_closest_marker("django_db")
    ]
    if both:
        raise pytest.UsageError(f"db_independent tests that use the database: {both}")
