"""The arrow scan against the DuckDB scan, on generated cells and files.

The arrow scan (validation/arrowscan.py) clears rows with the bulk proofs of
validation/bulk.py and leaves the others to the SQL. A proof may reject a good cell (the
SQL then reads it), but it must never accept a cell the SQL rejects, or read it to another
value: the first tests check that one-sided rule cell by cell, the last ones that whole
files give the same report whichever scan reads them.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacollab.datasets.tableschema import parse_schema
from datacollab.datasets.validation import arrowscan, connect, validate
from datacollab.datasets.validation.bulk import field_prover
from datacollab.datasets.validation.checks import make_plan
from datacollab.datasets.validation.records import record_map

FIELDS: dict[str, dict[str, Any]] = {
    "integer": {"type": "integer", "constraints": {"minimum": -5, "maximum": 1000}},
    "integer_enum": {"type": "integer", "constraints": {"enum": [1, 2, 30, True]}},
    "integer_na": {"type": "integer", "missingValues": ["", "NA", "0"],
                   "constraints": {"required": True}},
    "number": {"type": "number", "constraints": {"minimum": -90, "exclusiveMaximum": 90.5}},
    "string": {"type": "string", "constraints": {"minLength": 2, "maxLength": 4,
                                                 "enum": ["ab", "çé", "abcd", "a\nb", 5]}},
    "pattern": {"type": "string", "constraints": {"pattern": "CB-[0-9]{3}|x.y"}},
    "fixed": {"type": "string", "constraints": {"pattern": "CB-[0-9]{3}"}},
    "fixed_classes": {"type": "string", "constraints": {"pattern": "[A-Z]{2}_[a-f0-9]{2}-"}},
    "boolean": {"type": "boolean", "trueValues": ["yes", "1"], "falseValues": ["no", "1"]},
    "datetime": {"type": "datetime", "constraints": {"required": True}},
    "date": {"type": "date"},
    "any": {"type": "any"},
}  # fmt: skip

_EDGES = [
    "", " ", "0", "-0", "00", "007", "-", "--1", "+1", "1-", "1.", ".5", "-.5", ".", "1.2.3",
    "1e5", "inf", "nan", "NaN", " 1", "1 ", "1_0", "٣", "１", "17.5", "-5", "-6", "1000",
    "1001", "999999999999999999", "9999999999999999999", "-999999999999999999",
    "12345678901234567890123456789012", "1234567890123456789012345678901234", "89.99999",
    "90.5", "90.49999999999999999999", "-90", "-90.0000000001", "NA", "ab", "abcd", "abcde",
    "çé", "a\nb", "a", "5", "CB-123", "CB-12", "CB-123\n", "CB-1234", "x\ny", "xzy", "yes",
    "no", "1", "true", "2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z", "2024-04-31 10:00:00",
    "2024-04-30 23:59:59", "0000-01-01T00:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
    "2024-01-01T24:00:00", "2024-01-01T23:60:00", "2024-01-01T23:00:60", "2024-01-01t10:00:00",
    "2024-01-01T10:00:00z", "2024-01-01T10:00:00+00:00", "2024-1-01T10:00:00Z",
    "2024-01-01X10:00:00Z", " 2024-01-01T10:00:00", "2024-01-01", "2024-02-29", "2023-02-29",
    "1900-02-29", "2000-02-29", "2024-13-01", "2024-00-10", "2024-12-00", "0000-12-01",
    "2024-01-01 ", "٢٠٢٤-01-01", "2024/01/01", "cb-123", "CB-١٢٣", "AB_f0-", "AB_g0-", "AB_f0",
    "Ab_f0-", "AB_ff-\n", "👍🏽", "e\u0301", "ab\u0301",
]  # fmt: skip


def _sql_verdicts(f: dict[str, Any], cells: list[str]) -> list[tuple[bool, Any]]:
    """(no rule broken, key value) of each cell by the SQL of the DuckDB scan."""
    schema = parse_schema({"fields": [{"name": "x", **f, "constraints": {
        **f.get("constraints", {}), "unique": True}}]})  # fmt: skip
    plan = make_plan(schema, ["x"], extra=1)
    base = "(SELECT NULL::BIGINT AS _j, c1, NULL::VARCHAR AS c2 FROM (SELECT unnest(?) AS c1))"
    flags = " OR ".join(check.sql for check in plan.checks) or "false"
    key = plan.key_sql()[0].rsplit(" AS ", 1)[0]
    rows = connect().execute(f"SELECT {flags}, {key} FROM ({plan.layer1(base)})", [cells])
    return [(not broken, value) for broken, value in rows.fetchall()]


def _disagreements(name: str, cells: list[str]) -> list[tuple[str, Any, Any]]:
    f = FIELDS[name]
    field = parse_schema({"fields": [{"name": "x", **f}]}).fields[0]
    keyed = name not in ("datetime", "date")
    prover = field_prover(field, need_value=keyed)
    assert prover is not None
    good, value, _ = prover.prove(pa.array(cells, pa.string()))
    values = value.to_pylist() if value is not None and keyed else [None] * len(cells)
    found = []
    for cell, proven, bulk_value, (ok, sql_value) in zip(
        cells, good, values, _sql_verdicts(f, cells), strict=True
    ):
        if proven and (not ok or (keyed and bulk_value != sql_value)):
            found.append((cell, bulk_value, sql_value))
    return found


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_bulk_proof_accepts_no_cell_the_sql_rejects(name: str) -> None:
    assert _disagreements(name, _EDGES) == []


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(sorted(FIELDS)),
    st.lists(st.text(alphabet="0123456789-.:TZ +e_NACB\n", max_size=22), max_size=40),
)
def test_bulk_proof_agrees_with_the_sql_on_random_cells(name: str, cells: list[str]) -> None:
    assert _disagreements(name, cells) == []


def _iso_cells() -> list[str]:
    """Every month 00-13 and day 00-32 of leap, common and zero years, each character of
    a good cell replaced, in the three widths the proof reads."""
    cells = set()
    for year, month, day in itertools.product(
        ("0000", "0001", "1900", "2000", "2023", "2024"), range(14), range(33)
    ):
        cells.add(f"{year}-{month:02d}-{day:02d}")
        cells.add(f"{year}-{month:02d}-{day:02d}T23:59:59Z")
    base = "2024-02-28T13:45:56Z"
    for position, char in itertools.product(range(len(base)), " +-:T0Z9/a"):
        cells.add(base[:position] + char + base[position + 1 :])
    cells |= {cell[:-1] for cell in list(cells)} | {cell[:10] for cell in list(cells)}
    return sorted(cells)


@pytest.mark.parametrize("name", ["datetime", "date"])
def test_iso_proof_agrees_with_the_sql_on_every_generated_day(name: str) -> None:
    cells = _iso_cells()

    assert len(cells) > 5000
    assert _disagreements(name, cells) == []


@pytest.mark.parametrize(
    ("name", "cells"),
    [
        ("integer", ["12", "-3", "007", "1000"]),
        ("number", ["51.5", "-0.17", "3", ".5"]),
        ("string", ["ab", "çé"]),
        ("boolean", ["yes", "no"]),
        ("datetime", ["2024-02-29T10:00:00Z", "2024-02-29 10:00:00"]),
        ("date", ["2024-02-29"]),
        ("fixed", ["CB-123", "CB-000"]),
        ("fixed_classes", ["AB_f0-"]),
    ],
)
def test_bulk_proof_clears_the_plain_spellings(name: str, cells: list[str]) -> None:
    field = parse_schema({"fields": [{"name": "x", **FIELDS[name]}]}).fields[0]
    prover = field_prover(field, need_value=False)
    assert prover is not None

    good, _, _ = prover.prove(pa.array(cells, pa.string()))

    assert good.tolist() == [True] * len(cells)


def test_bulk_proof_leaves_no_field_unread_it_cannot_prove() -> None:
    def prover(f: dict[str, Any]) -> object:
        return field_prover(parse_schema({"fields": [{"name": "x", **f}]}).fields[0],
                            need_value=True)  # fmt: skip

    assert prover({"type": "string", "format": "uuid"}) is None
    assert prover({"type": "integer", "bareNumber": False}) is None
    assert prover({"type": "number", "groupChar": ","}) is None
    assert prover({"type": "integer", "constraints": {"minimum": "5"}}) is None
    assert prover({"type": "datetime"}) is None  # a key needs a value the proof has not
    assert prover({"type": "time"}) is None


# Whole files: the arrow scan and the DuckDB scan give the same report.

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "when", "type": "datetime"},
        {"name": "share", "type": "number", "constraints": {"minimum": 0, "maximum": 1}},
        {"name": "code", "type": "string",
         "constraints": {"pattern": "[A-Z]{2}", "enum": ["AB", "CD", "A,B", 'A"B']}},
        {"name": "n", "type": "integer", "missingValues": ["", "NA"],
         "constraints": {"minimum": 0}},
        {"name": "flag", "type": "boolean"},
    ],
    "primaryKey": ["id", "code"],
}  # fmt: skip

_CELL = {
    "id": st.sampled_from(["1", "2", "3", " 4", "+5", "x", "", "6.0", "-7", "007"]),
    "when": st.sampled_from(
        ["2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z", "2024-04-31 10:00:00", "", "NA",
         "2024-01-01T24:00:00", "2024-01-01T10:00:00+05:00", "0000-01-01T00:00:00"]
    ),
    "share": st.sampled_from(["0", "1", "0.5", "1.5", "-0", "nan", "", " .5", "1e-1", "1-"]),
    "code": st.sampled_from(["AB", "CD", "EF", "ab", "", '"A,B"', '"A""B"', '"AB\r\nCD"', "NA"]),
    "n": st.sampled_from(["0", "7", "-1", "NA", "", "1_0", "٣", "abc"]),
    "flag": st.sampled_from(["true", "false", "1", "yes", "", "TRUE"]),
}  # fmt: skip


# No required field: a blank row is then caught by its own test, not by a required cell.
OPTIONAL = {**SCHEMA, "fields": [
    {**f, "constraints": {k: v for k, v in f.get("constraints", {}).items() if k != "required"}}
    for f in SCHEMA["fields"]
]}  # fmt: skip


# No key at all: the good rows are then only counted.
NO_KEYS = {"fields": [
    {**f, "constraints": {k: v for k, v in f.get("constraints", {}).items() if k != "unique"}}
    for f in OPTIONAL["fields"]
]}  # fmt: skip
# Every field text: the header itself is a good row.
TEXT = {"fields": [{"name": f["name"], "type": "string"} for f in SCHEMA["fields"]]}


def _both_scans(
    path: Path, schema: dict[str, Any] = SCHEMA
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """(report of the arrow scan where it applies, report of the DuckDB scan, how many
    times the arrow scan read the file)."""
    reads = []
    original = arrowscan.read

    def counted(*args: Any) -> Any:
        reads.append(1)
        return original(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrowscan, "read", counted)
        arrow = validate(path, schema, fmt="csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrowscan, "provers", lambda src, plan: None)
        duck = validate(path, schema, fmt="csv")
    return arrow, duck, len(reads)


def _same(arrow: dict[str, Any], duck: dict[str, Any]) -> None:
    assert arrow["tasks"][0]["errors"] == duck["tasks"][0]["errors"]
    seconds = {"seconds": arrow["tasks"][0]["stats"]["seconds"]}
    assert arrow["tasks"][0]["stats"] == duck["tasks"][0]["stats"] | seconds
    assert arrow["valid"] == duck["valid"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.fixed_dictionaries(_CELL).map(lambda row: ",".join(row.values())),
            st.sampled_from(["", "\r", ",,,,,", "1,2024-01-01T00:00:00Z", "9,,,,,,true,x,y",
                             '"8",,,"",,"true"', "a\"b,,,,,"]),
        ),
        max_size=14,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.sampled_from([SCHEMA, OPTIONAL, NO_KEYS, TEXT]),
)  # fmt: skip
def test_arrow_scan_reports_as_the_duckdb_scan(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[str],
    newline: str,
    bom: bool,
    schema: dict[str, Any],
) -> None:
    path = tmp_path_factory.mktemp("arrow") / "data.csv"
    text = newline.join(["id,when,share,code,n,flag", *lines]) + newline
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))

    arrow, duck, _ = _both_scans(path, schema)

    _same(arrow, duck)


def test_plain_csv_takes_the_arrow_scan(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        'id,when,share,code,n,flag\n1,2024-02-29T10:00:00Z,0.5,AB,NA,true\n\n2,,,"A,B",\n'
        '2,,2,CD,-1,yes,extra\n3,2023-02-29 10:00:00,,"A""B",,\n',
        encoding="utf-8",
    )

    arrow, duck, reads = _both_scans(path)

    assert reads == 1
    _same(arrow, duck)
    errors = arrow["tasks"][0]["errors"]
    assert [(e["type"], e["rowNumber"], e.get("fieldName")) for e in errors] == [
        ("blank-row", 3, None), ("primary-key", 3, None),  # the empty line
        ("constraint-error", 4, "code"), ("missing-cell", 4, "flag"),  # a short record
        ("constraint-error", 5, "share"), ("constraint-error", 5, "n"),
        ("type-error", 5, "flag"), ("extra-cell", 5, ""), ("unique-error", 5, "id"),
        ("type-error", 6, "when"), ("constraint-error", 6, "code"),  # 'A"B' read unquoted
    ]  # fmt: skip


def test_stray_quote_leaves_the_file_to_the_duckdb_scan(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('id,when,share,code,n,flag\n1,,,A"B,,\n2,,,AB,,\n', encoding="utf-8")

    arrow, duck, reads = _both_scans(path)

    assert reads == 1  # read, then dropped: the byte scan found the quoting not plain
    _same(arrow, duck)


@pytest.mark.parametrize(
    "cells",
    [b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80", b"\xff", b"a\x00b", b"\xe2\x82"],
)
def test_bytes_that_are_not_utf8_fail_alike(tmp_path: Path, cells: bytes) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"id,when,share,code,n,flag\n1,,,AB,," + cells + b"\n2,,,CD,,\n")

    outcomes = []
    for scan in ("arrow", "duckdb"):
        with pytest.MonkeyPatch.context() as patch:
            if scan == "duckdb":
                patch.setattr(arrowscan, "provers", lambda src, plan: None)
            try:
                report = validate(path, SCHEMA, fmt="csv")
                outcomes.append((report["tasks"][0]["errors"], report["stats"]["errors"]))
            except ValueError as error:
                outcomes.append(str(error))

    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (b'a,b\n1,"x"\n', True),
        (b'a,b\r\n1,"x\r\ny"\r\n', True),
        (b'a,b\n"1""2",""\n"""",3\n', True),
        (b'\xef\xbb\xbf"a",b\n1,2\n', True),
        (b'a,b\n1,x"y\n', False),
        (b'a,b\n1,"x"y\n', False),
        (b"a,b\r1,2\r", False),
        (b"a,b\n1,2\r", False),
        (b'a,b\n"1,2\n', False),  # a quote left open
    ],
)
def test_byte_scan_tells_plain_quoting(tmp_path: Path, text: bytes, plain: bool) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(text)

    found = [record_map(path, delimiter=",", block=size).plain for size in (1, 2, 3, 1 << 20)]

    assert found == [plain] * 4


def test_record_numbers_skip_the_records_arrow_could_not_use() -> None:
    import numpy as np

    numbers = arrowscan.record_numbers(np.arange(6), [2, 3, 7])

    assert numbers.tolist() == [1, 4, 5, 6, 8, 9]


def test_tsv_with_quoted_tabs_reports_as_the_duckdb_scan(tmp_path: Path) -> None:
    path = tmp_path / "data.tsv"
    path.write_text(
        'id\twhen\tshare\tcode\tn\tflag\n1\t\t0.5\t"A\tB"\t\ttrue\n2\t\t\t"CD"\tNA\tno\n'
        "2\t2024-02-30 10:00:00\t\tAB\t3\n",
        encoding="utf-8",
    )
    reads = []
    original = arrowscan.read

    def counted(*args: Any) -> Any:
        reads.append(1)
        return original(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrowscan, "read", counted)
        arrow = validate(path, SCHEMA, fmt="tsv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrowscan, "provers", lambda src, plan: None)
        duck = validate(path, SCHEMA, fmt="tsv")

    assert reads == [1]
    _same(arrow, duck)
    assert len(arrow["tasks"][0]["errors"]) == 6
