"""The main scan of validate(): planned once, and its row numbers kept either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from frictionless import Resource, Schema

from datacollab.datasets.tableschema import parse_schema
from datacollab.datasets.validation import validate
from datacollab.datasets.validation.checks import make_plan
from datacollab.datasets.validation.engine import _IN_LIST

TYPES = ["integer", "number", "string", "boolean", "date", "datetime", "time", "year"]


@pytest.mark.parametrize("kind", [*TYPES, "yearmonth"])
def test_scan_sql_of_each_type_has_no_in_list(kind: str) -> None:
    # Without an IN list the scan is planned once (no EXPLAIN beforehand to look for a join).
    schema = parse_schema(
        {"fields": [{"name": "x", "type": kind, "constraints": {"required": True}}]}
    )
    plan = make_plan(schema, ["x"], extra=2)

    sql = plan.layer1("t") + " ".join(check.sql for check in plan.checks)

    assert _IN_LIST.search(sql) is None


def _errors(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["type"], e.get("rowNumber"), e.get("fieldName"), e.get("cell"))
        for e in report["tasks"][0]["errors"]
    ]


def test_scan_with_an_in_list_in_a_literal_numbers_rows_as_frictionless(tmp_path: Path) -> None:
    # A value with "IN (" in it makes the engine check the plan for a join first.
    descriptor: dict[str, Any] = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"unique": True}},
            {"name": "op", "type": "string", "constraints": {"enum": ["x IN (1)", "y"]}},
        ]
    }
    path = tmp_path / "ops.csv"
    path.write_text('id,op\n1,x IN (1)\n2,z\n\n2,y\n3,"w\nv"\n')

    ours = validate(path, descriptor, fmt="csv")
    peer = Resource(path.name, basepath=str(tmp_path), schema=Schema.from_descriptor(descriptor))

    assert _errors(ours) == _errors(peer.validate().to_descriptor())
    assert _errors(ours) == [
        ("constraint-error", 3, "op", "z"),
        ("blank-row", 4, None, None),
        ("unique-error", 5, "id", "2"),
        ("constraint-error", 6, "op", "w\nv"),
    ]
