"""Table Schema reading (parse_schema) and inference over the whole file (infer_schema)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from frictionless import Schema

from datacollab.datasets.tableschema import SchemaError, infer_schema, parse_schema
from datacollab.datasets.validation import validate


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def types(schema: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["type"] for f in schema["fields"]}


def test_infer_schema_decides_each_type_from_every_row(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,count,share,flag,day,at,clock,label,mixed,late\n"
        "1,0,0.5,true,2020-01-01,2021-03-04T05:06:07Z,05:06:07,a,1,1\n"
        "2,1,1,false,2020-1-5,2021-03-04 05:06:07,23:59:59,b,x,2\n"
        "3,1,1e3,TRUE,2020-12-31,2021-03-04T05:06:07+05:30,00:00:00,c,2,3\n"
        + "".join(
            f"{i},1,2,0,2020-01-01,2021-03-04T05:06:07,01:00:00,d,3,{i}\n" for i in range(4, 40)
        )
        + "40,1,2,1,2020-01-01,2021-03-04T05:06:07,01:00:00,e,3,17.5\n",
    )

    schema = infer_schema(path, fmt="csv")

    assert types(schema) == {
        "id": "integer",
        "count": "integer",  # 0 and 1 read as booleans too; integer comes first
        "share": "number",
        "flag": "boolean",
        "day": "date",
        "at": "datetime",
        "clock": "time",
        "label": "string",
        "mixed": "string",
        "late": "number",  # the last row's 17.5 decides, not a sample of the first rows
    }


def test_infer_schema_marks_required_unique_and_the_primary_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "place,station_id,name,note,score\nA,10,North,,1\nB,11,South,x,1\nC,12,East,,2\n",
    )

    schema = infer_schema(path, fmt="csv")

    assert schema == {
        "fields": [
            {
                "name": "place",
                "type": "string",
                "format": "default",
                "constraints": {"required": True, "unique": True},
            },
            {
                "name": "station_id",
                "type": "integer",
                "format": "default",
                "constraints": {"required": True, "unique": True},
            },
            {
                "name": "name",
                "type": "string",
                "format": "default",
                "constraints": {"required": True, "unique": True},
            },
            {"name": "note", "type": "string", "format": "default"},
            {
                "name": "score",
                "type": "integer",
                "format": "default",
                "constraints": {"required": True},
            },
        ],
        "missingValues": [""],
        # Named like an identifier wins over the first unique column.
        "primaryKey": ["station_id"],
    }


def test_infer_schema_takes_the_first_unique_column_without_an_id_name(tmp_path: Path) -> None:
    path = write(tmp_path, "town,people\nA,10\nB,10\n")

    assert infer_schema(path, fmt="csv")["primaryKey"] == ["town"]


def test_infer_schema_is_a_schema_frictionless_accepts_and_its_file_passes(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "id,when,amount,ok\n1,2020-01-01,1.5,true\n2,,2,false\n3,2020-02-02,,\n")

    schema = infer_schema(path, fmt="csv")

    assert Schema.from_descriptor(schema).to_descriptor()["fields"][0]["name"] == "id"
    assert validate(path, schema, fmt="csv")["valid"] is True


def test_infer_schema_names_blank_and_repeated_labels(tmp_path: Path) -> None:
    path = write(tmp_path, "a,,a\n1,2,3\n")

    assert [f["name"] for f in infer_schema(path, fmt="csv")["fields"]] == ["a", "field2", "a2"]


def test_infer_schema_keeps_integers_beyond_64_bits_as_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "big\n1\n99999999999999999999\n")

    assert types(infer_schema(path, fmt="csv")) == {"big": "number"}


def test_infer_schema_maps_parquet_types(tmp_path: Path) -> None:
    import datetime as dt

    table = pa.table(
        {
            "n": pa.array([1, 2], pa.int32()),
            "x": [1.5, None],
            "b": [True, False],
            "d": [dt.date(2020, 1, 1), dt.date(2020, 1, 2)],
            "t": [dt.datetime(2020, 1, 1, 5), dt.datetime(2020, 1, 2, 5)],
            "s": ["12", "13"],
            "l": [[1], [2]],
        }
    )
    pq.write_table(table, tmp_path / "data.parquet")

    schema = infer_schema(tmp_path / "data.parquet", fmt="parquet")

    assert types(schema) == {
        "n": "integer",
        "x": "number",
        "b": "boolean",
        "d": "date",
        "t": "datetime",
        "s": "integer",  # text columns are inferred from their text, as in CSV
        "l": "any",
    }
    assert schema["fields"][1].get("constraints") is None  # x has a null: not required


def test_parse_schema_reads_options_and_defaults() -> None:
    schema = parse_schema(
        {
            "fields": [
                {"name": "a", "type": "boolean", "trueValues": ["y"], "falseValues": ["n"]},
                {"name": "b"},
                {"name": "c", "type": "number", "groupChar": ",", "missingValues": ["-"]},
            ],
            "missingValues": ["", "NA"],
            "primaryKey": "a",
        }
    )

    a, b, c = schema.fields
    assert (a.true_values, a.false_values, a.missing_values) == (("y",), ("n",), ("", "NA"))
    assert (b.type, b.format) == ("string", "default")
    assert (c.group_char, c.decimal_char, c.missing_values) == (",", None, ("-",))
    assert schema.primary_key == ["a"]


def test_parse_schema_lists_every_problem_at_once() -> None:
    with pytest.raises(SchemaError) as refused:
        parse_schema(
            {
                "fields": [
                    {"name": "a", "type": "integer", "required": True},
                    {"name": "b", "type": "string", "constraints": {"minimum": 1}},
                    {"name": "c", "constraints": {"enum": "x"}},
                    {"type": "string"},
                ],
                "fieldsMatch": "subset",
            }
        )

    assert refused.value.problems == [
        'field \'a\': "required" should be set as "constraints.required"',
        'field \'b\': constraint "minimum" is not supported by type "string"',
        "field 'c': the `enum` constraint must be a list",
        "field 4 must be an object with a string `name`",
        'only `"fieldsMatch": "exact"` is supported (fields match by position)',
    ]
