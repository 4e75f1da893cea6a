"""Pages in file order from the Arrow table kept in memory (rows_cache): the same answer as
DuckDB's query of the file, value for value, for every type the slice serves."""

from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datacollab.datasets import rows_cache
from datacollab.datasets.rows import dumps, fetch_rows, parse_query

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "small", "type": "integer"},
        {"name": "name", "type": "string"},
        {"name": "ok", "type": "boolean"},
        {"name": "speed", "type": "number"},
        {"name": "at", "type": "datetime"},
        {"name": "on", "type": "date"},
    ]
}


def _write(path, rows=250):
    table = pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "small": pa.array([i % 7 if i % 5 else None for i in range(rows)], pa.int32()),
            "name": pa.array([f"nom-{i}-é" if i % 4 else None for i in range(rows)]),
            "ok": pa.array([i % 3 == 0 if i % 6 else None for i in range(rows)]),
            "speed": pa.array(
                [math.nan if i % 9 == 0 else (None if i % 10 == 0 else i / 3) for i in range(rows)],
                pa.float64(),
            ),
            "at": pa.array(
                [
                    dt.datetime(2024, 5, 1, 12, 30) + dt.timedelta(seconds=i, microseconds=i * 7)
                    if i % 8
                    else None
                    for i in range(rows)
                ],
                pa.timestamp("us"),
            ),
            "on": pa.array([dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(rows)]),
        }
    )
    pq.write_table(table, path, row_group_size=64)
    return path


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"offset": ["63"], "limit": ["10"]},
        {"offset": ["240"], "limit": ["100"]},
        {"offset": ["250"]},
        {"offset": ["1000000000000000"]},
        {"fields": ["at,id,speed"], "limit": ["1000"]},
    ],
)
def test_rows_slice_answers_as_the_duckdb_query(tmp_path, params):
    parquet = _write(tmp_path / "v1.parquet")
    query = parse_query(SCHEMA, params)

    kept = fetch_rows(parquet, SCHEMA, query, immutable=True)
    queried = fetch_rows(parquet, SCHEMA, query, immutable=False)

    # As JSON (NaN is not equal to itself): the answer the API sends.
    assert (kept.total, kept.fields, dumps(kept.rows)) == (
        queried.total,
        queried.fields,
        dumps(queried.rows),
    )


def test_rows_slice_is_kept_for_plain_columns_only(tmp_path):
    plain = _write(tmp_path / "plain.parquet")
    nested = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"id": [1, 2], "tags": [["a"], ["b", "c"]]}), nested)
    con = rows_cache.cursor()

    kept_plain = rows_cache.hot_table(con, plain, [f["name"] for f in SCHEMA["fields"]])
    kept_nested = rows_cache.hot_table(con, nested, ["id", "tags"])

    assert (kept_plain.arrow is not None, kept_nested.arrow) == (True, None)


def test_rows_slice_of_nested_columns_is_read_through_duckdb(tmp_path):
    nested = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"id": [1, 2], "tags": [["a"], ["b", "c"]]}), nested)
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "tags", "type": "array"}]}

    page = fetch_rows(nested, schema, parse_query(schema, {}), immutable=True)

    assert page.rows == [{"id": 1, "tags": ["a"]}, {"id": 2, "tags": ["b", "c"]}]


def test_rows_slice_filtered_and_sorted_pages_still_answer(tmp_path):
    parquet = _write(tmp_path / "v1.parquet")
    query = parse_query(SCHEMA, {"small": ["3"], "sort": ["-id"], "limit": ["2"]})

    page = fetch_rows(parquet, SCHEMA, query, immutable=True)

    assert ([r["id"] for r in page.rows], page.total) == ([248, 241], 29)


def test_rows_slice_version_too_large_for_two_copies_keeps_the_duckdb_table(tmp_path, settings):
    parquet = _write(tmp_path / "v1.parquet", rows=60_000)
    # 60,000 rows x 8 cells x 12 bytes: 5.5 MiB, which fits a budget of 8 MiB once, not twice.
    settings.DATASETS_ROWS_CACHE_MB = 8
    hot = rows_cache.hot_table(rows_cache.cursor(), parquet, [f["name"] for f in SCHEMA["fields"]])
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, {"offset": ["59999"]}), immutable=True)
    assert (hot.arrow, [r["id"] for r in page.rows], page.total) == (None, [59999], 60_000)
