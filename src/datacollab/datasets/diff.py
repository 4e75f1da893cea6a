"""What changed between two versions: schema changes and rows added, removed or changed.

Pure (no ORM), over two local Parquet files and their Table Schemas. Rows are compared on the
fields both versions share with the same type (a field whose type changed is a schema change,
not a change to every row). With the same primary key in both versions, rows are matched by
key (added, removed, changed); otherwise the versions are compared as multisets of whole rows
(DuckDB EXCEPT ALL: a row present twice before and once after counts as one removed).
SQL identifiers come from the schemas only, quoted; nothing from the request enters the SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from datacollab.datasets.rows import connect, json_safe, one, quote

SAMPLE_SIZE = 10


def _fields(schema: Mapping[str, Any]) -> dict[str, str]:
    return {f["name"]: f.get("type", "any") for f in schema.get("fields", [])}


def diff_schemas(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    before, after = _fields(old), _fields(new)
    return {
        "added": [{"name": n, "type": t} for n, t in after.items() if n not in before],
        "removed": [{"name": n, "type": t} for n, t in before.items() if n not in after],
        "changed": [
            {"name": n, "from": before[n], "to": t}
            for n, t in after.items()
            if n in before and before[n] != t
        ],
        "primary_key": {
            "from": _primary_key(old),
            "to": _primary_key(new),
        },
    }


def _primary_key(schema: Mapping[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def compared_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    before, after = _fields(old), _fields(new)
    return [n for n, t in after.items() if before.get(n) == t]


def _records(names: list[str], rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [{n: json_safe(v) for n, v in zip(names, row, strict=True)} for row in rows]


def diff_versions(
    old_path: Path,
    old_schema: Mapping[str, Any],
    new_path: Path,
    new_schema: Mapping[str, Any],
    *,
    sample: int = SAMPLE_SIZE,
) -> dict[str, Any]:
    """Exact counts of added/removed(/changed) rows and up to `sample` examples of each."""
    common = compared_fields(old_schema, new_schema)
    key = _primary_key(new_schema)
    by_key = bool(key) and key == _primary_key(old_schema) and set(key) <= set(common)
    with connect() as con:
        # Views over the relation API: the file path never enters SQL text.
        con.read_parquet(str(old_path)).create_view("old")
        con.read_parquet(str(new_path)).create_view("new")
        old_count, new_count = one(
            con, "SELECT (SELECT count(*) FROM old), (SELECT count(*) FROM new)"
        )
        rows: dict[str, Any] = {
            "method": "primary_key" if by_key else "whole_row",
            "key": key if by_key else [],
            "compared_fields": common,
            "from_count": old_count,
            "to_count": new_count,
        }
        if by_key:
            rows |= _by_key(con, key, common, sample)
        else:
            rows |= _whole_rows(con, common, sample, old_count, new_count)
    return {"schema": diff_schemas(old_schema, new_schema), "rows": rows}


def _by_key(con: Any, key: list[str], common: list[str], sample: int) -> dict[str, Any]:
    on = " AND ".join(f"old.{quote(k)} = new.{quote(k)}" for k in key)
    values = [c for c in common if c not in key]

    def one_side(mine: str, other: str) -> tuple[int, list[dict[str, Any]]]:
        unmatched = f"FROM {mine} ANTI JOIN {other} ON {on}"
        (count,) = one(con, f"SELECT count(*) {unmatched}")
        picked = con.execute(
            f"SELECT {', '.join(f'{mine}.{quote(c)}' for c in common)} {unmatched} "
            f"ORDER BY {', '.join(f'{mine}.{quote(k)}' for k in key)} LIMIT ?",
            [sample],
        ).fetchall()
        return count, _records(common, picked)

    removed, removed_sample = one_side("old", "new")
    added, added_sample = one_side("new", "old")
    changed, changed_sample = 0, []
    if values:
        differs = " OR ".join(f"old.{quote(c)} IS DISTINCT FROM new.{quote(c)}" for c in values)
        matched = f"FROM old JOIN new ON {on} WHERE {differs}"
        (changed,) = one(con, f"SELECT count(*) {matched}")
        select = ", ".join(
            [f"new.{quote(k)}" for k in key]
            + [f"old.{quote(c)}" for c in values]
            + [f"new.{quote(c)}" for c in values]
        )
        picked = con.execute(
            f"SELECT {select} {matched} ORDER BY {', '.join(f'new.{quote(k)}' for k in key)} "
            "LIMIT ?",
            [sample],
        ).fetchall()
        for row in picked:
            before = dict(zip(values, row[len(key) : len(key) + len(values)], strict=True))
            after = dict(zip(values, row[len(key) + len(values) :], strict=True))
            differing = [c for c in values if before[c] != after[c]]
            changed_sample.append(
                {
                    "key": {k: json_safe(v) for k, v in zip(key, row[: len(key)], strict=True)},
                    "from": {c: json_safe(before[c]) for c in differing},
                    "to": {c: json_safe(after[c]) for c in differing},
                }
            )
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "samples": {"added": added_sample, "removed": removed_sample, "changed": changed_sample},
    }


def _whole_rows(
    con: Any, common: list[str], sample: int, old_count: int, new_count: int
) -> dict[str, Any]:
    if not common:
        # Nothing in common: every old row is gone and every new row is new.
        samples = {}
        for side in ("old", "new"):
            result = con.execute(f"SELECT * FROM {side} LIMIT ?", [sample])  # noqa: S608
            names = [column[0] for column in result.description]
            samples[side] = _records(names, result.fetchall())
        return {
            "added": new_count,
            "removed": old_count,
            "changed": None,
            "samples": {"added": samples["new"], "removed": samples["old"], "changed": []},
        }
    cols = ", ".join(quote(c) for c in common)

    def one_side(mine: str, other: str) -> tuple[int, list[dict[str, Any]]]:
        difference = f"(SELECT {cols} FROM {mine} EXCEPT ALL SELECT {cols} FROM {other})"  # noqa: S608
        (count,) = one(con, f"SELECT count(*) FROM {difference}")  # noqa: S608
        picked = con.execute(
            f"SELECT * FROM {difference} ORDER BY ALL LIMIT ?",  # noqa: S608
            [sample],
        ).fetchall()
        return count, _records(common, picked)

    removed, removed_sample = one_side("old", "new")
    added, added_sample = one_side("new", "old")
    return {
        "added": added,
        "removed": removed,
        "changed": None,
        "samples": {"added": added_sample, "removed": removed_sample, "changed": []},
    }
