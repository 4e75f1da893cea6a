"""Each type's cell rule in SQL against frictionless-py's own field reader, cell by cell.

frictionless reads a cell with a Python function per type (int(), Decimal(), strptime,
dateutil's isoparse); validation does the same in one DuckDB expression per column. These
tests feed both the same awkward cells and require the same verdict, then fuzz the
number rules with random strings.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from frictionless import Field as FrictionlessField

from datacollab.datasets.tableschema import parse_schema
from datacollab.datasets.validation import connect
from datacollab.datasets.validation.cells import cell_sql

CELLS: dict[str, list[str]] = {
    "integer": [
        "1", "-1", "+1", " 1 ", "\t7\n", "1.0", "17.5", "1e3", "1_000", "1__0", "_1", "1_",
        "٣٤", "０", "007", " ", "abc", "1 0", "+-1", "--1", "0x10", "\xa01\u3000", "1,000",
        "2.", "NaN", "9223372036854775807", "-9223372036854775808",
    ],
    "number": [
        "1", "1.5", "-1.5", "+.5", "5.", ".", "1e5", "1E-5", "1e", "e5", "inf", "-Infinity",
        "INF", "nan", "NaN12", "sNaN", "-nan", "1_000.5", "_1", "1__0", "1.2.3", " 2.5 ",
        "١.٥", "abc", "1,5", "0x10", "1e1_0", "infinit", "++1", "+-1", "1 e5", "0x1p3",
    ],
    "boolean": [
        "true", "True", "TRUE", "1", "false", "False", "FALSE", "0", "yes", "no", "t",
        " true", "tRue",
    ],
    "date": [
        "2020-01-01", "2020-1-1", "2020-01-1", "2020-1-01", "2020-02-30", "2020-02-29",
        "2021-02-29", "2020-13-01", "2020-00-01", "0000-01-01", "0999-12-31", "20200101",
        " 2020-01-01", "2020-01-01 ", "2020-01- 5", "2020-01-32", "2020/01/01",
        "99999-01-01", "2020-01-01T00:00:00", "abc",
    ],
    "datetime": [
        "2021-03-04T05:06:07", "2021-03-04T05:06:07Z", "2021-03-04 05:06:07",
        "2021-03-04T05:06:07.123", "2021-03-04T05:06:07,5", "2021-03-04T05:06:07.1234567",
        "2021-03-04T05:06:07+05:30", "2021-03-04T05:06:07+0530", "2021-03-04T05:06:07+05",
        "2021-03-04T05:06:07-00:00", "2021-03-04T05:06:07z", "2021-03-04T24:00:00",
        "2021-03-04T24:00:01", "2021-03-04T23:60:00", "2021-03-04T23:59:60",
        "2021-03-04T05:06", "2021-03-04", "2021-02-30T05:06:07", "2020-02-29T05:06:07",
        "2021-03-04x05:06:07", "2021-03-04T05:06:07+24:00", "2021-03-04T05:06:07+05:60",
        "2021-03-04T05:06:07.", "0000-03-04T05:06:07", "2021-03-04T05:06:07 ",
        "2021-03-04T05:06:07+05:30:00", "2021-13-04T05:06:07", "2021-04-31T05:06:07",
    ],
    "time": [
        "05:06:07", "05:06:07Z", "05:06:07.5", "05:06:07,25", "05:06:07+05:30",
        "05:06:07+0530", "24:00:00", "24:00:01", "23:59:60", "5:06:07", "05:06", "05:06:7",
        "25:00:00", "05:06:07.", "05:06:07.1234567", " 05:06:07", "abc",
    ],
    "year": ["2020", "0000", "9999", "020", "20200", " 202", "-123", "+123", "1_23", "abcd",
             "٢٠٢٠", "20.0"],
    "yearmonth": ["2020-01", "2020-1", "2020-13", "2020-00", "2020", "2020-01-01",
                  " 2020-01", "2020- 1", "-5-3", "+5-3", "abc-01"],
    "string": ["x", " ", "ünï", "two\nlines"],
}  # fmt: skip


def frictionless_reads(kind: str, cell: str) -> bool:
    field = FrictionlessField.from_descriptor({"name": "x", "type": kind})
    _, notes = field.read_cell(cell)
    return not (notes and "type" in notes)


def ours_read(con: duckdb.DuckDBPyConnection, kind: str, cells: list[str]) -> dict[str, bool]:
    field = parse_schema({"fields": [{"name": "x", "type": kind}]}).fields[0]
    sql = cell_sql(field, "c")
    rows = con.execute(
        f"SELECT c, coalesce({sql.ok}, false) FROM (SELECT unnest(?::VARCHAR[]) AS c)", [cells]
    ).fetchall()
    return dict(rows)


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_cell_rule_matches_frictionless_reader(kind: str) -> None:
    con = connect()
    cells = CELLS[kind]

    got = ours_read(con, kind, cells)

    expected = {cell: frictionless_reads(kind, cell) for cell in cells}
    assert got == expected


def test_cell_rule_refuses_integers_beyond_64_bits_unlike_frictionless() -> None:
    con = connect()

    got = ours_read(con, "integer", ["9223372036854775808", "99999999999999999999"])

    # A deliberate difference: Parquet stores an integer field as BIGINT.
    assert got == {"9223372036854775808": False, "99999999999999999999": False}
    assert frictionless_reads("integer", "99999999999999999999") is True


def test_cell_rule_catches_the_cast_that_rounds() -> None:
    con = connect()

    rounded = con.execute("SELECT TRY_CAST('17.5' AS INTEGER)").fetchone()
    got = ours_read(con, "integer", ["17.5"])

    assert rounded == (18,)
    assert got == {"17.5": False}


def _decimal_reads(text: str) -> bool:
    try:
        Decimal(text.strip())
    except ArithmeticError:
        return False
    return True


@pytest.mark.parametrize("kind", ["number", "integer"])
def test_cell_rule_matches_python_on_random_strings(kind: str) -> None:
    rng = random.Random(20250601)
    alphabet = "0123456789.+-eE_ xXinfaINFA\t٣"
    cells = sorted(
        {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(20000)}
    )
    con = connect()

    got = ours_read(con, kind, cells)

    python: dict[str, bool] = {}
    for cell in cells:
        if kind == "number":
            python[cell] = _decimal_reads(cell)
        else:
            try:
                python[cell] = abs(int(cell.strip())) < 2**63
            except ValueError:
                python[cell] = False
    assert {c for c in cells if got[c] != python[c]} == set()


def test_cell_value_reads_what_frictionless_reads() -> None:
    con = connect()
    cases: list[tuple[str, str, Any]] = [
        ("integer", " +007 ", 7),
        ("integer", "٣٤", 34),
        ("number", "1_000.5", 1000.5),
        ("date", "2020-1-5", "2020-01-05"),
        ("datetime", "2021-03-04T05:06:07+05:30", "2021-03-03 23:36:07"),
        ("datetime", "2021-03-04T24:00:00", "2021-03-05 00:00:00"),
        ("time", "05:06:07,25+05:00", "05:06:07.250000"),
        ("year", " 202", 202),
        ("yearmonth", "2020-1", "2020-01-01"),
        ("boolean", "TRUE", True),
    ]
    got = []
    for kind, cell, _ in cases:
        field = parse_schema({"fields": [{"name": "x", "type": kind}]}).fields[0]
        sql = cell_sql(field, "c")
        (value,) = con.execute(
            f"SELECT {sql.value} FROM (SELECT ?::VARCHAR AS c)", [cell]
        ).fetchone() or (None,)
        got.append(str(value) if kind in ("date", "datetime", "time", "yearmonth") else value)

    assert got == [expected for _, _, expected in cases]
