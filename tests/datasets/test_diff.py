"""Version diff: schema changes and exact row counts, by key or as multisets of rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from datacollab.datasets.diff import diff_schemas, diff_versions


def _write(tmp_path: Path, name: str, columns: dict[str, list[Any]]) -> Path:
    path = tmp_path / f"{name}.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def _schema(*fields: tuple[str, str], key: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [{"name": n, "type": t} for n, t in fields]}
    if key:
        schema["primaryKey"] = key
    return schema


def test_diff_schemas_lists_added_removed_and_retyped_fields():
    old = _schema(("id", "integer"), ("km", "integer"), ("gone", "string"), key=["id"])
    new = _schema(("id", "integer"), ("km", "number"), ("new", "date"), key="id")  # type: ignore[arg-type]
    assert diff_schemas(old, new) == {
        "added": [{"name": "new", "type": "date"}],
        "removed": [{"name": "gone", "type": "string"}],
        "changed": [{"name": "km", "from": "integer", "to": "number"}],
        "primary_key": {"from": ["id"], "to": ["id"]},
    }


def test_diff_versions_by_primary_key_counts_added_removed_changed(tmp_path):
    old = _write(tmp_path, "old", {"id": [1, 2, 3, 4], "firm": ["a", "b", "c", "d"], "n": [1] * 4})
    new = _write(tmp_path, "new", {"id": [2, 3, 4, 5, 6], "firm": ["b", "C", "d", "e", "f"]})
    schema_old = _schema(("id", "integer"), ("firm", "string"), ("n", "integer"), key=["id"])
    schema_new = _schema(("id", "integer"), ("firm", "string"), key=["id"])

    result = diff_versions(old, schema_old, new, schema_new)

    assert result["rows"] == {
        "method": "primary_key",
        "key": ["id"],
        "compared_fields": ["id", "firm"],
        "from_count": 4,
        "to_count": 5,
        "added": 2,
        "removed": 1,
        "changed": 1,
        "samples": {
            "added": [{"id": 5, "firm": "e"}, {"id": 6, "firm": "f"}],
            "removed": [{"id": 1, "firm": "a"}],
            "changed": [{"key": {"id": 3}, "from": {"firm": "c"}, "to": {"firm": "C"}}],
        },
    }
    assert result["schema"]["removed"] == [{"name": "n", "type": "integer"}]


def test_diff_versions_by_key_sees_a_null_becoming_a_value_as_a_change(tmp_path):
    old = _write(tmp_path, "old", {"id": [1, 2], "v": [None, "x"]})
    new = _write(tmp_path, "new", {"id": [1, 2], "v": ["y", "x"]})
    schema = _schema(("id", "integer"), ("v", "string"), key=["id"])
    rows = diff_versions(old, schema, new, schema)["rows"]
    assert (rows["added"], rows["removed"], rows["changed"]) == (0, 0, 1)
    assert rows["samples"]["changed"] == [{"key": {"id": 1}, "from": {"v": None}, "to": {"v": "y"}}]


def test_diff_versions_without_key_is_an_exact_multiset_difference(tmp_path):
    old = _write(tmp_path, "old", {"firm": ["a", "a", "b", "c"], "n": [1, 1, 2, 3]})
    new = _write(tmp_path, "new", {"firm": ["a", "b", "b", "d"], "n": [1, 2, 2, 4]})
    schema = _schema(("firm", "string"), ("n", "integer"))

    rows = diff_versions(old, schema, new, schema, sample=5)["rows"]

    assert rows == {
        "method": "whole_row",
        "key": [],
        "compared_fields": ["firm", "n"],
        "from_count": 4,
        "to_count": 4,
        "added": 2,
        "removed": 2,
        "changed": None,
        "samples": {
            "added": [{"firm": "b", "n": 2}, {"firm": "d", "n": 4}],
            "removed": [{"firm": "a", "n": 1}, {"firm": "c", "n": 3}],
            "changed": [],
        },
    }


def test_diff_versions_with_a_changed_key_falls_back_to_whole_rows(tmp_path):
    old = _write(tmp_path, "old", {"id": [1, 2], "code": ["x", "y"]})
    new = _write(tmp_path, "new", {"id": [1, 2], "code": ["x", "z"]})
    old_schema = _schema(("id", "integer"), ("code", "string"), key=["id"])
    new_schema = _schema(("id", "integer"), ("code", "string"), key=["code"])
    rows = diff_versions(old, old_schema, new, new_schema)["rows"]
    assert (rows["method"], rows["added"], rows["removed"]) == ("whole_row", 1, 1)


def test_diff_versions_with_no_field_in_common_replaces_every_row(tmp_path):
    old = _write(tmp_path, "old", {"a": [1, 2]})
    new = _write(tmp_path, "new", {"b": ["x"]})
    rows = diff_versions(old, _schema(("a", "integer")), new, _schema(("b", "string")))["rows"]
    assert (rows["added"], rows["removed"], rows["changed"]) == (1, 2, None)
    assert rows["samples"] == {
        "added": [{"b": "x"}],
        "removed": [{"a": 1}, {"a": 2}],
        "changed": [],
    }


def test_diff_versions_identical_files_have_no_differences(tmp_path):
    columns = {"id": list(range(1000)), "v": [str(i % 7) for i in range(1000)]}
    old = _write(tmp_path, "old", columns)
    new = _write(tmp_path, "new", columns)
    schema = _schema(("id", "integer"), ("v", "string"), key=["id"])
    rows = diff_versions(old, schema, new, schema)["rows"]
    assert (rows["added"], rows["removed"], rows["changed"]) == (0, 0, 0)
