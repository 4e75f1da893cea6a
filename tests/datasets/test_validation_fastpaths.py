"""The scan's fast paths against the exact rules they short-cut, on generated edge cases.

A datetime cell is read by the first of three tiers that matches (a regex that knows the
months' lengths, one that leaves days past the 28th to a date cast, then the exact rule);
whichever tier reads it, the verdict and the value must be the exact rule's. The scan of a
CSV keeps only the rows a cheap test suspects, then computes every rule's flag over those:
on random rows of awkward cells the report must be the one the flags of every row give.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacollab.datasets.tableschema import parse_schema
from datacollab.datasets.validation import connect, validate
from datacollab.datasets.validation.cells import cell_sql, datetime_exact
from datacollab.datasets.validation.checks import Plan, make_plan
from datacollab.datasets.validation.source import csv_sql


def _datetime_cells() -> list[str]:
    """Every day 00..99 of every month 00..19 in leap, common and zero years; hours,
    minutes and seconds past their ranges (24:00, :60); each character of a valid cell
    replaced by a space, a sign, a letter or another digit; fractions and offsets."""
    cells: set[str] = set()
    for year in ("0000", "0001", "1900", "2000", "2023", "2024", "9999"):
        for month, day in itertools.product(range(20), range(100)):
            cells.add(f"{year}-{month:02d}-{day:02d}T12:00:00Z")
    for hour, minute, second in itertools.product(range(26), (0, 59, 60), (0, 59, 60, 61)):
        cells.add(f"2024-02-29T{hour:02d}:{minute:02d}:{second:02d}")
    base = "2024-02-28T13:45:56Z"
    for position, char in itertools.product(range(len(base)), " \t+-.:/Tt Zz0x٣"):
        cells.add(base[:position] + char + base[position + 1 :])
    for tail in ("", "Z", "z", "+05:30", "-00:00", "+0530", "+05", "+24:00", "-05:60", "+05:30:00"):
        for fraction in ("", ".5", ",5", ".123456", ".1234567", "."):
            cells.add(f"2024-12-31 23:59:59{fraction}{tail}")
            cells.add(f"2024-02-29T24:00:00{fraction}{tail}")
    cells |= {cell.replace("T", " ", 1) for cell in list(cells)}
    cells |= {cell[:-1] for cell in list(cells)} | {"", " ", "2024-02-28", "2024-02-28T13:45"}
    return sorted(cells)


def _tiers_against_exact(con: duckdb.DuckDBPyConnection, cells: list[str]) -> list[str]:
    field = parse_schema({"fields": [{"name": "x", "type": "datetime"}]}).fields[0]
    sql = cell_sql(field, "c")
    rows = con.execute(
        f"SELECT c, coalesce({sql.ok}, false), {sql.value}, {datetime_exact('c')} "
        "FROM (SELECT unnest(?::VARCHAR[]) AS c)",
        [cells],
    ).fetchall()
    return [c for c, ok, value, exact in rows if ok != (exact is not None) or value != exact]


def test_datetime_tiers_read_every_generated_cell_as_the_exact_rule() -> None:
    con = connect()
    cells = _datetime_cells()

    differ = _tiers_against_exact(con, cells)

    assert len(cells) > 20_000
    assert differ == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789-:T .,+Zz", min_size=8, max_size=26), max_size=50))
def test_datetime_tiers_read_random_cells_as_the_exact_rule(cells: list[str]) -> None:
    assert _tiers_against_exact(connect(), cells) == []


SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "when", "type": "datetime"},
        {"name": "share", "type": "number", "constraints": {"minimum": 0, "maximum": 1}},
        {"name": "code", "type": "string",
         "constraints": {"pattern": "[A-Z]{2}", "enum": ["AB", "CD"]}},
        {"name": "n", "type": "integer", "missingValues": ["", "NA"],
         "constraints": {"minimum": 0}},
        {"name": "flag", "type": "boolean", "constraints": {"required": True}},
    ],
    "primaryKey": ["id"],
}  # fmt: skip

_CELL = {
    "id": st.sampled_from(["1", "2", "3", " 4", "+5", "x", "", "6.0"]),
    "when": st.sampled_from(
        ["2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z", "2024-04-31 10:00:00", "", "NA",
         "2024-01-01T24:00:00", "2024-01-01T10:00:00+05:00", "0000-01-01T00:00:00"]
    ),
    "share": st.sampled_from(["0", "1", "0.5", "1.5", "-0", "nan", "inf", "", " .5", "1e-1"]),
    "code": st.sampled_from(["AB", "CD", "EF", "ab", "", "AB\n", "NA"]),
    "n": st.sampled_from(["0", "7", "-1", "NA", "", "1_0", "٣", "abc"]),
    "flag": st.sampled_from(["true", "false", "1", "yes", "", "TRUE"]),
}  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.fixed_dictionaries(_CELL).map(lambda row: ",".join(row.values())),
            st.sampled_from(["", ",,,,,", "1,2024-01-01T00:00:00Z", "9,,,,,,true,extra"]),
        ),
        max_size=12,
    )
)
def test_report_of_the_suspect_rows_is_the_report_of_every_row(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    path = tmp_path_factory.mktemp("scan") / "data.csv"
    path.write_text("id,when,share,code,n,flag\n" + "\n".join(lines) + "\n", encoding="utf-8")

    suspects = validate(path, SCHEMA, fmt="csv")
    # The reference: every row suspect, so every rule's flag is computed for every row.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Plan, "suspect_sql", lambda self: "true")
        every_row = validate(path, SCHEMA, fmt="csv")

    assert suspects["tasks"][0]["errors"] == every_row["tasks"][0]["errors"]
    assert suspects["tasks"][0]["stats"] == every_row["tasks"][0]["stats"] | {
        "seconds": suspects["tasks"][0]["stats"]["seconds"]
    }


def test_suspect_rows_are_the_broken_ones_not_those_with_optional_blanks(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "id,when,share,code,n,flag\n"
        "1,,,,,true\n"  # every optional cell blank
        "2,2024-02-29T10:00:00Z,0.5,AB,NA,false\n"  # 'NA' is a missing value of n
        "3,2023-02-29T10:00:00Z,,,,true\n"  # no such day
        "4,,2,,,true\n"  # above the maximum
        "5,,,EF,,true\n"  # not in the enum
        ",,,,,true\n",  # id is required
        encoding="utf-8",
    )
    labels = ["id", "when", "share", "code", "n", "flag"]
    plan = make_plan(parse_schema(SCHEMA), labels, extra=2)
    scan = csv_sql(path, delimiter=",", encoding="utf-8", n_columns=plan.width, header=True)
    base = f"(SELECT NULL::BIGINT AS _j, * FROM {scan})"
    query = f"SELECT c1, {plan.suspect_sql()} FROM ({plan.layer1(base)})"

    rows = connect().execute(query).fetchall()

    assert rows == [
        ("1", False), ("2", False), ("3", True), ("4", True), ("5", True), ("", True)
    ]  # fmt: skip
