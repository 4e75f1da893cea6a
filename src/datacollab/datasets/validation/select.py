"""typed_select(): the SQL that reads a (valid) file with every column cast to its type.

The ingest worker runs it inside `COPY (...) TO 'x.parquet'` to write the typed Parquet
of a version. It reads cells exactly as validation does, so a cell that validated reads
to the value validation saw; anything else (which a valid file has none of) reads NULL.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from datacollab.datasets.tableschema import Field, parse_schema
from datacollab.datasets.validation.cells import cell_sql, missing_sql, typed_cell_sql
from datacollab.datasets.validation.checks import Plan, _ok_excludes_missing
from datacollab.datasets.validation.source import (
    _NATIVE,
    SourceError,
    _codec_name,
    check_format,
    csv_sql,
    read_labels,
    sniff,
)
from datacollab.datasets.validation.sql import ident, lit

# The Parquet type of each Table Schema type.
OUTPUT_TYPES = {
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "time": "TIME",
    "year": "INTEGER",
}


def typed_select(
    source: Path,
    schema: dict[str, Any],
    *,
    fmt: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    column_types: list[str] | None = None,
) -> str:
    """A DuckDB SELECT reading `source` with each column cast to its schema type, named
    as the schema's fields. Datetimes with an offset are stored as UTC; yearmonth as text
    'YYYY-MM'. For Parquet, pass the file's DuckDB column types when they are not all text.

    Encodings DuckDB cannot read (anything but UTF-8, ASCII and Latin-1) must first be
    converted with `transcoded()`; this raises SourceError for them.
    """
    parsed = parse_schema(schema)
    fmt = check_format(fmt)
    source = Path(source)
    n = len(parsed.fields)
    if fmt == "parquet":
        scan = f"read_parquet({lit(str(source))})"
        if column_types is None:
            column_types = parquet_types(source)
        names = ", ".join(f"#{i} AS c{i}" for i in range(1, n + 1))
        base = f"(SELECT {names} FROM {scan})"
    else:
        name = _codec_name(encoding or "utf-8")
        if name not in _NATIVE:
            raise SourceError(
                f"DuckDB cannot read {encoding}: convert the file with transcoded() first."
            )
        python_encoding = "utf-8-sig" if _NATIVE[name] == "utf-8" else _NATIVE[name]
        delimiter, skip = sniff(source, python_encoding, delimiter, fmt)
        # An empty first line is a missing header (DuckDB skips the line itself).
        header = bool(read_labels(source, python_encoding, delimiter, skip))
        base = csv_sql(
            source,
            delimiter=delimiter,
            encoding=_NATIVE[name],
            n_columns=n,
            header=header,
            skip_initial_space=skip,
        )
    # Each cell's steps, `ok` and value are computed once, as columns (the plan validation
    # uses): written inline, a cast or a regex would run once per place it appears.
    plan = Plan(list(parsed.fields), [], [], width=n, text=column_types is None)
    for i, f in enumerate(parsed.fields, start=1):
        column_type = column_types[i - 1] if column_types else "VARCHAR"
        text = column_type == "VARCHAR"
        cell = (
            cell_sql(f, f"c{i}", inline=False) if text else typed_cell_sql(f, f"c{i}", column_type)
        )
        plan.cells.append(cell)
        plan.missing.append(missing_sql(f.missing_values, f"c{i}", text=text))
        plan.ok_excludes_missing.append(_ok_excludes_missing(f, text))
    layered = plan.layer1(f"(SELECT NULL::BIGINT AS _j, * FROM {base})")
    parts = [
        f"{_typed(f, plan, i)} AS {ident(f.name)}" for i, f in enumerate(parsed.fields, start=1)
    ]
    return f"SELECT {', '.join(parts)} FROM ({layered})"


def parquet_types(source: Path) -> list[str]:
    """The DuckDB types of a Parquet file's columns, from its footer."""
    with duckdb.connect(":memory:") as con:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(source))})").fetchall()
    return [str(row[1]) for row in rows]


def _typed(f: Field, plan: Plan, i: int) -> str:
    """Field i's value where its cell is present and reads as its type, else NULL."""
    value = f"CASE WHEN {plan.present(i)} THEN v{i} END"
    if f.type == "yearmonth":
        return f"strftime({value}, '%Y-%m')"
    duck_type = plan.cells[i - 1].duck_type
    output = OUTPUT_TYPES.get(f.type) if duck_type != "VARCHAR" else None
    return f"CAST({value} AS {output or 'VARCHAR'})"
