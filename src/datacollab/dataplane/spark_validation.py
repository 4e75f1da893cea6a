"""Validation of a CSV or TSV file on Apache Spark: the same report as engine.validate.

Spark reads the file as lines (`spark.read.text`), so a record must be one line: the
byte scan that the DuckDB scan runs anyway (records.py) says whether the quoting is
plain, and a first Spark pass counts the lines per partition and whether any quoted cell
holds a line break. A file Spark cannot read exactly as DuckDB does is validated by
DuckDB instead, with the reason logged (`validate_with_route` returns it).

Rows are numbered without `monotonically_increasing_id` standing for a row number: it
holds the partition (upper bits) and the line's position in it (lower bits), and the
first pass gives each partition the number of lines before it, ordered by where its
split starts in the file.

The second pass runs in Spark's Python workers (spark_validation_worker.py): each
partition's lines are split into cells and checked by the very SQL of the DuckDB scan,
so no cell reads differently on the two engines. Spark then does what spans partitions:
the counts per rule, the first broken rows in row order (the error list is cut at the
limit as DuckDB cuts it) and the rows whose key repeats. Those few rows come back to the
driver, where the engine's own code (engine._Run, keys.py) writes the report.
"""

# ruff: noqa: S608 -- this module writes SQL from the plan's own SQL and generated names.

from __future__ import annotations

import functools
import itertools
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import pyarrow as pa

from datacollab.dataplane import spark_validation_worker as worker
from datacollab.dataplane.engine import DUCKDB, engine_for
from datacollab.dataplane.spark_validation_sql import arrow_schema, check_sql, spark_schema
from datacollab.datasets.tableschema import Schema
from datacollab.datasets.validation.checks import Plan, make_plan
from datacollab.datasets.validation.engine import _MAX_WIDTH, _Run, connection, run_on_duckdb
from datacollab.datasets.validation.request import Options, Request, checked
from datacollab.datasets.validation.source import MAX_LINE_BYTES, Source

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)


class NotOnSpark(Exception):
    """Spark cannot read this file exactly as DuckDB does; the message says why."""


def validate(
    source: Path | str, schema: dict[str, Any], **options: Unpack[Options]
) -> dict[str, Any]:
    """engine.validate's report, computed on Spark where it can be (else on DuckDB)."""
    report, _ = validate_with_route(source, schema, **options)
    return report


def validate_with_route(
    source: Path | str, schema: dict[str, Any], **options: Unpack[Options]
) -> tuple[dict[str, Any], str | None]:
    """(report, None) when Spark validated the file, (report, why not) when DuckDB did."""
    started = time.perf_counter()
    return run(checked(source, schema, **options), started)


def run(request: Request, started: float) -> tuple[dict[str, Any], str | None]:
    """validate_with_route for arguments engine.checked has checked."""
    try:
        with request.open() as src, connection(None) as db:
            unsupported(src)
            spark_run = _SparkRun(db, src, request.schema, request.limit_errors)
            try:
                return spark_run.report(started), None
            finally:
                spark_run.drop()
    except NotOnSpark as refusal:
        reason = str(refusal)
    log.info("Validating %s on DuckDB, not Spark: %s", request.source.name, reason)
    return run_on_duckdb(request, time.perf_counter()), reason


def chosen_engine(source: Path) -> str:
    """ "spark" or "duckdb" for a text file, by the data plane's one chooser
    (`dataplane.engine.engine_for`) on the file's rows, estimated from its first MiB."""
    from django.conf import settings

    if not settings.configured:
        return DUCKDB
    if getattr(settings, "DATA_ENGINE", DUCKDB) != "auto":
        return engine_for(0)
    return engine_for(estimated_rows(source))


