"""validate() and typed_select(): the report's layout, row numbers, inputs and refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from frictionless import Resource, Schema

from datacollab.datasets.validation import (
    SchemaError,
    SourceError,
    connect,
    typed_select,
    validate,
)

PEOPLE: dict[str, Any] = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "name", "type": "string", "constraints": {"required": True}},
        {"name": "age", "type": "integer", "constraints": {"maximum": 120}},
    ],
    "primaryKey": ["id"],
}


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def brief(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["type"], e.get("rowNumber"), e.get("fieldName"), e.get("cell"), e["note"])
        for e in report["tasks"][0]["errors"]
    ]


def test_validate_reports_a_valid_file_in_frictionless_layout(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,age\n1,Ann,30\n2,Bob,\n")

    report = validate(path, PEOPLE, fmt="csv")

    task = report["tasks"][0]
    assert list(report) == ["valid", "stats", "warnings", "errors", "tasks"]
    assert list(task) == [
        "name", "type", "valid", "place", "labels", "stats", "warnings", "errors"
    ]  # fmt: skip
    assert report["valid"] is True
    assert report["stats"]["errors"] == 0
    assert (task["name"], task["type"], task["place"], task["labels"]) == (
        "data", "table", str(path), ["id", "name", "age"]
    )  # fmt: skip
    assert {k: task["stats"][k] for k in ("errors", "warnings", "bytes", "fields", "rows")} == {
        "errors": 0,
        "warnings": 0,
        "bytes": path.stat().st_size,
        "fields": 3,
        "rows": 2,
    }


def test_validate_lists_every_error_with_its_row_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,name,age\n1,Ann,17.5\n1,Bob,130\n\n,Cy\n4,,5,extra\n,,\n",
    )

    report = validate(path, PEOPLE, fmt="csv")

    assert report["valid"] is False
    assert brief(report) == [
        ("type-error", 2, "age", "17.5", 'type is "integer/default"'),
        ("constraint-error", 3, "age", "130", 'constraint "maximum" is "120"'),
        ("unique-error", 3, "id", "1", "the same as in the row at position 2"),
        ("primary-key", 3, None, None, "the same as in the row at position 2"),
        ("blank-row", 4, None, None, ""),
        ("primary-key", 4, None, None, 'cells composing the primary keys are all "None"'),
        ("constraint-error", 5, "id", "", 'constraint "required" is "True"'),
        ("missing-cell", 5, "age", "", ""),
        ("primary-key", 5, None, None, 'cells composing the primary keys are all "None"'),
        ("constraint-error", 6, "name", "", 'constraint "required" is "True"'),
        ("extra-cell", 6, "", "extra", ""),
        ("blank-row", 7, None, None, ""),
        ("primary-key", 7, None, None, 'cells composing the primary keys are all "None"'),
    ]
    assert report["tasks"][0]["stats"]["errorCounts"] == {
        "blank-row": 2,
        "constraint-error": 3,
        "extra-cell": 1,
        "missing-cell": 1,
        "primary-key": 4,
        "type-error": 1,
        "unique-error": 1,
    }


def test_validate_writes_each_error_exactly_as_frictionless(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,age\n1,Ann,17.5\n1,Bob\n2,Cy,3,x\n")
    resource = Resource(path.name, basepath=str(tmp_path), schema=Schema.from_descriptor(PEOPLE))

    theirs = resource.validate().to_descriptor()["tasks"][0]["errors"]
    ours = validate(path, PEOPLE, fmt="csv")["tasks"][0]["errors"]

    assert ours == theirs


def test_validate_counts_every_error_but_lists_only_the_limit(tmp_path: Path) -> None:
    rows = "".join(f"{i},N{i},x\n" for i in range(1, 31))
    path = write(tmp_path, "id,name,age\n" + rows)

    report = validate(path, PEOPLE, fmt="csv", limit_errors=10)

    task = report["tasks"][0]
    assert len(task["errors"]) == 10
    assert [e["rowNumber"] for e in task["errors"]] == list(range(2, 12))
    assert (report["stats"]["errors"], task["stats"]["errors"]) == (30, 30)
    assert task["warnings"] == ["reached error limit: 10"]


def test_validate_numbers_rows_as_records_after_quoted_newlines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'id,name,age\n1,"Ann\nof\nthe hills",x\n2,"a, ""b""",y\n\n3,Cy,z\n',
    )

    report = validate(path, PEOPLE, fmt="csv")

    assert [(e["type"], e["rowNumber"]) for e in report["tasks"][0]["errors"]] == [
        ("type-error", 2),
        ("type-error", 3),
        ("blank-row", 4),
        ("primary-key", 4),
        ("type-error", 5),
    ]
    assert report["tasks"][0]["errors"][0]["cells"] == ["1", "Ann\nof\nthe hills", "x"]


