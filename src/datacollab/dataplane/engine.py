"""Which engine runs a version's data operations: DuckDB in this process, or Spark.

One chooser for the aggregate service and the rows query, so a version never has its rows
read by one engine and its aggregates by the other.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DUCKDB = "duckdb"
SPARK = "spark"


def engine_for(version_or_row_count: Any) -> str:
    """`duckdb` or `spark` for a DatasetVersion (its `row_count`) or a row count."""
    chosen = getattr(settings, "DATA_ENGINE", DUCKDB)
    if chosen != "auto":
        return str(chosen)
    rows = getattr(version_or_row_count, "row_count", version_or_row_count)
    # Below the threshold Spark's fixed cost (a job's scheduling, ~0.2 s even warm) is more
    # than DuckDB's whole query: see docs/benchmarks.md ("bench/spark.py").
    return SPARK if int(rows or 0) >= settings.DATA_ENGINE_SPARK_MIN_ROWS else DUCKDB
