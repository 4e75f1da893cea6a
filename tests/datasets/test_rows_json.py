"""The rows API's JSON (rows.dumps, orjson): what the standard library wrote after
`json_safe`, for every kind of value a page holds; byte for byte but for the exponent of a
float (1e-7 where Python writes 1e-07: the same number)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
import pytz

from datacollab.datasets.rows import dumps, json_safe


def _standard(body):
    return json.dumps(json_safe(body), ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        0.1,
        1e16,
        -2.0,
        1e-7,
        float("nan"),
        float("inf"),
        float("-inf"),
        dt.datetime(2020, 1, 1),
        dt.datetime(2020, 1, 1, 12, 30, 5, 123),
        dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC),
        dt.datetime(2020, 6, 1, 12, tzinfo=pytz.UTC),
        dt.date(2020, 1, 2),
        dt.time(1, 2, 3),
        dt.time(1, 2, 3, 5),
        'é, 日本, \u2028, \x00, "quoted" / back\\slash',
        2**63 - 1,
        -(2**63),
        2**64 - 1,
        True,
        None,
        [1, "a", None],
        {"k": 1.0},
        Decimal("1.25"),
        uuid.UUID(int=7),
    ],
)
def test_rows_json_as_the_standard_library(value):
    body = {"rows": [{"v": value}], "next": None}
    assert json.loads(dumps(body)) == json.loads(_standard(body))


def test_rows_json_page_byte_for_byte():
    row = {
        "id": 7,
        "zone": "Zürich",
        "speed": 12.5,
        "pm25": float("nan"),
        "at": dt.datetime(2024, 3, 1, 8, 0, 0, 250),
        "day": dt.date(2024, 3, 1),
        "ok": False,
        "note": None,
    }
    body = {"dataset": "d", "version": 1, "rows": [row, row], "next": "http://x/?offset=2"}
    assert dumps(body) == _standard(body)


def test_rows_json_integer_past_64_bits_takes_the_standard_library():
    body = {"rows": [{"v": 2**70, "w": float("nan")}]}
    assert (dumps(body), json.loads(dumps(body))) == (
        _standard(body),
        {"rows": [{"v": 2**70, "w": None}]},
    )
