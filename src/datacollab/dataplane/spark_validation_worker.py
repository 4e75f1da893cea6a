"""The part of Spark validation that runs in Spark's Python workers, one call per partition.

It imports neither Django nor the rest of datacollab: spark_validation.py ships it to the
workers by value (cloudpickle), so a cluster's executors need only pyarrow and duckdb.

Each partition arrives as Arrow batches of (mid, value): `mid` is Spark's
monotonically_increasing_id (the partition in the upper 31 bits, the line's position in
the partition in the lower 33) and `value` one line of the file. The lines are split into
cells as Python's csv module splits them (plain quoting only: the driver checked it), and
the very SQL of the DuckDB scan (checks.py, cells.py) is run over them by an in-process
DuckDB: the rules are written once, so the two engines cannot read a cell differently.
"""

# ruff: noqa: S608 -- the SQL comes from the driver; the one value here goes through _lit.

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_LOW_BITS = (1 << 33) - 1
# Rows gathered before DuckDB runs the checks: planning the (long) check SQL costs a few
# milliseconds, so Spark's Arrow batches (10,000 rows) are run in groups.
_GROUP_ROWS = 200_000


@dataclass(frozen=True)
class Job:
    """What the driver sends: the delimiter, the SQL statements that check a table
    `dc_parts` (_j, parts), the last one giving the rows, and their schema; per partition,
    the non-empty lines before it."""

    delimiter: str
    sql: tuple[str, ...]
    schema: pa.Schema
    before: dict[int, int]


def scan(job: Job, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    con = duckdb.connect(":memory:")
    try:
        # Validation reads datetimes in UTC (engine.connect): the casts depend on it.
        con.execute("SET TimeZone = 'UTC'")
        empties = 0  # empty lines met so far in this partition
        group: list[pa.RecordBatch] = []
        rows = 0
        for batch in batches:
            if not batch.num_rows:
                continue
            parts, empties = _parts(job, batch, empties)
            group.append(parts)
            rows += parts.num_rows
            if rows >= _GROUP_ROWS:
                yield from _checked(con, job, group)
                group, rows = [], 0
        if group:
            yield from _checked(con, job, group)
    finally:
        con.close()


def _parts(job: Job, batch: pa.RecordBatch, empties: int) -> tuple[pa.RecordBatch, int]:
    """The batch's non-empty lines as (_j, parts): _j numbers the records as DuckDB's
    reader does (empty lines skipped, 1 = the header)."""
    mid = batch.column(0).to_numpy(zero_copy_only=False).astype(np.int64)
    values = batch.column(1)
    empty = pc.fill_null(pc.equal(values, ""), True).to_numpy(zero_copy_only=False)
    empty_before = empties + np.cumsum(empty)
    partition = int(mid[0] >> 33)
    j = job.before[partition] + (mid & _LOW_BITS) - empty_before + 1
    keep = ~empty
    kept = values.filter(pa.array(keep))
    quoted = pc.match_substring(kept, '"').to_numpy(zero_copy_only=False)
    parsed: list[list[str] | None] = [None] * len(kept)
    if quoted.any():
        where = np.flatnonzero(quoted)
        texts = kept.take(pa.array(where)).to_pylist()
        for i, text in zip(where, texts, strict=True):
            # One line per record (the driver checked): csv reads it as frictionless does.
            parsed[i] = next(csv.reader([text], delimiter=job.delimiter), [])
    table = pa.record_batch(
        {
            "_j": pa.array(j[keep], pa.int64()),
            "line": kept,
            "parsed": pa.array(parsed, pa.list_(pa.string())),
        }
    )
    return table, int(empty_before[-1])


def _checked(
    con: duckdb.DuckDBPyConnection, job: Job, group: list[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    lines = pa.Table.from_batches(group)
    con.register("dc_lines", lines)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE dc_parts AS SELECT _j, CASE WHEN parsed IS NOT NULL "
            f"THEN parsed ELSE string_split(line, {_lit(job.delimiter)}) END AS parts "
            "FROM dc_lines"
        )
    finally:
        con.unregister("dc_lines")
    for statement in job.sql[:-1]:
        con.execute(statement)
    result = con.sql(job.sql[-1]).to_arrow_table()
    yield from result.cast(job.schema).to_batches()


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
