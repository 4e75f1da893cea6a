"""The rows API: its query layer (datasets/rows.py) and the endpoints under /api/datasets/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datacollab.datasets.rows import QueryError, fetch_rows, parse_query

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "firm", "type": "string"},
        {"name": "speed", "type": "number"},
        {"name": "day", "type": "date"},
        {"name": "at", "type": "datetime"},
        {"name": "ok", "type": "boolean"},
        {"name": "odd name", "type": "string"},
    ],
    "primaryKey": ["id"],
}


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    path = tmp_path / "v1.parquet"
    table = pa.table(
        {
            "id": [1, 2, 3, 4, 5],
            "firm": ["Data Cargo", "Velo", "Data Cargo", None, "Pedal & Co"],
            "speed": [12.5, 20.0, 7.25, 15.0, 20.0],
            "day": [dt.date(2024, 5, d) for d in (1, 2, 3, 4, 5)],
            "at": [dt.datetime(2024, 5, d, 8, 30) for d in (1, 2, 3, 4, 5)],
            "ok": [True, False, True, None, True],
            "odd name": ["a", "b", "c", "d", "e"],
        }
    )
    pq.write_table(table, path)
    return path


def _q(**params: str) -> dict[str, list[str]]:
    return {k: [v] for k, v in params.items()}


def _ids(parquet: Path, params: dict[str, list[str]]) -> list[int]:
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, params))
    return [row["id"] for row in page.rows]


def test_fetch_rows_defaults_all_fields_in_file_order(parquet):
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, {}))
    assert page.total == 5
    assert page.fields == ["id", "firm", "speed", "day", "at", "ok", "odd name"]
    assert page.rows[0] == {
        "id": 1,
        "firm": "Data Cargo",
        "speed": 12.5,
        "day": "2024-05-01",
        "at": "2024-05-01T08:30:00",
        "ok": True,
        "odd name": "a",
    }


def test_fetch_rows_pages_with_limit_and_offset(parquet):
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, _q(limit="2", offset="2")))
    assert (page.total, [r["id"] for r in page.rows]) == (5, [3, 4])


def test_fetch_rows_sorts_descending_then_ascending_with_file_order_breaking_ties(parquet):
    assert _ids(parquet, _q(sort="-speed,id")) == [2, 5, 4, 1, 3]
    assert _ids(parquet, _q(sort="speed")) == [3, 1, 4, 2, 5]


def test_fetch_rows_selects_fields(parquet):
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, _q(fields="odd name,id", limit="1")))
    assert page.fields == ["odd name", "id"]
    assert page.rows == [{"odd name": "a", "id": 1}]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (_q(firm="Data Cargo"), [1, 3]),
        (_q(firm__ne="Data Cargo"), [2, 4, 5]),
        (_q(speed__gt="12.5"), [2, 4, 5]),
        (_q(speed__gte="12.5"), [1, 2, 4, 5]),
        (_q(speed__lt="12.5"), [3]),
        (_q(speed__lte="12.5"), [1, 3]),
        (_q(firm__contains="&"), [5]),
        (_q(id__in="2,4,9"), [2, 4]),
        (_q(day__gte="2024-05-04"), [4, 5]),
        (_q(at__lt="2024-05-02T08:30:00"), [1]),
        (_q(ok="false"), [2]),
        (_q(id__eq="3"), [3]),
        ({"speed__gt": ["10"], "speed__lt": ["16"]}, [1, 4]),
    ],
)
def test_fetch_rows_filters_by_typed_value(parquet, params, expected):
    assert _ids(parquet, params) == expected


def test_fetch_rows_treats_an_injection_attempt_as_a_plain_value(parquet):
    params = _q(firm="x' OR '1'='1", fields="id")
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, params))
    assert (page.total, page.rows) == (0, [])


def test_parse_query_refuses_a_column_name_carrying_sql():
    with pytest.raises(QueryError) as caught:
        parse_query(SCHEMA, _q(sort='id; DROP TABLE x; --"'))
    assert caught.value.parameter == "sort"


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        (
            _q(colour="red"),
            "colour",
            "Unknown column “colour”. Columns: id, firm, speed, day, at, ok, odd name.",
        ),
        (
            _q(speed__like="1"),
            "speed__like",
            "Unknown operator “like” in speed__like. Operators: eq, ne, gt, gte, lt, lte, "
            "contains, in.",
        ),
        (_q(id="two"), "id", "id: “two” is not a whole number (column id)."),
        (
            _q(speed__gt="fast"),
            "speed__gt",
            "speed__gt: “fast” is not a valid number for column speed (e.g. 3.25).",
        ),
        (
            _q(speed="nan"),
            "speed",
            "speed: “nan” is not a valid number for column speed (e.g. 3.25).",
        ),
        (
            _q(day="2024-02-30"),
            "day",
            "day: “2024-02-30” is not a valid date for column day (e.g. 2024-05-31).",
        ),
        (
            _q(ok="perhaps"),
            "ok",
            "ok: “perhaps” is not a valid boolean for column ok (e.g. true).",
        ),
        (
            _q(speed__contains="1"),
            "speed__contains",
            "speed__contains: “contains” works on text columns only; speed is number.",
        ),
        (_q(limit="1001"), "limit", "limit must be between 1 and 1000."),
        (_q(limit="0"), "limit", "limit must be between 1 and 1000."),
        (
            _q(fields="id,secret"),
            "fields",
            "fields: unknown column “secret”. Columns: id, firm, speed, day, at, ok, odd name.",
        ),
        (
            _q(sort="-secret"),
            "sort",
            "sort: unknown column “secret”. Columns: id, firm, speed, day, at, ok, odd name.",
        ),
        ({"limit": ["1", "2"]}, "limit", "Give limit once."),
    ],
)
def test_parse_query_refuses_bad_input_naming_the_parameter(params, parameter, message):
    with pytest.raises(QueryError) as caught:
        parse_query(SCHEMA, params)
    assert (caught.value.parameter, caught.value.message) == (parameter, message)


def test_parse_query_refuses_a_negative_offset():
    with pytest.raises(QueryError) as caught:
        parse_query(SCHEMA, _q(offset="-1"))
    assert (caught.value.parameter, caught.value.message) == (
        "offset",
        "offset cannot be negative.",
    )
