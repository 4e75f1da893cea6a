"""validate(): a Frictionless-compatible report from a few DuckDB queries over the file.

One scan reads every cell as text and keeps, for every row, its number, whether it
breaks any rule, its key values (unique fields, primary key) and, for the rows that
break a rule, their cells. The few broken rows are then examined in detail; uniqueness
is a sort of the kept keys (keys.py). Rows are numbered as frictionless numbers them.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

import re
import time
import uuid
from bisect import bisect_right
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Unpack

import duckdb

from datacollab.datasets.tableschema import Schema
from datacollab.datasets.validation import arrowscan
from datacollab.datasets.validation.checks import Plan, make_plan
from datacollab.datasets.validation.header import header_errors
from datacollab.datasets.validation.keys import _CELL, _PK_NULL, _PRIMARY, KeyErrors, present
from datacollab.datasets.validation.records import RecordMap, record_map
from datacollab.datasets.validation.report import build_report, cell_error, row_error, source_error

# The one check of a validation's arguments, shared with Spark's entry; named here too.
from datacollab.datasets.validation.request import LIMIT_ERRORS as LIMIT_ERRORS
from datacollab.datasets.validation.request import Options, Request, checked
from datacollab.datasets.validation.source import (
    Source,
    SourceError,
    check_width,
    execute_scan,
)
from datacollab.datasets.validation.sql import ident, lit

_IN_LIST = re.compile(r"\bIN\s*\(", re.IGNORECASE)
# Extra text columns read beyond the header, to count cells a long row has too many.
_EXTRA = 2
_MAX_WIDTH = 16384


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
        # Row numbers come from the scan's table keeping the file's order.
        con.execute("SET preserve_insertion_order = true")
        yield con
        return
    own = connect()
    try:
        yield own
    finally:
        own.close()


@contextmanager
def _optimizer_off(con: duckdb.DuckDBPyConnection, name: str) -> Iterator[None]:
    row = con.execute("SELECT current_setting('disabled_optimizers')").fetchone()
    before = str(row[0]) if row and row[0] else ""
    names = [n for n in before.split(",") if n.strip()]
    con.execute(f"SET disabled_optimizers = {lit(','.join([*names, name]))}")
    try:
        yield
    finally:
        con.execute(f"SET disabled_optimizers = {lit(before)}")


def validate(
    source: Path | str,
    schema: dict[str, Any],
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    engine: str | None = None,
    **options: Unpack[Options],
) -> dict[str, Any]:
    """Validate a file against a Table Schema; return the report (frictionless layout).

    Raises SchemaError when the schema cannot be used and SourceError when the file
    cannot be read as `fmt`; every problem in the data itself is in the report.
    `engine` is "duckdb" or "spark" (the same report, dataplane/spark_validation.py);
    None lets the DATA_ENGINE setting choose.
    """
    started = time.perf_counter()
    request = checked(source, schema, **options)
    if con is None and _chosen(engine, request.source, request.fmt) == "spark":
        from datacollab.dataplane import spark_validation

        report, _ = spark_validation.run(request, started)
        return report
    return run_on_duckdb(request, started, con)


def run_on_duckdb(
    request: Request, started: float, con: duckdb.DuckDBPyConnection | None = None
) -> dict[str, Any]:
    """The report of a checked request, computed by DuckDB (`started`: the report's clock)."""
    with request.open() as src, connection(con) as db:
        run = _Run(db, src, request.schema, request.limit_errors)
        try:
            return run.report(started)
        except duckdb.Error as error:
            raise SourceError(readable_duckdb_error(error, src)) from None
        finally:
            run.drop()


def _chosen(engine: str | None, source: Path, fmt: str) -> str:
    """The engine that validates this file: as asked, else as the DATA_ENGINE setting
    says (a text file only; Parquet always stays on DuckDB)."""
    if engine is not None or str(fmt).lower() not in ("csv", "tsv"):
        return engine or "duckdb"
    from datacollab.dataplane.spark_validation import chosen_engine

    return chosen_engine(source)


def readable_duckdb_error(error: Exception, src: Source) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"Cannot read {src.original.name} as {src.fmt.upper()}: {text}"


class _Run(KeyErrors):
    def __init__(self, con: duckdb.DuckDBPyConnection, src: Source, schema: Schema, limit: int):
        self.con, self.src, self.schema, self.limit = con, src, schema, limit
        self.tag = uuid.uuid4().hex[:12]
        self.tables: list[str] = []
        self.views: list[str] = []
        self.duplicates: dict[str, tuple[str | None, int]] = {}
        self.marks: dict[int, int] = {}
        # The byte scan (records.py), running beside the scan; the arrow scan needs it.
        self.looking: Future[RecordMap] | None = None
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

    def table(self, stem: str, *, view: bool = False) -> str:
        name = f"dc_{stem}_{self.tag}"
        (self.views if view else self.tables).append(name)
        return name

    def drop(self) -> None:
        for name in self.views:
            self.con.execute(f"DROP VIEW IF EXISTS {name}")
        for name in self.tables:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")

    # The scans

    def base(self, plan: Plan, *, parallel: bool = True, numbered: bool = False) -> str:
        """The file's rows as columns c1..cK. `numbered` adds _j, the frictionless row
        number (row_number() makes DuckDB read on one thread, so the main scan relies on
        its table keeping the file's order instead: rowid follows insertion order)."""
        if self.src.is_text:
            scan = self.src.scan_sql(plan.width, parallel=parallel)
            number = "row_number() OVER ()" if numbered else "NULL::BIGINT"
            return f"(SELECT {number} AS _j, * FROM {scan})"
        columns = ", ".join(
            f"{ident(label)} AS c{i}" for i, label in enumerate(self.labels, start=1)
        )
        number = "row_number() OVER () + 1" if numbered else "NULL::BIGINT"
        return f"(SELECT {number} AS _j, {columns} FROM {self.src.scan_sql(0)})"

    def scan(self, plan: Plan, *, headless: bool = False) -> str:
        """Pass 1: one row per record with whether it may break a rule and its key values;
        the cells are kept only for rows that may break one. Returns a view numbering the
        rows (_j) as frictionless does, the header left out; the rows that break a rule,
        with a flag per rule, are then in the table `self.bad`.

        CSV and TSV cells are all text, so the scan computes only a cheap test that is true
        for every broken row (Plan.suspect_sql) and the flags are computed afterwards over
        the kept cells of those rows alone. A Parquet file's columns carry their own types,
        which its kept cells (text) no longer have: its flags are computed in the scan."""
        table, rows = self.table("scan"), self.table("rows", view=True)
        cells = [f"c{i}" for i in range(1, plan.width + 1)]
        flags = [f"f{q}" for q in range(len(plan.checks))]
        later = plan.text
        broken = [f"({plan.suspect_sql()})"] if later else list(flags)
        if plan.text:
            broken += [f"c{plan.n} IS NULL", f"c{plan.n + 1} IS NOT NULL"]
        # A blank row breaks any required field's rule, so with one the blank test is left
        # for the broken rows only.
        if not any(check.required for check in plan.checks):
            broken.append(plan.blank_sql())
        layer2 = ", ".join(
            ["_j", *cells, *plan.key_sql()]
            + ([] if later else [f"{check.sql} AS f{q}" for q, check in enumerate(plan.checks)])
            + [f"({' OR '.join(broken)}) AS _bad"]
        )
        as_text = ", ".join(f"CAST({c} AS VARCHAR)" for c in cells)
        flag_list = f"[{', '.join([*flags, plan.blank_sql()])}]"
        kept = [f"CASE WHEN _bad THEN [{as_text}] END AS _cells"]
        if not later:
            kept.append(f"CASE WHEN _bad THEN {flag_list} END AS _flags")

        def sql(parallel: bool, numbered: bool = False) -> str:
            layer1 = plan.layer1(self.base(plan, parallel=parallel, numbered=numbered))
            return (
                f"CREATE OR REPLACE TEMP TABLE {table} AS "
                f"SELECT {', '.join([*(['_j'] if numbered else []), '_bad', *plan.keys])}, "
                f"{', '.join(kept)} FROM (SELECT {layer2} FROM ({layer1}))"
            )

        # The table keeps the file's order (rowid) only through a plan without joins, and
        # DuckDB turns a long IN list into one unless told not to; should it still plan
        # a join, the rows are numbered explicitly (on one thread).
        with _optimizer_off(self.con, "in_clause"):
            numbered = self._plans_a_join(sql(True))
            execute_scan(self.con, lambda parallel: sql(parallel, numbered))
        if numbered:
            self.con.execute(
                f"CREATE OR REPLACE TEMP VIEW {rows} AS SELECT * FROM {table} "
                f"WHERE _j > {0 if headless else 1}"
            )
        else:
            # CSV: rowid 0 is the header, row 1 (DuckDB skips an empty one, so then rowid 0
            # is row 2: the empty-line shift numbers it); Parquet rows start at row 2.
            offset, first = (1, 0 if headless else 1) if self.src.is_text else (2, 0)
            self.con.execute(
                f"CREATE OR REPLACE TEMP VIEW {rows} AS SELECT rowid + {offset} AS _j, "
                f"* FROM {table} WHERE rowid >= {first}"
            )
        # The broken rows, few as a rule, in a table of their own for the detailed queries.
        self.bad = self.table("bad")
        if not later:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {self.bad} AS "
                f"SELECT _j, _cells, _flags FROM {rows} WHERE _bad"
            )
            return rows
        # The same SQL as the scan's, over the kept cells: the exact flags of those rows.
        kept_cells = ", ".join(f"_cells[{i}] AS c{i}" for i in range(1, plan.width + 1))
        base = f"(SELECT _j, {kept_cells} FROM {rows} WHERE _bad)"
        flagged = ", ".join(
            ["_j", *cells] + [f"{check.sql} AS f{q}" for q, check in enumerate(plan.checks)]
        )
        with _optimizer_off(self.con, "in_clause"):
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {self.bad} AS "
                f"SELECT _j, [{', '.join(cells)}] AS _cells, {flag_list} AS _flags "
                f"FROM (SELECT {flagged} FROM ({plan.layer1(base)}))"
            )
        return rows

    def _plans_a_join(self, create: str) -> bool:
        # The scan is projections over one table function: only an IN list can become a
        # join. Without one, planning the (long) statement a second time is skipped.
        if not _IN_LIST.search(create):
            return False
        plan = self.con.execute(f"EXPLAIN {create}").fetchall()
        return any("JOIN" in str(row[-1]).upper() for row in plan)

    def arrow_scan(self, plan: Plan, headless: bool) -> str | None:
        """The arrow scan (arrowscan.py) of a file it reads as DuckDB does, else None."""
        checks = arrowscan.provers(self.src, plan)
        if checks is None or headless or self.looking is None:
            return None
        try:
            scanned = arrowscan.read(self.src, plan, checks)
        except arrowscan.NotPlain:
            return None
        records = self.looking.result()
        if not records.plain:
            return None
        tables = arrowscan.build(self.con, self.src, plan, scanned, records, self.table)
        self.bad = tables.bad
        return tables.rows

    def plan_and_scan(self, headless: bool = False) -> tuple[Plan, str]:
        extra = _EXTRA
        labels = [f.name for f in self.schema.fields] if headless else self.labels
        while True:
            plan = make_plan(self.schema, labels, column_types=self.column_types, extra=extra)
            rows = self.arrow_scan(plan, headless) or self.scan(plan, headless=headless)
            if not plan.text:
                return plan, rows
            # (fetchall: a result left open would stop the arrow scan registering its tables)
            overflow = self.con.execute(
                f"SELECT count(*) FROM {self.bad} WHERE _cells[{plan.width}] IS NOT NULL"
            ).fetchall()[0]
            if not overflow[0] or plan.width >= _MAX_WIDTH:
                return plan, rows
            extra = min(max(extra * 16, 64), _MAX_WIDTH - plan.n)

    # The report

    def report(self, started: float) -> dict[str, Any]:
        # An empty first record is a missing header, as in frictionless: no label checks,
        # rows read by the schema's fields in order.
        headless = not self.labels
        header = [] if headless else header_errors(self.schema, self.labels)
        # The byte scan for empty lines runs beside DuckDB's scan (both release the GIL);
        # its marks let the rows of repeated keys be read back without a second pass.
        with ThreadPoolExecutor(max_workers=1) as pool:
            has_keys = bool(self.schema.primary_key) or any(f.unique for f in self.schema.fields)
            # With a delimiter the byte scan also tells whether the arrow scan may be used
            # (plain quoting), and marks records for reading back those it cannot use.
            plain = self.src.delimiter if self.src.is_text and not headless else None
            self.looking = (
                pool.submit(
                    record_map,
                    self.src.path,
                    marks=has_keys or plain is not None,
                    delimiter=plain,
                )
                if self.src.is_text
                else None
            )
            plan, rows = self.plan_and_scan(headless)
            found = self.looking.result() if self.looking else None
        empties = found.empties if found else []
        self.marks = found.marks if found else {}
        self.plan, self.rows = plan, rows
        self.shift = [e - k for k, e in enumerate(empties)]
        blank_lines = [e for e in empties if e > 1]
        first = self.con.execute(f"SELECT count(*) FROM {rows}").fetchone()
        row_count = (first[0] if first else 0) + len(blank_lines)
        if headless and not row_count:
            error = source_error("the source is empty")
            return self._report(started, [error], 1, {"source-error": 1}, rows=0)
        counts, listed = self._row_errors(plan, rows)
        keyed = self._unique_errors(plan, rows, counts) + self._primary_key_errors(
            plan, rows, counts
        )
        listed += self._with_cells(keyed)
        if blank_lines:
            counts["blank-row"] = counts.get("blank-row", 0) + len(blank_lines)
            for record in blank_lines[: self.limit]:
                listed.append((record, _CELL, 0, row_error("blank-row", row=record, cells=[])))
                if plan.primary_key:
                    error = row_error("primary-key", row=record, cells=[], note=_PK_NULL)
                    listed.append((record, _PRIMARY, 0, error))
            if plan.primary_key:
                counts["primary-key"] = counts.get("primary-key", 0) + len(blank_lines)
        listed.sort(key=lambda item: item[:3])
        errors = header + [item[3] for item in listed]
        total = len(header) + sum(counts.values())
        for error in header:
            counts[error["type"]] = counts.get(error["type"], 0) + 1
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
        cells = present(raw, plan.text)
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
