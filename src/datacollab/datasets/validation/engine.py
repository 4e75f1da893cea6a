"""validate(): a Frictionless-compatible report from a few DuckDB queries over the file.

One scan reads every cell as text and keeps, for every row, its number, whether it
breaks any rule, its key values (unique fields, primary key) and, for the rows that
break a rule, their cells. The few broken rows are then examined in detail; uniqueness
is a GROUP BY over the kept keys. Rows are numbered as frictionless numbers them.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

import time
import uuid
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from datacollab.datasets.tableschema import Schema, parse_schema
from datacollab.datasets.validation.checks import Plan, make_plan
from datacollab.datasets.validation.header import header_errors
from datacollab.datasets.validation.report import build_report, cell_error, row_error
from datacollab.datasets.validation.source import (
    Source,
    SourceError,
    check_width,
    empty_records,
    execute_scan,
    open_source,
    read_records,
)
from datacollab.datasets.validation.sql import ident

LIMIT_ERRORS = 1000
# Extra text columns read beyond the header, to count cells a long row has too many.
_EXTRA = 2
_MAX_WIDTH = 16384
_PK_NULL = 'cells composing the primary keys are all "None"'
# Order of a row's errors, as frictionless emits them.
_CELL, _UNIQUE, _PRIMARY = 0, 1, 2


def connect(
    *, memory_limit_mb: int | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection set up for validation (UTC, limits if given)."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    if memory_limit_mb:
        con.execute(f"SET memory_limit = '{int(memory_limit_mb)}MB'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


@contextmanager
def connection(con: duckdb.DuckDBPyConnection | None) -> Iterator[duckdb.DuckDBPyConnection]:
    if con is not None:
        con.execute("SET TimeZone = 'UTC'")
        yield con
        return
    own = connect()
    try:
        yield own
    finally:
        own.close()


def validate(
    source: Path,
    schema: dict[str, Any],
    *,
    fmt: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    limit_errors: int = LIMIT_ERRORS,
) -> dict[str, Any]:
    """Validate a file against a Table Schema; return the report (frictionless layout).

    Raises SchemaError when the schema cannot be used and SourceError when the file
    cannot be read as `fmt`; every problem in the data itself is in the report.
    """
    started = time.perf_counter()
    parsed = parse_schema(schema)
    with (
        open_source(Path(source), fmt=fmt, encoding=encoding, delimiter=delimiter) as src,
        connection(con) as db,
    ):
        run = _Run(db, src, parsed, limit_errors)
        try:
            return run.report(started)
        except duckdb.Error as error:
            raise SourceError(readable_duckdb_error(error, src)) from None
        finally:
            run.drop()


def readable_duckdb_error(error: Exception, src: Source) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"Cannot read {src.original.name} as {src.fmt.upper()}: {text}"


class _Run:
    def __init__(self, con: duckdb.DuckDBPyConnection, src: Source, schema: Schema, limit: int):
        self.con, self.src, self.schema, self.limit = con, src, schema, limit
        self.tag = uuid.uuid4().hex[:12]
        self.tables: list[str] = []
        self.duplicates: dict[str, tuple[str | None, int]] = {}
        try:
            self.labels, self.column_types = self._labels()
        except duckdb.Error as error:
            raise SourceError(readable_duckdb_error(error, src)) from None

    def _labels(self) -> tuple[list[str], list[str] | None]:
        if self.src.is_text:
            return self.src.labels, None
        rows = self.con.execute(f"DESCRIBE SELECT * FROM {self.src.scan_sql(0)}").fetchall()
        check_width(len(rows))
        return [str(r[0]) for r in rows], [str(r[1]) for r in rows]

    def table(self, stem: str) -> str:
        name = f"dc_{stem}_{self.tag}"
        self.tables.append(name)
        return name

    def drop(self) -> None:
        for name in self.tables:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")

    # The scans

    def base(self, plan: Plan, *, parallel: bool = True) -> str:
        if self.src.is_text:
            scan = self.src.scan_sql(plan.width, parallel=parallel)
            return f"(SELECT row_number() OVER () AS _j, * FROM {scan})"
        columns = ", ".join(
            f"{ident(label)} AS c{i}" for i, label in enumerate(self.labels, start=1)
        )
        return f"(SELECT row_number() OVER () + 1 AS _j, {columns} FROM {self.src.scan_sql(0)})"

    def scan(self, plan: Plan) -> str:
        """Pass 1: one row per record with its number, whether it breaks a rule and its key
        values; the cells and the rule-by-rule flags are kept only for rows that break one."""
        rows = self.table("rows")
        cells = [f"c{i}" for i in range(1, plan.width + 1)]
        flags = [f"f{q}" for q in range(len(plan.checks))]
        broken = list(flags)
        if plan.text:
            broken += [f"c{plan.n} IS NULL", f"c{plan.n + 1} IS NOT NULL"]
        # A blank row breaks any required field's rule, so with one the blank test is left
        # for the broken rows only.
        if not any(check.sql == plan.m(check.index) for check in plan.checks):
            broken.append(plan.blank_sql())
        layer2 = ", ".join(
            ["_j", *cells, *plan.key_sql()]
            + [f"{check.sql} AS f{q}" for q, check in enumerate(plan.checks)]
        )

        as_text = ", ".join(f"CAST({c} AS VARCHAR)" for c in cells)

        def sql(parallel: bool) -> str:
            layer1 = plan.layer1(self.base(plan, parallel=parallel))
            return (
                f"CREATE OR REPLACE TEMP TABLE {rows} AS "
                f"SELECT {', '.join(['_j', '_bad', *plan.keys])}, "
                f"CASE WHEN _bad THEN [{as_text}] END AS _cells, "
                f"CASE WHEN _bad THEN [{', '.join([*flags, plan.blank_sql()])}] END AS _flags "
                f"FROM (SELECT *, (_j > 1 AND ({' OR '.join(broken)})) AS _bad FROM ("
                f"SELECT {layer2} FROM ({layer1})))"
            )

        execute_scan(self.con, sql)
        # The broken rows, few as a rule, in a table of their own for the detailed queries.
        self.bad = self.table("bad")
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {self.bad} AS "
            f"SELECT _j, _cells, _flags FROM {rows} WHERE _bad"
        )
        return rows

    def plan_and_scan(self) -> tuple[Plan, str]:
        extra = _EXTRA
        while True:
            plan = make_plan(self.schema, self.labels, column_types=self.column_types, extra=extra)
            rows = self.scan(plan)
            if not plan.text:
                return plan, rows
            overflow = self.con.execute(
                f"SELECT count(*) FROM {self.bad} WHERE _cells[{plan.width}] IS NOT NULL"
            ).fetchone()
            if not overflow or not overflow[0] or plan.width >= _MAX_WIDTH:
                return plan, rows
            extra = min(max(extra * 16, 64), _MAX_WIDTH - plan.n)

    # The report

    def report(self, started: float) -> dict[str, Any]:
        header = header_errors(self.schema, self.labels)
        empties = empty_records(self.src.path) if self.src.is_text else []
        if not self.labels:
            return self._report(started, header, len(header), {"blank-header": 1}, rows=0)
        plan, rows = self.plan_and_scan()
        self.plan, self.rows = plan, rows
        self.shift = [e - k for k, e in enumerate(empties)]
        counts, listed = self._row_errors(plan, rows)
        keyed = self._unique_errors(plan, rows, counts) + self._primary_key_errors(
            plan, rows, counts
        )
        listed += self._with_cells(keyed)
        if empties:
            counts["blank-row"] = counts.get("blank-row", 0) + len(empties)
            for record in empties[: self.limit]:
                listed.append((record, _CELL, 0, row_error("blank-row", row=record, cells=[])))
                if plan.primary_key:
                    error = row_error("primary-key", row=record, cells=[], note=_PK_NULL)
                    listed.append((record, _PRIMARY, 0, error))
            if plan.primary_key:
                counts["primary-key"] = counts.get("primary-key", 0) + len(empties)
        listed.sort(key=lambda item: item[:3])
        errors = header + [item[3] for item in listed]
        total = len(header) + sum(counts.values())
        for error in header:
            counts[error["type"]] = counts.get(error["type"], 0) + 1
        first = self.con.execute(f"SELECT count(*) FROM {rows} WHERE _j > 1").fetchone()
        row_count = (first[0] if first else 0) + len(empties)
        return self._report(started, errors, total, counts, rows=row_count)

    def _report(
        self,
        started: float,
        errors: list[dict[str, Any]],
        total: int,
        counts: dict[str, int],
        *,
        rows: int,
    ) -> dict[str, Any]:
        warnings = list(self.schema.warnings)
        if total > self.limit:
            warnings.append(f"reached error limit: {self.limit}")
        return build_report(
            path=self.src.original,
            labels=self.labels,
            errors=errors[: self.limit],
            error_count=total,
            warnings=warnings,
            seconds=time.perf_counter() - started,
            byte_size=self.src.byte_size,
            field_count=len(self.schema.fields),
            row_count=rows,
            error_counts={k: v for k, v in sorted(counts.items()) if v},
        )

    def record(self, j: int) -> int:
        """The frictionless row number of DuckDB's j-th record (empty lines skipped)."""
        return j + bisect_right(self.shift, j)

    def _row_errors(self, plan: Plan, rows: str) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
        checks = plan.checks
        blank = f"_flags[{len(checks) + 1}]"
        aggregates = [f"count(*) FILTER (WHERE {blank})"]
        aggregates += [
            f"count(*) FILTER (WHERE _flags[{q + 1}] AND NOT {blank})" for q in range(len(checks))
        ]
        if plan.text:
            aggregates += [
                f"count(*) FILTER (WHERE _cells[{i}] IS NULL AND NOT {blank})"
                for i in range(1, plan.n + 1)
            ]
            aggregates += [
                f"count(*) FILTER (WHERE _cells[{i}] IS NOT NULL AND NOT {blank})"
                for i in range(plan.n + 1, plan.width + 1)
            ]
        totals = self.con.execute(f"SELECT {', '.join(aggregates)} FROM {self.bad}").fetchone()
        assert totals is not None
        counts = {"blank-row": totals[0], "type-error": 0, "constraint-error": 0}
        for q, check in enumerate(checks):
            counts[check.kind] += totals[1 + q]
        if plan.text:
            offset = 1 + len(checks)
            counts["missing-cell"] = sum(totals[offset : offset + plan.n])
            counts["extra-cell"] = sum(totals[offset + plan.n :])
        listed: list[tuple[Any, ...]] = []
        for j, raw, flags in self.con.execute(
            f"SELECT _j, _cells, _flags FROM {self.bad} ORDER BY _j LIMIT {int(self.limit)}"
        ).fetchall():
            listed += self._errors_of_row(plan, j, raw, flags)
        return counts, listed

    def _errors_of_row(
        self, plan: Plan, j: int, raw: list[str | None], flags: list[bool]
    ) -> list[tuple[Any, ...]]:
        r = self.record(j)
        cells = _present(raw, plan.text)
        if flags[-1]:
            return [(r, _CELL, 0, row_error("blank-row", row=r, cells=cells))]
        found: list[tuple[Any, ...]] = []
        for q, check in enumerate(plan.checks):
            if flags[q]:
                f = plan.fields[check.index - 1]
                error = cell_error(
                    check.kind,
                    row=r,
                    cells=cells,
                    cell=raw[check.index - 1] or "",
                    field_name=f.name,
                    field_number=check.index,
                    note=check.note,
                )
                found.append((r, _CELL, len(found), error))
        if plan.text:
            for number in range(plan.n + 1, len(cells) + 1):
                error = cell_error(
                    "extra-cell",
                    row=r,
                    cells=cells,
                    cell=cells[number - 1],
                    field_name="",
                    field_number=number,
                )
                found.append((r, _CELL, len(found), error))
            for number in range(len(cells) + 1, plan.n + 1):
                error = cell_error(
                    "missing-cell",
                    row=r,
                    cells=cells,
                    cell="",
                    field_name=plan.fields[number - 1].name,
                    field_number=number,
                )
                found.append((r, _CELL, len(found), error))
        return found

    def _duplicates(self, rows: str, columns: list[str], stem: str) -> tuple[str | None, int]:
        """Rows whose values in `columns` already appeared: (table of _j, prev), count.
        The same columns are looked at once (a one-field primary key that is also unique)."""
        cols = ", ".join(columns)
        if cols in self.duplicates:
            return self.duplicates[cols]
        present = (
            " AND ".join(f"{c} IS NOT NULL" for c in columns)
            if len(columns) == 1
            else ("NOT (" + " AND ".join(f"{c} IS NULL" for c in columns) + ")")
        )
        nan = [f"NOT isnan({c})" for c in columns if self._is_double(c)]
        where = " AND ".join(["_j > 1", present, *nan])
        # Sorted by key, a repeat sits right after its twin: one sort (quick on keys already
        # in order, as row ids are) finds every repeated value and how often it repeats.
        same = " AND ".join(
            f"{c} IS NOT DISTINCT FROM lag({c}) OVER (ORDER BY {cols})" for c in columns
        )
        repeated = self.table(f"{stem}_values")
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {repeated} AS SELECT {cols}, count(*) AS n FROM ("
            f"SELECT {cols}, {same} AS same FROM {rows} WHERE {where}) "
            f"WHERE same GROUP BY ALL"
        )
        (found,) = self.con.execute(f"SELECT coalesce(sum(n), 0) FROM {repeated}").fetchone() or (
            0,
        )
        if not found:
            self.duplicates[cols] = (None, 0)
            return None, 0
        table = self.table(stem)
        # A composite key may hold NULLs, and (2, NULL) repeats (2, NULL) as in Python.
        same = " AND ".join(f"r.{c} IS NOT DISTINCT FROM d.{c}" for c in columns)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT _j, lag(_j) OVER (PARTITION BY {cols} ORDER BY _j) AS prev "
            f"FROM {rows} AS r SEMI JOIN {repeated} AS d ON {same} WHERE {where} "
            "QUALIFY prev IS NOT NULL"
        )
        self.duplicates[cols] = (table, int(found))
        return self.duplicates[cols]

    def _first_duplicates(self, table: str | None) -> list[tuple[int, int]]:
        if table is None:
            return []
        return self.con.execute(
            f"SELECT _j, prev FROM {table} ORDER BY _j LIMIT {int(self.limit)}"
        ).fetchall()

    def _is_double(self, key: str) -> bool:
        return self.plan.cells[self.plan.keys[key] - 1].duck_type == "DOUBLE"

    def _unique_errors(
        self, plan: Plan, rows: str, counts: dict[str, int]
    ) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = []
        for i in plan.unique:
            table, count = self._duplicates(rows, [f"k{i}"], f"unique{i}")
            counts["unique-error"] = counts.get("unique-error", 0) + count
            for j, prev in self._first_duplicates(table):
                found.append((self.record(j), _UNIQUE, i, (j, i, self.record(prev))))
        return found

    def _primary_key_errors(
        self, plan: Plan, rows: str, counts: dict[str, int]
    ) -> list[tuple[Any, ...]]:
        if not plan.primary_key:
            return []
        keys = [f"k{i}" for i in plan.primary_key]
        table, total = self._duplicates(rows, keys, "pk")
        found: list[tuple[Any, ...]] = []
        for j, prev in self._first_duplicates(table):
            found.append((self.record(j), _PRIMARY, 0, (j, None, self.record(prev))))
        nulls = " AND ".join(f"{k} IS NULL" for k in keys)
        count = self.con.execute(f"SELECT count(*) FROM {rows} WHERE _j > 1 AND {nulls}").fetchone()
        total += count[0] if count else 0
        counts["primary-key"] = counts.get("primary-key", 0) + total
        for (j,) in self.con.execute(
            f"SELECT _j FROM {rows} WHERE _j > 1 AND {nulls} ORDER BY _j LIMIT {int(self.limit)}"
        ).fetchall():
            found.append((self.record(j), _PRIMARY, 0, (j, None, None)))
        return found

    def _with_cells(self, found: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Turn (j, field, previous row) into errors, fetching the rows' cells."""
        if not found:
            return []
        found.sort(key=lambda item: item[:3])
        found = found[: self.limit]
        wanted = sorted({item[3][0] for item in found})
        cells = self._fetch_cells(wanted)
        out: list[tuple[Any, ...]] = []
        for r, group, sub, (j, i, prev) in found:
            raw = cells.get(j, [])
            if group == _UNIQUE:
                f = self.plan.fields[i - 1]
                note = f"the same as in the row at position {prev}"
                error = cell_error(
                    "unique-error",
                    row=r,
                    cells=_present(raw, self.plan.text),
                    cell=raw[i - 1] or "" if len(raw) >= i else "",
                    field_name=f.name,
                    field_number=i,
                    note=note,
                )
            else:
                note = _PK_NULL if prev is None else f"the same as in the row at position {prev}"
                error = row_error(
                    "primary-key", row=r, cells=_present(raw, self.plan.text), note=note
                )
            out.append((r, group, sub, error))
        return out

    def _fetch_cells(self, wanted: list[int]) -> dict[int, list[Any]]:
        """The cells of a few rows: kept from pass 1 when the row broke a rule, else re-read."""
        plan = self.plan
        listed = ", ".join(str(int(j)) for j in wanted)
        got: dict[int, list[Any]] = dict(
            self.con.execute(f"SELECT _j, _cells FROM {self.bad} WHERE _j IN ({listed})").fetchall()
        )
        rest = [j for j in wanted if j not in got]
        if rest and self.src.is_text:
            # Re-parsing just these records beats a second scan of the whole file.
            records = {self.record(j): j for j in rest}
            read = read_records(
                self.src.path, self.src.encoding, self.src.delimiter, sorted(records)
            )
            got.update({records[r]: list(cells) for r, cells in read.items()})
        elif rest:
            others = ", ".join(str(int(j)) for j in rest)
            cells = ", ".join(f"CAST(c{i} AS VARCHAR)" for i in range(1, plan.width + 1))
            select = f"SELECT _j, [{cells}] FROM {{}} WHERE _j IN ({others})"
            result = execute_scan(
                self.con, lambda parallel: select.format(self.base(plan, parallel=parallel))
            ).fetchall()
            got.update(dict(result))
        return got


def _present(raw: list[Any], text: bool) -> list[str]:
    """The row's cells as frictionless lists them, as text: for CSV, only the cells the
    record has (NULL marks an absent cell); for Parquet every column (NULL is empty)."""
    cells = list(raw)
    while text and cells and cells[-1] is None:
        cells.pop()
    return ["" if c is None else str(c) for c in cells]
