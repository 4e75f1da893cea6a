"""The rows API's query on DuckDB and on Spark: the same pages from the same file."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datacollab.datasets.rows import dumps, fetch_rows, parse_query

pytestmark = [pytest.mark.slow, pytest.mark.db_independent]

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "name", "type": "string"},
        {"name": "speed", "type": "number"},
        {"name": "day", "type": "date"},
        {"name": "at", "type": "datetime"},
        {"name": "local_at", "type": "datetime"},
        {"name": "ok", "type": "boolean"},
    ]
}


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    n = 500
    speeds: list[float | None] = [(i % 37) / 4 for i in range(n)]
    speeds[3], speeds[4], speeds[5] = math.nan, None, math.inf
    start = dt.datetime(2024, 3, 30, 22, 0, tzinfo=dt.UTC)
    table = pa.table(
        {
            "id": pa.array(range(n), pa.int64()),
            "name": pa.array([None if i % 11 == 0 else f"bike {i % 7}" for i in range(n)]),
            "speed": pa.array(speeds, pa.float64()),
            "day": pa.array([dt.date(2024, 1, 1) + dt.timedelta(days=i % 90) for i in range(n)]),
            "at": pa.array(
                [start + dt.timedelta(minutes=13 * i) for i in range(n)], pa.timestamp("us", "UTC")
            ),
            "local_at": pa.array(
                [dt.datetime(2024, 5, 1) + dt.timedelta(seconds=97 * i) for i in range(n)],
                pa.timestamp("us"),
            ),
            "ok": pa.array([i % 3 == 0 for i in range(n)]),
        }
    )
    path = tmp_path_factory.mktemp("rows") / "rows.parquet"
    # Small row groups: a page in file order spans several of them.
    pq.write_table(table, path, row_group_size=64)
    return path


QUERIES: dict[str, dict[str, list[str]]] = {
    "first page": {},
    "a page far in": {"offset": ["130"], "limit": ["70"]},
    "fields in their order": {"fields": ["speed,id,at"], "limit": ["20"]},
    "sort with nulls, NaN and ties": {"sort": ["-speed,name"], "offset": ["40"], "limit": ["50"]},
    "filters": {"speed__gte": ["2.5"], "name__contains": ["bike 3"], "limit": ["40"]},
    "not equal keeps nulls": {"name__ne": ["bike 1"], "offset": ["20"], "limit": ["30"]},
    "in": {"name__in": ["bike 2,bike 5"], "ok": ["true"]},
    "dates": {"day__lt": ["2024-01-20"], "day__gte": ["2024-01-05"], "sort": ["-day"]},
    "aware times": {"at__gte": ["2024-03-31T09:00:00"], "at__lt": ["2024-04-01T00:00:00"]},
    "naive times": {"local_at__gt": ["2024-05-01T03:00:00"], "limit": ["25"]},
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_rows_engines_give_the_same_page(spark_session, parquet, name):
    query = parse_query(SCHEMA, QUERIES[name])

    duck = fetch_rows(parquet, SCHEMA, query)
    spark = fetch_rows(parquet, SCHEMA, query, engine="spark")

    # Compared as the API writes them (rows.dumps): DuckDB's pages keep dates, times and NaN
    # as values for orjson, Spark's arrive already JSON-safe.
    assert (spark.total, spark.fields, json.loads(dumps(spark.rows))) == (
        duck.total,
        duck.fields,
        json.loads(dumps(duck.rows)),
    )


def test_rows_on_spark_are_json_values(spark_session, parquet):
    query = parse_query(SCHEMA, {"limit": ["6"]})

    page = fetch_rows(parquet, SCHEMA, query, engine="spark")

    row: dict[str, Any] = page.rows[3]
    assert row == {
        "id": 3,
        "name": "bike 3",
        "speed": None,  # NaN is not JSON
        "day": "2024-01-04",
        "at": "2024-03-30T22:39:00+00:00",
        "local_at": "2024-05-01T00:04:51",
        "ok": True,
    }
    assert page.rows[5]["speed"] is None  # nor is infinity