def test_validate_pads_short_rows_after_a_quoted_newline(tmp_path: Path) -> None:
    # DuckDB's parallel reader refuses this mix; validation reads it sequentially.
    path = write(tmp_path, 'id,name,age\n1,"two\nlines",3\n2,Bob\n')

    report = validate(path, PEOPLE, fmt="csv")

    assert brief(report) == [("missing-cell", 3, "age", "", "")]


def test_validate_counts_many_extra_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,age\n1,Ann,3," + ",".join("x" * 40) + "\n")

    report = validate(path, PEOPLE, fmt="csv")

    errors = report["tasks"][0]["errors"]
    assert [e["fieldNumber"] for e in errors] == list(range(4, 44))
    assert {e["type"] for e in errors} == {"extra-cell"}


def test_validate_reads_unicode_labels_and_cells(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "município", "type": "string"}, {"name": "população"}]}
    path = write(tmp_path, "município,população\nSão Paulo,١٢\n東京,👍🏽\n")

    report = validate(path, {**schema, "fields": [schema["fields"][0], {
        "name": "população", "type": "integer"}]}, fmt="csv")  # fmt: skip

    assert brief(report) == [("type-error", 3, "população", "👍🏽", 'type is "integer/default"')]


def test_validate_reads_tsv(tmp_path: Path) -> None:
    path = write(tmp_path, "id\tname\tage\n1\tAnn, Bo\t3\n2\tCy\tx\n", name="data.tsv")

    report = validate(path, PEOPLE, fmt="tsv")

    assert brief(report) == [("type-error", 3, "age", "x", 'type is "integer/default"')]


def test_validate_reads_parquet_text_as_csv_and_typed_columns_natively(tmp_path: Path) -> None:
    text = pa.table({"id": ["1", "1", None], "name": ["Ann", "Bob", "Cy"], "age": ["3", "x", "4"]})
    typed = pa.table({"id": [1, 1, None], "name": ["Ann", "Bob", "Cy"], "age": [3.0, 4.5, 4.0]})
    pq.write_table(text, tmp_path / "text.parquet")
    pq.write_table(typed, tmp_path / "typed.parquet")

    from_text = validate(tmp_path / "text.parquet", PEOPLE, fmt="parquet")
    from_typed = validate(tmp_path / "typed.parquet", PEOPLE, fmt="parquet")

    keys = [
        ("type-error", 3, "age"),
        ("unique-error", 3, "id"),
        ("primary-key", 3, None),
        ("constraint-error", 4, "id"),
        ("primary-key", 4, None),
    ]
    assert [e[:3] for e in brief(from_text)] == keys
    assert [e[:3] for e in brief(from_typed)] == keys
    assert from_typed["tasks"][0]["errors"][0]["cell"] == "4.5"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [("latin-1", "id,name,age\n1,José,x\n"), ("cp1252", "id,name,age\n1,€uro,x\n"),
     ("utf-16", "id,name,age\n1,Zoë,x\n"), ("utf-8-sig", "id,name,age\n1,Zoë,x\n")],
)  # fmt: skip
def test_validate_reads_declared_encodings(tmp_path: Path, encoding: str, text: str) -> None:
    path = write(tmp_path, text, encoding=encoding)

    report = validate(path, PEOPLE, fmt="csv", encoding=encoding)

    assert report["tasks"][0]["labels"] == ["id", "name", "age"]
    assert report["tasks"][0]["errors"][0]["cells"] == text.splitlines()[1].split(",")


