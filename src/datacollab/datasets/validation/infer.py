"""Schema inference over the whole file: a sample rules types out, one scan decides.

A column takes the first candidate type (integer, number, boolean, date, datetime,
time) that every present cell (neither absent nor "") reads as, with the same rules
validation applies (cells.py), else string. Testing six rules on every cell is costly
(a failing cast or a Unicode-aware regex per cell and per type), but one cell that does
not read as a type rules that type out for the whole column, so:

1. the first SAMPLE_ROWS rows are read with every rule: a type any of their cells fails
   is out (for most columns all but one or two are: a text column needs no more tests);
2. one scan over every row counts, per column, the present cells, an approximate count
   of distinct values, and for each type still in, the present cells that fail its rule
   (each rule tries its fast path first, so a cell that reads costs one cast or regex);
3. only columns that may be unique (integer or string, the approximate count close to
   the present cells) get an exact count of distinct values, in a third scan.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
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
# Rows read with every rule first; any subset of the rows would do (a cell that fails a
# rule rules the type out), the first rows cost least to read.
SAMPLE_ROWS = 10_000
# Fields named like an identifier make the preferred primary key.
_KEY_NAME = re.compile(r"(^|[_\s-])(id|key|uuid|code)$", re.IGNORECASE)
# Only identifier-like types are marked unique: a unique price or date is a coincidence.
_UNIQUE_TYPES = ("integer", "string")
# A column is counted exactly for uniqueness only when its approximate distinct count
# (HyperLogLog, a few per cent off) reaches this share of its present cells.
_MAYBE_UNIQUE = 0.9
_PARQUET_TYPES = {
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIME": "time",
    "DOUBLE": "number",
    "FLOAT": "number",
    "DECIMAL": "number",
}


@dataclass
class _Column:
    """What the scans found about one column."""

    text: bool  # read as text (CSV, or a Parquet string column): its type is inferred
    kind: str = "string"
    present: int = 0
    candidates: list[str] = field(default_factory=list)  # types the sample left in
    approx_distinct: int | None = None  # None: not counted (the sample ruled it out)
    distinct: int = 0


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

            def base(parallel: bool) -> str:
                # The header row is skipped by the reader: no row numbers needed, so the
                # scan runs on every thread.
                return src.scan_sql(len(labels), parallel=parallel, header=True)

        else:
            try:
                described = db.execute(f"DESCRIBE SELECT * FROM {src.scan_sql(0)}").fetchall()
            except duckdb.Error as error:
                raise SourceError(readable_duckdb_error(error, src)) from None
            check_width(len(described))
            labels = [str(r[0]) for r in described]
            types = [str(r[1]) for r in described]
            columns = ", ".join(f"#{i} AS c{i}" for i in range(1, len(labels) + 1))

            def base(parallel: bool) -> str:
                return f"(SELECT {columns} FROM {src.scan_sql(0)})"

        names = _field_names(labels)

        def run(select: str) -> tuple[Any, ...]:
            def sql(parallel: bool) -> str:
                return select.replace("{base}", base(parallel))

            try:
                row = execute_scan(db, sql).fetchone()
            except duckdb.Error as error:
                raise SourceError(readable_duckdb_error(error, src)) from None
            assert row is not None
            return tuple(row)

        rows, columns_found = _infer_columns(run, types)
    descriptors = []
    for name, column in zip(names, columns_found, strict=True):
        constraints: dict[str, Any] = {}
        if column.present and column.present == rows:
            constraints["required"] = True
        unique = column.kind in _UNIQUE_TYPES and column.present > 1
        if unique and column.distinct == column.present:
            constraints["unique"] = True
        descriptor: dict[str, Any] = {"name": name, "type": column.kind, "format": "default"}
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
    taken: set[str] = set()
    tried: dict[str, int] = {}  # label -> next suffix: a header of one repeated label stays linear
    for number, label in enumerate(labels, start=1):
        stem = label or "field"
        name, n = label or f"field{number}", tried.get(stem, 2)
        while name in taken:
            name, n = f"{stem}{n}", n + 1
        tried[stem] = n
        taken.add(name)
        names.append(name)
    return names


def _ok(kind: str, c: str) -> str:
    """Whether a present text cell reads as `kind` (the rule validation applies)."""
    return f"coalesce({cell_sql(Field(name='x', type=kind), c).ok}, false)"


def _present(c: str) -> str:
    return f"({c} IS NOT NULL AND {c} <> '')"


def _infer_columns(
    run: Callable[[str], tuple[Any, ...]], types: list[str]
) -> tuple[int, list[_Column]]:
    """The row count and what each column holds (its type, present cells, distinct
    values when it may be unique)."""
    columns = [_Column(text=t == "VARCHAR") for t in types]
    _sample(run, columns)
    aggregates = ["count(*)"]
    for i, (column, column_type) in enumerate(zip(columns, types, strict=True), start=1):
        c = f"c{i}"
        present = _present(c) if column.text else f"{c} IS NOT NULL"
        aggregates.append(f"count(*) FILTER (WHERE {present})")
        # Distinct values matter only to a column that may end integer or string.
        if _may_be_unique(column, column_type):
            aggregates.append(f"approx_count_distinct({c}) FILTER (WHERE {present})")
        aggregates += [
            f"count(*) FILTER (WHERE {present} AND NOT {_ok(kind, c)})"
            for kind in column.candidates
        ]
    row = iter(run(f"SELECT {', '.join(aggregates)} FROM {{base}}"))
    rows = int(next(row))
    for column, column_type in zip(columns, types, strict=True):
        column.present = int(next(row))
        if _may_be_unique(column, column_type):
            column.approx_distinct = int(next(row))
        if not column.text:
            column.kind = _parquet_type(column_type)
            continue
        failures = [next(row) for _ in column.candidates]
        passing = [k for k, n in zip(column.candidates, failures, strict=True) if not n]
        if column.present and passing:
            column.kind = passing[0]
    _count_distinct(run, columns)
    return rows, columns


def _may_be_unique(column: _Column, column_type: str) -> bool:
    """Whether the column may end as a type marked unique (integer or string) once the
    sample has ruled types out."""
    if not column.text:
        return _parquet_type(column_type) in _UNIQUE_TYPES
    return not column.candidates or "integer" in column.candidates


def _sample(run: Callable[[str], tuple[Any, ...]], columns: list[_Column]) -> None:
    """The candidate types of each text column: those no cell of the sample fails."""
    aggregates: list[str] = []
    for i, column in enumerate(columns, start=1):
        if column.text:
            c = f"c{i}"
            aggregates += [f"bool_and(NOT {_present(c)} OR {_ok(kind, c)})" for kind in CANDIDATES]
    if not aggregates:
        return
    row = run(f"SELECT {', '.join(aggregates)} FROM (SELECT * FROM {{base}} LIMIT {SAMPLE_ROWS})")
    position = 0
    for column in columns:
        if column.text:
            verdicts = row[position : position + len(CANDIDATES)]
            # bool_and over no rows is NULL: an empty file rules nothing out.
            column.candidates = [
                k for k, v in zip(CANDIDATES, verdicts, strict=True) if v is not False
            ]
            position += len(CANDIDATES)


def _count_distinct(run: Callable[[str], tuple[Any, ...]], columns: list[_Column]) -> None:
    """Exact distinct values of the columns that may be unique (integer or string)."""
    counted: list[tuple[_Column, str]] = []
    for i, column in enumerate(columns, start=1):
        if column.kind not in _UNIQUE_TYPES or column.present < 2:
            continue
        # A column whose every candidate failed after the sample ends as text with no
        # approximate count: rare, it is counted exactly.
        approx = column.approx_distinct
        if approx is not None and approx < _MAYBE_UNIQUE * column.present:
            continue
        c = f"c{i}"
        if not column.text:
            counted.append((column, f"count(DISTINCT {c})"))
            continue
        value = cell_sql(Field(name="x", type=column.kind), c).value
        counted.append((column, f"count(DISTINCT CASE WHEN {_present(c)} THEN {value} END)"))
    if not counted:
        return
    row = run(f"SELECT {', '.join(sql for _, sql in counted)} FROM {{base}}")
    for (column, _), distinct in zip(counted, row, strict=True):
        column.distinct = int(distinct)


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
