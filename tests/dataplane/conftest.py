"""One SparkSession (one JVM) per test process, shared by every Spark test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from datacollab.dataplane import spark


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    yield spark.session()
    spark.stop()
