"""Schema inference over the whole file: one aggregate query decides every field's type.

For each column it counts the present cells (not missing: neither absent nor "") and,
for each candidate type, how many of them read as that type with the same SQL that
validation uses. A column takes the first candidate every present cell reads as
(integer, number, boolean, date, datetime, time), else string.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from datacollab.datasets.tableschema import Field
from datacollab.datasets.validation.cells import cell_sql
from datacollab.datasets.validation.engine import connection, readable_duckdb_error
from datacollab.datasets.validation.source import (
    SourceError,
    check_width,
    execute_scan,
    open_source,
)

CANDIDATES = ("integer", "number", "boolean", "date", "datetime", "time")
# Fields named like an identifier make the preferred primary key.
_KEY_NAME = re.compile(r"(^|[_\s-])(id|key|uuid|code)$", re.IGNORECASE)
# Only identifier-like types are marked unique: a unique price or date is a coincidence.
_UNIQUE_TYPES = ("integer", "string")
_PARQUET_TYPES = {
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIME": "time",
    "DOUBLE": "number",
    "FLOAT": "number",
    "DECIMAL": "number",
}


def infer(
    path: Path,
    *,
    fmt: str,
    encoding: str | None,
    delimiter: str | None,
    con: duckdb.DuckDBPyConnection | None,
) -> dict[str, Any]:
    with (
        open_source(path, fmt=fmt, encoding=encoding, delimiter=delimiter) as src,
        connection(con) as db,
    ):
        if src.is_text:
            labels = src.labels
            if not labels:
                raise SourceError(
                    f"The first line of {path.name} is empty: a header row is needed to infer "
                    "a schema."
                )
            types: list[str] = ["VARCHAR"] * len(labels)
            base = "(SELECT row_number() OVER () AS _j, * FROM {scan})"
            scan = src.scan_sql
            width = len(labels)
            where = "_j > 1"
        else:
            try:
                described = db.execute(f"DESCRIBE SELECT * FROM {src.scan_sql(0)}").fetchall()
            except duckdb.Error as error:
                raise SourceError(readable_duckdb_error(error, src)) from None
            check_width(len(described))
            labels = [str(r[0]) for r in described]
            types = [str(r[1]) for r in described]
            columns = ", ".join(f"#{i} AS c{i}" for i in range(1, len(labels) + 1))
            base = f"(SELECT {columns} FROM {{scan}})"
            scan = src.scan_sql
            width = 0
            where = "true"
        names = _field_names(labels)

        def run(select: str) -> tuple[Any, ...]:
            def sql(parallel: bool) -> str:
                return select.replace("{base}", base.format(scan=scan(width, parallel=parallel)))

            try:
                row = execute_scan(db, sql).fetchone()
            except duckdb.Error as error:
                raise SourceError(readable_duckdb_error(error, src)) from None
            assert row is not None
            return tuple(row)

        fields = _infer_columns(run, where, types)
    descriptors = []
    for name, (kind, present, rows, distinct) in zip(names, fields, strict=True):
        constraints: dict[str, Any] = {}
        if present and present == rows:
            constraints["required"] = True
        if kind in _UNIQUE_TYPES and present > 1 and distinct == present:
            constraints["unique"] = True
        descriptor: dict[str, Any] = {"name": name, "type": kind, "format": "default"}
        if constraints:
            descriptor["constraints"] = constraints
        descriptors.append(descriptor)
    schema: dict[str, Any] = {"fields": descriptors, "missingValues": [""]}
    keys = [
        d["name"]
        for d in descriptors
        if d.get("constraints", {}).get("unique") and d["constraints"].get("required")
    ]
    named = [k for k in keys if _KEY_NAME.search(k)]
    if named or keys:
        schema["primaryKey"] = [(named or keys)[0]]
    return schema


def _field_names(labels: list[str]) -> list[str]:
    names: list[str] = []
    for number, label in enumerate(labels, start=1):
        name, n = label or f"field{number}", 2
        while name in names:
            name, n = f"{label or 'field'}{n}", n + 1
        names.append(name)
    return names


def _infer_columns(
    run: Callable[[str], tuple[Any, ...]], where: str, types: list[str]
) -> list[tuple[str, int, int, int]]:
    """(type, present cells, rows, distinct present values) of each column: two scans."""
    aggregates = ["count(*)"]
    for i, column_type in enumerate(types, start=1):
        c = f"c{i}"
        if column_type != "VARCHAR":
            aggregates.append(f"count({c})")
            continue
        present = f"({c} IS NOT NULL AND {c} <> '')"
        checks = [cell_sql(Field(name="x", type=kind), c) for kind in CANDIDATES]
        aggregates.append(f"count(*) FILTER (WHERE {present})")
        aggregates += [f"count(*) FILTER (WHERE {present} AND {cell.ok})" for cell in checks]
    row = run(f"SELECT {', '.join(aggregates)} FROM {{base}} WHERE {where}")
    rows, position = row[0], 1
    found: list[tuple[str, int]] = []
    for column_type in types:
        if column_type != "VARCHAR":
            found.append((_parquet_type(column_type), row[position]))
            position += 1
            continue
        n_present = row[position]
        oks = row[position + 1 : position + 1 + len(CANDIDATES)]
        position += 1 + len(CANDIDATES)
        kind = "string"
        for candidate, n_ok in zip(CANDIDATES, oks, strict=True):
            if n_present and n_ok == n_present:
                kind = candidate
                break
        found.append((kind, n_present))
    distinct = []
    for i, ((kind, _), column_type) in enumerate(zip(found, types, strict=True), start=1):
        c = f"c{i}"
        if kind not in _UNIQUE_TYPES:
            distinct.append("0")
        elif column_type != "VARCHAR":
            distinct.append(f"count(DISTINCT {c})")
        else:
            value = cell_sql(Field(name="x", type=kind), c).value
            distinct.append(
                f"count(DISTINCT CASE WHEN {c} IS NOT NULL AND {c} <> '' THEN {value} END)"
            )
    counted = run(f"SELECT {', '.join(distinct)} FROM {{base}} WHERE {where}")
    return [(kind, n, rows, d) for (kind, n), d in zip(found, counted, strict=True)]


def _parquet_type(column_type: str) -> str:
    if column_type.endswith("]") or column_type.startswith(("STRUCT", "MAP", "UNION")):
        return "any"
    base = column_type.split("(")[0]
    if base in _PARQUET_TYPES:
        return _PARQUET_TYPES[base]
    if "INT" in base:
        return "integer"
    if base.startswith("TIMESTAMP"):
        return "datetime"
    if base == "VARCHAR":
        return "string"
    return "any"
