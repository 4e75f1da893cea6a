"""Validation on Spark gives the report the DuckDB engine gives, file for file.

Each Spark validation costs several Spark jobs (seconds on two shared cores), so the edge
cells are batched into a few wide files, one column per field type, rather than a file
per cell; the whole-file property test keeps to a few examples.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacollab.dataplane import spark_validation
from datacollab.datasets.tableschema import SchemaError, parse_schema
from datacollab.datasets.validation import SourceError, engine
from tests.datasets.test_validation_bulk import _CELL, _EDGES, FIELDS, NO_KEYS, OPTIONAL, SCHEMA
from tests.datasets.test_validation_bulk import TEXT as TEXT_SCHEMA

# No test here touches the database: the PostgreSQL pass skips them (docs/operations.md).
pytestmark = pytest.mark.db_independent

# Every type and format the DuckDB scan reads, beside the fields of the bulk tests.
MORE_FIELDS: dict[str, dict[str, Any]] = {
    "int_unique": {"type": "integer", "constraints": {"unique": True}},
    "int_bare": {"type": "integer", "bareNumber": False},
    "num_unique": {"type": "number", "constraints": {"unique": True, "maximum": 1000}},
    "num_group": {"type": "number", "groupChar": ",", "decimalChar": "."},
    "num_decimal": {"type": "number", "decimalChar": ",", "groupChar": " "},
    "time": {"type": "time", "constraints": {"minimum": "08:00:00"}},
    "time_unique": {"type": "time", "constraints": {"unique": True}},
    "year": {"type": "year", "constraints": {"maximum": 2030}},
    "yearmonth": {"type": "yearmonth"},
    "date_fmt": {"type": "date", "format": "%d/%m/%Y"},
    "datetime_fmt": {"type": "datetime", "format": "%Y-%m-%d %H:%M"},
    "date_unique": {"type": "date", "constraints": {"unique": True, "minimum": "2000-01-01"}},
    "datetime_unique": {"type": "datetime", "constraints": {"unique": True}},
    "uuid": {"type": "string", "format": "uuid"},
    "email": {"type": "string", "format": "email"},
    "bool_required": {"type": "boolean", "constraints": {"required": True}},
    "enum_text": {"type": "string", "constraints": {"enum": ["a", "b"], "unique": True}},
    "len": {"type": "string", "constraints": {"minLength": 1, "maxLength": 3}},
}
# The casts where DuckDB's and Spark's own rules differ (TRY_CAST of '17.5' to an integer,
# '+1', spaces, exponents, NaN, impossible days): each is a cell of every field below.
CAST_EDGES = [
    "17.5", "+1", " 1 ", "1e3", "1E3", "NaN", "-nan", "Infinity", "-inf", "2024-02-30",
    "2024-02-30T10:00:00", "2023-02-29", "24:00:00", "23:59:60", "08:00", "07:59:59.999",
    "12:00:00+05:00", "1,000.5", "1 000,5", "0x1F", "1_000", "٣", "２０２４", "2024-2",
    "2024-13", "02/03/2024", "30/02/2024", "2024-01-01 10:30", "true", "FALSE", "0", "-0",
    "-0.0", "0.0", "9223372036854775807", "9223372036854775808", "a@b.c",
    "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "{6BA7B8109DAD11D180B400C04FD430C8}",
    "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", "$12", "12%", "a", "b", "abcd", "",
]  # fmt: skip

ALL_FIELDS = {**FIELDS, **MORE_FIELDS}
WIDE = {
    "fields": [{"name": name, **f} for name, f in ALL_FIELDS.items()],
    "primaryKey": ["integer", "date"],
}


@pytest.fixture(scope="session")
def spark_session_for_validation() -> Iterator[None]:
    """One SparkSession for the test process (each xdist worker has its own JVM)."""
    spark_validation.spark()
    yield


def _csv(rows: list[list[str]], *, newline: str = "\n", delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline, delimiter=delimiter)
    writer.writerows(rows)
    return out.getvalue()


def _both(
    path: Path, schema: dict[str, Any], **options: Any
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    spark, route = spark_validation.validate_with_route(path, schema, **options)
    duck = engine.validate(path, schema, engine="duckdb", **options)
    return spark, duck, route


def _same(spark: dict[str, Any], duck: dict[str, Any]) -> None:
    assert spark["tasks"][0]["errors"] == duck["tasks"][0]["errors"]
    seconds = {"seconds": spark["tasks"][0]["stats"]["seconds"]}
    assert spark["tasks"][0]["stats"] == duck["tasks"][0]["stats"] | seconds
    assert spark["stats"]["errors"] == duck["stats"]["errors"]
    assert spark["valid"] == duck["valid"]


def _edge_rows(width: int) -> list[list[str]]:
    """Every edge cell down every column, then each shifted by a row (so a column's cells
    also meet their neighbours' as keys), then a short, a long, an empty-cell row."""
    cells = [cell for cell in dict.fromkeys(_EDGES + CAST_EDGES) if "\n" not in cell]
    rows = [[cell] * width for cell in cells]
    rows += [[cells[(k + i) % len(cells)] for i in range(width)] for k in range(len(cells))]
    rows += [["1", "x"], ["1"] * (width + 3), [""] * width]
    return rows


def test_edge_cells_of_every_type_report_alike(
    tmp_path: Path, spark_session_for_validation: None
) -> None:
    path = tmp_path / "edges.csv"
    header = [f["name"] for f in WIDE["fields"]]
    path.write_text(_csv([header, *_edge_rows(len(header))]), encoding="utf-8")

    spark, duck, route = _both(path, WIDE, fmt="csv")

    assert route is None
    _same(spark, duck)
    assert duck["stats"]["errors"] > 1000  # every rule fires, and the list is cut


def test_error_list_cut_at_the_limit_as_duckdb_cuts_it(
    tmp_path: Path, spark_session_for_validation: None
) -> None:
    path = tmp_path / "edges.tsv"
    header = [f["name"] for f in WIDE["fields"]]
    rows = _edge_rows(len(header))
    path.write_text(_csv([header, *rows], newline="\r\n", delimiter="\t"), encoding="utf-8")

    spark, duck, route = _both(path, WIDE, fmt="tsv", limit_errors=37)

    assert route is None
    _same(spark, duck)
    assert len(spark["tasks"][0]["errors"]) == 37
    assert spark["tasks"][0]["warnings"][-1] == "reached error limit: 37"


@settings(max_examples=8, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.fixed_dictionaries(_CELL).map(lambda row: ",".join(row.values())),
            st.sampled_from(["", ",,,,,", "1,2024-01-01T00:00:00Z", "9,,,,,,true,x,y",
                             '"8",,,"",,"true"']),
        ),
        max_size=14,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.sampled_from([SCHEMA, OPTIONAL, NO_KEYS, TEXT_SCHEMA]),
)  # fmt: skip
def test_whole_files_report_alike(
    tmp_path_factory: pytest.TempPathFactory,
    spark_session_for_validation: None,
    lines: list[str],
    newline: str,
    bom: bool,
    schema: dict[str, Any],
) -> None:
    path = tmp_path_factory.mktemp("spark") / "data.csv"
    text = newline.join(["id,when,share,code,n,flag", *lines]) + newline
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))

    spark, duck, route = _both(path, schema, fmt="csv")

    _same(spark, duck)
    if route is not None:  # only a quoted line break sends a file to DuckDB
        assert route == "a quoted cell holds a line break"


