"""The portable hash's definition, on DuckDB: the first 60 bits of the MD5 of one text form.

Spark computes the same numbers (test_bounds_that_bind.py compares the engines); here the
text forms and the number are pinned against Python's own MD5, so neither engine can drift.
"""

from __future__ import annotations

import hashlib
from typing import Any

import duckdb
import pytest
from sqlglot import exp

from datacollab.privacy.engine import sql

pytestmark = [pytest.mark.db_independent]


def _duckdb(expression: exp.Expression, select: str) -> Any:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    statement = exp.select(expression.as_("v")).from_(exp.paren(exp.maybe_parse(select)).as_("t"))
    return con.execute(sql.render(statement)).fetchone()[0]  # type: ignore[index]


@pytest.mark.parametrize(
    ("value", "kind", "width", "text"),
    [
        ("'Z1'", "string", None, "Z1"),
        ("CAST(NULL AS VARCHAR)", "string", None, "~"),
        ("CAST(17 AS BIGINT)", "integer", None, "17"),
        ("DATE '2024-03-05'", "date", None, "2024-03-05"),
        ("TIMESTAMPTZ '2024-03-04 00:00:00+00'", "timestamp", None, "1709510400000000"),
        ("DATE_TRUNC('week', DATE '2024-03-05')", "timestamp", None, "1709510400000000"),
        ("TRUE", "boolean", None, "1"),
        ("FALSE", "boolean", None, "0"),
        ("FLOOR(12.75 / 2.5) * 2.5", "bin", 2.5, "5"),
        ("FLOOR(-3 / 4) * 4", "bin", 4.0, "-1"),
        ("CAST(1001.0 AS DOUBLE)", "number", None, "1001"),
    ],
)
def test_text_of_prints_each_kind_of_key_in_one_form(value, kind, width, text):
    form = sql.text_of(exp.column("k"), kind, width)

    assert _duckdb(form, f"SELECT {value} AS k") == text


def test_portable_hash_is_the_first_60_bits_of_the_md5_of_the_salted_text():
    parts = [sql.text_of(exp.column("k"), "string"), sql.text_of(exp.column("h"), "integer")]

    number = _duckdb(sql.portable_hash(parts, 42), "SELECT 'bike-3' AS k, 7 AS h")

    assert number == int(hashlib.md5(b"42|bike-3|7", usedforsecurity=False).hexdigest()[:15], 16)