def estimated_rows(source: Path) -> int:
    """The file's lines, estimated from its size and the lines of its first MiB."""
    try:
        size = source.stat().st_size
        with source.open("rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return 0
    if not head:
        return 0
    return round(size * max(head.count(b"\n"), 1) / len(head))


def unsupported(src: Source) -> None:
    """Raise NotOnSpark for a file whose reading on Spark would differ from DuckDB's."""
    if not src.is_text:
        raise NotOnSpark("Parquet columns carry their own types: DuckDB reads them")
    if src.encoding != "utf-8":
        raise NotOnSpark(f"Spark reads UTF-8 text, not {src.encoding}")
    if src.skip_initial_space:
        raise NotOnSpark("the cells start with spaces that Python's csv skips")
    if not src.labels:
        raise NotOnSpark("the first line is empty (no header)")


def spark() -> SparkSession:
    # Spark's Python workers must be this interpreter (it has pyarrow and duckdb), not
    # whatever `python3` is first on the PATH. Read when the session is first built.
    import os

    from datacollab.dataplane.spark import session

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return session()


class _SparkRun(_Run):
    """The engine's run with its scan done by Spark; the report is built by the engine."""

    def __init__(self, con: duckdb.DuckDBPyConnection, src: Source, schema: Schema, limit: int):
        super().__init__(con, src, schema, limit)
        self.cached: list[DataFrame] = []
        self.counts: dict[str, int] = {}
        self.first_bad: list[tuple[int, list[str | None], list[bool]]] = []

    def drop(self) -> None:
        for frame in self.cached:
            frame.unpersist()
        super().drop()

    def plan_and_scan(self, headless: bool = False) -> tuple[Plan, str]:
        if headless:
            raise NotOnSpark("the first line is empty (no header)")
        # One extra column is enough: the worker keeps every cell of a long row.
        plan = make_plan(self.schema, self.labels, column_types=None, extra=1)
        session = spark()
        from pyspark.sql import functions as F

        path = str(self.src.path.resolve())
        lines = session.read.text(path).select(
            F.monotonically_increasing_id().alias("mid"),
            F.input_file_block_start().alias("start"),
            "value",
        )
        clock = time.perf_counter()
        before = self._partitions(lines)
        log.debug("Spark validation: lines counted in %.2f s", time.perf_counter() - clock)
        job = worker.Job(self.src.delimiter, check_sql(plan), arrow_schema(plan), before)
        from pyspark import StorageLevel, cloudpickle

        # The worker goes to Spark's Python processes by value: they need not import
        # datacollab (nor Django), and run this checkout's code, not an installed one.
        cloudpickle.register_pickle_by_value(worker)
        scanned = (
            lines.select("mid", "value")
            .mapInArrow(functools.partial(worker.scan, job), spark_schema(plan))
            .where("_j > 1")
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        self.cached.append(scanned)
        clock = time.perf_counter()
        total = self._count(plan, scanned)
        log.debug("Spark validation: rows checked in %.2f s", time.perf_counter() - clock)
        clock = time.perf_counter()
        keyed = self._keyed_rows(plan, scanned)
        self._tables(plan, total, keyed)
        log.debug("Spark validation: keys compared in %.2f s", time.perf_counter() - clock)
        return plan, self.rows_view

    def _partitions(self, lines: DataFrame) -> dict[int, int]:
        """Per partition, the non-empty lines before it; raises NotOnSpark for a file whose
        lines are not its records."""
        from pyspark.sql import functions as F

        quotes = F.length("value") - F.length(F.replace("value", F.lit('"'), F.lit("")))
        cells = F.length("value") - F.length(
            F.replace("value", F.lit(self.src.delimiter), F.lit(""))
        )
        stats = (
            lines.groupBy(F.shiftright("mid", 33).alias("partition"))
            .agg(
                F.min("start").alias("first"),
                F.max("start").alias("last"),
                F.count(F.lit(1)).alias("lines"),
                F.count_if(F.col("value") == "").alias("empty"),
                F.count_if(quotes % 2 == 1).alias("open"),
                F.count_if(F.contains("value", F.lit("\ufffd"))).alias("replaced"),
                F.max(cells).alias("delimiters"),
                F.max(F.octet_length("value")).alias("longest"),
            )
            .collect()
        )
        stats.sort(key=lambda row: row["first"])
        records = self.looking.result() if self.looking is not None else None
        if records is None or not records.plain:
            raise NotOnSpark("its quoting is not plain (a quote inside a cell, or a lone CR)")
        if any(row["open"] for row in stats):
            raise NotOnSpark("a quoted cell holds a line break")
        if any(row["replaced"] for row in stats):
            raise NotOnSpark("it holds bytes that are not UTF-8 (or U+FFFD)")
        if max((row["longest"] or 0 for row in stats), default=0) > MAX_LINE_BYTES:
            raise NotOnSpark("a line is longer than DuckDB reads")
        if max((row["delimiters"] or 0 for row in stats), default=0) + 1 >= _MAX_WIDTH:
            raise NotOnSpark("a row has more cells than the DuckDB scan reads")
        if sum(row["empty"] for row in stats) != len(records.empties):
            raise NotOnSpark("Spark and the byte scan disagree on the empty lines")
        for earlier, later in itertools.pairwise(stats):
            if earlier["last"] >= later["first"]:
                raise NotOnSpark("Spark's partitions interleave in the file")
        before, seen = {}, 0
        for row in stats:
            before[int(row["partition"])] = seen
            seen += row["lines"] - row["empty"]
        return before

    def _count(self, plan: Plan, scanned: DataFrame) -> int:
        """The counts per rule over the broken rows (as engine._row_errors), the rows read,
        and the first broken rows, in row order."""
        from pyspark.sql import functions as F

        n = plan.n
        blank = F.element_at("_flags", len(plan.checks) + 1)
        broken = F.col("_bad") & ~blank
        aggregates = [
            F.count(F.lit(1)).alias("rows"),
            F.count_if(F.col("_bad") & blank).alias("blank"),
            F.sum(F.when(broken, F.greatest(F.lit(n) - F.size("_cells"), F.lit(0)))).alias(
                "missing"
            ),
            F.sum(F.when(broken, F.greatest(F.size("_cells") - F.lit(n), F.lit(0)))).alias("extra"),
        ]
        aggregates += [
            F.count_if(broken & F.element_at("_flags", q + 1)).alias(f"f{q}")
            for q in range(len(plan.checks))
        ]
        totals = scanned.agg(*aggregates).collect()[0]
        counts = {"blank-row": totals["blank"], "type-error": 0, "constraint-error": 0}
        for q, check in enumerate(plan.checks):
            counts[check.kind] += totals[f"f{q}"]
        counts["missing-cell"] = int(totals["missing"] or 0)
        counts["extra-cell"] = int(totals["extra"] or 0)
        self.counts = counts
        first = (
            scanned.where("_bad")
            .orderBy("_j")
            .limit(int(self.limit))
            .select("_j", "_cells", "_flags")
            .toArrow()
        )
        self.first_bad = list(
            zip(
                first.column("_j").to_pylist(),
                first.column("_cells").to_pylist(),
                first.column("_flags").to_pylist(),
                strict=True,
            )
        )
        return int(totals["rows"])

    def _keyed_rows(self, plan: Plan, scanned: DataFrame) -> pa.Table | None:
        """The rows whose key value repeats (or whose primary key is all empty): the only
        rows keys.py can report, so the only ones it needs."""
        if not plan.keys:
            return None
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        # Spark groups NaN with NaN and -0.0 with 0.0: the rows kept are a superset of
        # those DuckDB finds repeated, and keys.py decides exactly over them.
        # One window (a sort) per set of key columns: a one-field primary key that is also
        # unique is counted once.
        windows: dict[tuple[str, ...], str] = {}

        def repeats(keys: list[str]) -> Any:
            name = windows.setdefault(tuple(keys), f"n{len(windows)}")
            return F.col(name) > 1

        wanted = [F.col(f"k{i}").isNotNull() & repeats([f"k{i}"]) for i in plan.unique]
        if plan.primary_key:
            keys = [f"k{i}" for i in plan.primary_key]
            nulls = functools.reduce(lambda a, b: a & b, [F.col(k).isNull() for k in keys])
            wanted.append(repeats(keys) | nulls)
        seen = [
            F.count(F.lit(1)).over(Window.partitionBy(*keys)).alias(name)
            for keys, name in windows.items()
        ]
        condition = functools.reduce(lambda a, b: a | b, wanted)
        return (
            scanned.select("*", *seen)
            .where(condition)
            .select("_j", *plan.keys, "_bad", "_cells", "_flags")
            .orderBy("_j")
            .toArrow()
        )

    def _tables(self, plan: Plan, total: int, keyed: pa.Table | None) -> None:
        """The engine's rows view and broken rows' table, holding only what the report
        reads: the keyed rows (the others stand as rows without a number or key, to be
        counted) and the first broken rows with the broken keyed rows."""
        self.bad, self.rows_view = self.table("bad"), self.table("rows", view=True)
        first = pa.table(
            {
                "_j": pa.array([j for j, _, _ in self.first_bad], pa.int64()),
                "_cells": pa.array([c for _, c, _ in self.first_bad], pa.list_(pa.string())),
                "_flags": pa.array([f for _, _, f in self.first_bad], pa.list_(pa.bool_())),
            }
        )
        keys = list(plan.keys)
        if keyed is None:
            keyed = pa.table({"_j": pa.array([], pa.int64()), "_bad": pa.array([], pa.bool_())})
        tag = self.tag
        self.con.register(f"dc_sparkfirst_{tag}", first)
        self.con.register(f"dc_sparkkeyed_{tag}", keyed)
        try:
            also = (
                f"UNION ALL SELECT _j, _cells, _flags FROM dc_sparkkeyed_{tag} WHERE _bad "
                f"AND _j NOT IN (SELECT _j FROM dc_sparkfirst_{tag})"
                if keys
                else ""
            )
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {self.bad} AS "
                f"SELECT _j, _cells, _flags FROM dc_sparkfirst_{tag} {also}"
            )
            kept = self.table("keyed")
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {kept} AS "
                f"SELECT {', '.join(['_j', *keys])} FROM dc_sparkkeyed_{tag}"
            )
        finally:
            self.con.unregister(f"dc_sparkfirst_{tag}")
            self.con.unregister(f"dc_sparkkeyed_{tag}")
        rest = total - keyed.num_rows
        padding = ", ".join(["NULL::BIGINT AS _j", *(f"NULL AS {k}" for k in keys)])
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW {self.rows_view} AS SELECT * FROM {kept} "
            f"UNION ALL SELECT {padding} FROM range({int(rest)})"
        )

    def _row_errors(self, plan: Plan, rows: str) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
        listed: list[tuple[Any, ...]] = []
        for j, cells, flags in self.first_bad:
            # The DuckDB scan's cells are padded with NULLs to its width.
            raw = list(cells) + [None] * max(0, plan.n - len(cells))
            listed += self._errors_of_row(plan, j, raw, flags)
        return dict(self.counts), listed