def test_many_partitions_number_rows_as_one_file(
    tmp_path: Path, spark_session_for_validation: None
) -> None:
    # Tiny splits: row numbers, empty lines and repeated keys cross partition borders.
    path = tmp_path / "split.csv"
    rows = [["id", "when", "share", "code", "n", "flag"]]
    for k in range(400):
        rows.append([str(k % 150), "", "0.5" if k % 7 else "2", "AB", "NA" if k % 5 else "x", ""])
    text = _csv(rows).replace("\n", "\n\n", 40)
    path.write_text(text, encoding="utf-8")
    session = spark_validation.spark()
    before = session.conf.get("spark.sql.files.maxPartitionBytes")
    session.conf.set("spark.sql.files.maxPartitionBytes", "512")
    try:
        spark, route = spark_validation.validate_with_route(path, SCHEMA, fmt="csv")
        partitions = session.read.text(str(path)).rdd.getNumPartitions()
    finally:
        session.conf.set("spark.sql.files.maxPartitionBytes", before)
    duck = engine.validate(path, SCHEMA, fmt="csv", engine="duckdb")

    assert route is None
    assert partitions > 10
    _same(spark, duck)
    # share > 1 (58), n "x" (80), ids repeated (250, and as primary keys 250), the empty
    # lines (40 blank rows, each also a primary key of empty cells).
    assert spark["tasks"][0]["stats"]["errors"] == 58 + 80 + 250 + 250 + 40 + 40


NOT_PLAIN = "its quoting is not plain (a quote inside a cell, or a lone CR)"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('id,code\n1,"A\nB"\n1,AB\n', "a quoted cell holds a line break"),
        ('id,code\n1,A"B\n1,AB\n', NOT_PLAIN),
        ("id,code\r1,AB\r1,AB\r", NOT_PLAIN),
    ],
)  # fmt: skip
def test_files_spark_cannot_read_alike_go_to_duckdb_with_a_reason(
    tmp_path: Path, spark_session_for_validation: None, text: str, reason: str
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(text.encode())
    schema = {"fields": [{"name": "id", "type": "integer", "constraints": {"unique": True}},
                         {"name": "code", "type": "string"}]}  # fmt: skip

    spark, duck, route = _both(path, schema, fmt="csv")

    assert route == reason
    _same(spark, duck)
    assert spark["stats"]["errors"] == 1


def test_bytes_that_are_not_utf8_fail_as_on_duckdb(
    tmp_path: Path, spark_session_for_validation: None
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"id,code\n1,A\xffB\n")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "code", "type": "string"}]}
    messages = []

    for validate in (spark_validation.validate, engine.validate):
        with pytest.raises(SourceError) as raised:
            validate(path, schema, fmt="csv")
        messages.append(str(raised.value))

    assert messages[0] == messages[1]