def test_validate_refuses_bytes_that_are_not_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"id,name,age\n1,Jos\xe9,3\n")

    with pytest.raises(SourceError) as refused:
        validate(path, PEOPLE, fmt="csv")

    assert "data.csv" in str(refused.value)


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ([], "the schema must be a JSON object with a `fields` list"),
        ({"fields": []}, "the schema must have a non-empty `fields` list"),
        ({"fields": [{"name": "a", "type": "money"}]}, "field 'a': unknown type 'money'"),
        (
            {"fields": [{"name": "a", "type": "integer", "constraints": {"pattern": "x"}}]},
            'field \'a\': constraint "pattern" is not supported by type "integer"',
        ),
        (
            {"fields": [{"name": "a"}, {"name": "a"}]},
            "field name 'a' is used more than once",
        ),
        (
            {"fields": [{"name": "a"}], "primaryKey": ["b"]},
            "primary key field 'b' is not one of the fields",
        ),
    ],
)
def test_validate_refuses_an_unusable_schema(tmp_path: Path, schema: Any, problem: str) -> None:
    path = write(tmp_path, "a\n1\n")

    with pytest.raises(SchemaError) as refused:
        validate(path, schema, fmt="csv")

    assert refused.value.problems == [problem]


@pytest.mark.parametrize(
    ("name", "content", "fmt", "message"),
    [
        ("missing.csv", None, "csv", "No such file: "),
        ("empty.csv", b"", "csv", "empty.csv is empty."),
        ("data.csv", b"a\n1\n", "xml", "Unknown format 'xml': use one of csv, tsv, parquet."),
        ("data.parquet", b"not parquet", "parquet", "Cannot read data.parquet as PARQUET"),
        ("data.csv", b"\x1f\x8b\x08\x00", "csv", "data.csv is gzip-compressed, not CSV text."),
        ("data.csv", b"PAR1\x00\x00", "csv", "data.csv is a Parquet file, not CSV text."),
        ("data.csv", b"a\n\xff\n", "csv", "data.csv is not valid UTF-8: invalid start byte."),
        ("data.csv", b"a\n" + b"x\n" * 100_000 + b"\xff\n", "csv", "Cannot read data.csv as CSV: "),
    ],
)
def test_validate_refuses_an_unreadable_file(
    tmp_path: Path, name: str, content: bytes | None, fmt: str, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(SourceError) as refused:
        validate(path, {"fields": [{"name": "a"}]}, fmt=fmt)

    assert str(refused.value).startswith(message)


def test_validate_warns_about_what_it_does_not_check(tmp_path: Path) -> None:
    schema = {
        "fields": [
            {"name": "email", "type": "string", "format": "email"},
            {"name": "tags", "type": "array"},
        ]
    }
    path = write(tmp_path, "email,tags\nnot an email,[1\n")

    report = validate(path, schema, fmt="csv")

    assert report["valid"] is True
    assert report["tasks"][0]["warnings"] == [
        'field "email": format "email" is not checked',
        'field "tags": type "array" is not checked',
    ]


def test_validate_accepts_a_file_with_a_header_only(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,age\n")

    report = validate(path, PEOPLE, fmt="csv")

    assert (report["valid"], report["tasks"][0]["stats"]["rows"]) == (True, 0)


def test_typed_select_casts_every_column_to_its_type(tmp_path: Path) -> None:
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "score", "type": "number"},
            {"name": "ok", "type": "boolean"},
            {"name": "day", "type": "date"},
            {"name": "at", "type": "datetime"},
            {"name": "clock", "type": "time"},
            {"name": "month", "type": "yearmonth"},
            {"name": "note", "type": "string"},
        ]
    }
    path = write(
        tmp_path,
        "id,score,ok,day,at,clock,month,note\n"
        '007,1_000.5,TRUE,2020-1-5,2021-03-04T05:06:07+05:30,24:00:00,2020-1,"a, b"\n'
        ",,,,,,,\n",
    )
    con = connect()

    sql = typed_select(path, schema, fmt="csv")
    types = [row[1] for row in con.execute(f"DESCRIBE {sql}").fetchall()]
    rows = con.execute(f'SELECT * REPLACE (CAST("at" AS VARCHAR) AS "at") FROM ({sql})').fetchall()

    assert types == [
        "BIGINT", "DOUBLE", "BOOLEAN", "DATE", "TIMESTAMP", "TIME", "VARCHAR", "VARCHAR"
    ]  # fmt: skip
    assert [str(v) for v in rows[0]] == [
        "7", "1000.5", "True", "2020-01-05", "2021-03-03 23:36:07", "00:00:00", "2020-01",
        "a, b",
    ]  # fmt: skip
    assert rows[1] == (None,) * 8