def test_latin1_file_goes_to_duckdb_without_starting_a_spark_job(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,name\n1,Zoë\nx,Zoë\n".encode("latin-1"))
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}

    spark, route = spark_validation.validate_with_route(path, schema, fmt="csv", encoding="latin-1")

    assert route == "Spark reads UTF-8 text, not latin-1"
    assert spark["stats"]["errors"] == 1


def test_data_engine_setting_sends_text_files_to_spark(
    tmp_path: Path,
    spark_session_for_validation: None,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "data.csv"
    path.write_text('id,code\n1,"A\nB"\nx,AB\n', encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "code", "type": "string"}]}
    settings.DATA_ENGINE = "spark"

    with caplog.at_level(logging.INFO, logger="datacollab.dataplane.spark_validation"):
        report = engine.validate(path, schema, fmt="csv")

    assert report["stats"]["errors"] == 1
    assert caplog.messages == [
        "Validating data.csv on DuckDB, not Spark: a quoted cell holds a line break"
    ]


@pytest.mark.parametrize(
    ("choice", "minimum", "expected"),
    [("duckdb", 1, "duckdb"), ("spark", 10**9, "spark"), ("auto", 3, "spark"),
     ("auto", 5, "duckdb")],
)  # fmt: skip
def test_data_engine_chooses_by_setting_and_estimated_rows(
    tmp_path: Path, settings: Any, choice: str, minimum: int, expected: str
) -> None:
    path = tmp_path / "data.csv"
    path.write_text("id\n1\n2\n3\n", encoding="utf-8")  # four lines
    settings.DATA_ENGINE = choice
    settings.DATA_ENGINE_SPARK_MIN_ROWS = minimum

    assert spark_validation.chosen_engine(path) == expected
    assert engine._chosen(None, path, "parquet") == "duckdb"


def test_number_with_group_char_is_validated_not_refused(tmp_path: Path) -> None:
    # Found by the wide edge file: the value's SQL named a cast step the field drops.
    path = tmp_path / "grouped.csv"
    path.write_text('x\n"1,000.5"\n999\n', encoding="utf-8")
    schema = {"fields": [{"name": "x", "type": "number", "groupChar": ",",
                          "constraints": {"maximum": 1000}}]}  # fmt: skip

    report = engine.validate(path, schema, fmt="csv", engine="duckdb")

    assert [e["rowNumber"] for e in report["tasks"][0]["errors"]] == [2]


@pytest.mark.parametrize(
    "text",
    [b"id,code\n1,AB\n\n\n", b"id,code\r\n1,AB\r\n2,CD", b"\xef\xbb\xbfid,code\n\n1\n1,AB,x\n"],
)
def test_file_ends_and_empty_lines_number_rows_alike(
    tmp_path: Path, spark_session_for_validation: None, text: bytes
) -> None:
    path = tmp_path / "ends.csv"
    path.write_bytes(text)
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "code", "type": "string"}],
              "primaryKey": ["id"]}  # fmt: skip

    spark, duck, route = _both(path, schema, fmt="csv")

    assert route is None
    _same(spark, duck)


def test_both_entries_check_their_arguments_with_one_function(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id\n1\n")
    schema = {"fields": [{"name": "id", "type": "integer"}]}

    request = engine.checked(str(path), schema, fmt="csv", delimiter=";")

    assert request == engine.Request(
        path, parse_schema(schema), "csv", delimiter=";", limit_errors=engine.LIMIT_ERRORS
    )


ID = {"fields": [{"name": "id", "type": "integer"}]}


@pytest.mark.parametrize(
    ("schema", "options", "error"),
    [
        ({"fields": "id"}, {"fmt": "csv"}, SchemaError),
        (ID, {"fmt": "csv", "delimiter": ";;"}, SourceError),
        (ID, {"fmt": "xlsx"}, SourceError),
    ],
)
def test_both_entries_refuse_bad_arguments_alike_before_spark_starts(
    tmp_path: Path, schema: dict[str, Any], options: dict[str, Any], error: type[Exception]
) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id\n1\n")
    messages = []

    for validate in (spark_validation.validate, engine.validate):
        with pytest.raises(error) as raised:
            validate(path, schema, **options)
        messages.append(str(raised.value))

    assert messages[0] == messages[1]