def test_typed_select_writes_the_parquet_of_a_valid_file(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,age\n1,Ann,30\n2,Bob,\n")
    assert validate(path, PEOPLE, fmt="csv")["valid"] is True
    target = tmp_path / "out.parquet"
    con = connect()

    con.execute(f"COPY ({typed_select(path, PEOPLE, fmt='csv')}) TO '{target}' (FORMAT parquet)")

    table = pq.read_table(target)
    assert table.schema.names == ["id", "name", "age"]
    assert table.to_pylist() == [
        {"id": 1, "name": "Ann", "age": 30},
        {"id": 2, "name": "Bob", "age": None},
    ]


def test_typed_select_refuses_an_encoding_duckdb_cannot_read(tmp_path: Path) -> None:
    path = write(tmp_path, "id\n1\n", encoding="cp1252")

    with pytest.raises(SourceError) as refused:
        typed_select(path, PEOPLE, fmt="csv", encoding="cp1252")

    assert str(refused.value) == (
        "DuckDB cannot read cp1252: convert the file with transcoded() first."
    )


def test_validate_report_is_json(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,age\n1,Ann,x\n")

    report = validate(path, PEOPLE, fmt="csv")

    assert json.loads(json.dumps(report)) == report


def test_validate_refuses_a_header_too_wide_to_check(tmp_path: Path) -> None:
    path = write(tmp_path, ",".join(f"c{i}" for i in range(5000)) + "\n")

    with pytest.raises(SourceError) as refused:
        validate(path, {"fields": [{"name": "c0"}]}, fmt="csv")

    assert str(refused.value) == "The file has 5,000 columns; at most 4,096 can be validated."


def test_validate_refuses_a_line_longer_than_the_reader_takes(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b\n1," + "x" * (9 << 20) + "\n")

    with pytest.raises(SourceError) as refused:
        validate(path, {"fields": [{"name": "a"}, {"name": "b"}]}, fmt="csv")

    assert str(refused.value).startswith("Cannot read data.csv as CSV: ")


def test_validate_keeps_row_numbers_on_a_file_read_in_parallel(tmp_path: Path) -> None:
    # Large enough for DuckDB to read in several pieces at once; rows must keep their order.
    planted = {1_234: "x", 55_555: "17.5", 123_456: "", 199_999: "-"}
    lines = ["id,name,age"]
    for i in range(2, 200_002):
        lines.append(f"{i},name {i},{planted.get(i, i % 90)}")
    path = write(tmp_path, "\n".join(lines) + "\n")

    report = validate(path, PEOPLE, fmt="csv")

    assert [(e["type"], e["rowNumber"], e["cell"]) for e in report["tasks"][0]["errors"]] == [
        ("type-error", 1_234, "x"),
        ("type-error", 55_555, "17.5"),
        ("type-error", 199_999, "-"),
    ]
    assert report["tasks"][0]["stats"]["rows"] == 200_000


def test_typed_select_reads_a_file_without_a_header_line(tmp_path: Path) -> None:
    path = write(tmp_path, "\n1,Ann,30\n")
    con = connect()

    rows = con.execute(typed_select(path, PEOPLE, fmt="csv")).fetchall()

    assert rows == [(1, "Ann", 30)]


def test_validate_lists_a_repeated_key_row_exactly_as_frictionless(tmp_path: Path) -> None:
    # The repeating row breaks no other rule, so its cells are re-read from the file.
    path = write(tmp_path, 'id,name,age\n1,"Ann, ""A""",3\n2,"multi\nline",4\n\n1,Bob,5\n')
    resource = Resource(path.name, basepath=str(tmp_path), schema=Schema.from_descriptor(PEOPLE))

    theirs = resource.validate().to_descriptor()["tasks"][0]["errors"]
    ours = validate(path, PEOPLE, fmt="csv")["tasks"][0]["errors"]

    assert ours == theirs
    assert ours[-1]["cells"] == ["1", "Bob", "5"]
