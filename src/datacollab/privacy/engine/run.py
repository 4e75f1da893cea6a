"""Run a validated aggregate query on one Parquet file and apply the protections.

DuckDB reads only the version's file: `allowed_paths` names that one file, external access is
then disabled and the configuration locked before any query runs.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb
from sqlglot import exp

from datacollab.dataplane.engine import DUCKDB, SPARK
from datacollab.dataplane.values import normalise_rows
from datacollab.privacy.engine import noise, sdc, sql
from datacollab.privacy.engine.problems import QueryProblem
from datacollab.privacy.engine.query import AggregateQuery, Scalar
from datacollab.privacy.engine.result import RULE_DP_THRESHOLD, AggregateResult, Cell
from datacollab.privacy.engine.spec import Protection, TableSpec

# Sums are released in integer units of 1/SCALE (two decimals) so exact samplers apply.
SCALE = 100


def connect(path: Path, *, threads: int = 2) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"threads": threads})
    con.execute("SET allowed_paths = ?", [[str(path)]])
    con.execute("SET enable_external_access = false")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET lock_configuration = true")
    view = exp.Create(
        this=exp.to_identifier(sql.SOURCE),
        kind="VIEW",
        expression=exp.select(exp.Star()).from_(
            exp.Anonymous(this="read_parquet", expressions=[exp.Literal.string(str(path))])
        ),
    )
    con.execute(view.sql("duckdb"))
    return con


Timings = dict[str, float]


@contextmanager
def _phase(timings: Timings | None, name: str) -> Iterator[None]:
    """Add the block's seconds to `timings[name]` (the bench prints them per phase)."""
    if timings is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started


def run_query(
    path: Path | str,
    table: TableSpec,
    protection: Protection,
    query: AggregateQuery,
    *,
    threads: int = 2,
    timings: Timings | None = None,
    engine: str = DUCKDB,
) -> AggregateResult:
    """`engine` spark: `path` may also be a location only the Spark executors read."""
    with _phase(timings, "validate"):
        protection.check(table)
        query.validate(table, protection)
    statements, per_contributor, bounded = fetch(
        path, table, protection, query, threads=threads, timings=timings, engine=engine
    )
    return _protect(query, protection, statements, per_contributor, bounded, timings)


class Reader(Protocol):
    """The version's file, open for the engine it is routed to (`reader`)."""

    def keep(self, name: str, statement: exp.Expression, parameters: Sequence[Scalar]) -> None:
        """Compute `statement` once and keep it as the table `name` for the statements after."""

    def rows(
        self, statement: exp.Expression, parameters: Sequence[Scalar] = ()
    ) -> list[tuple[Any, ...]]:
        """The statement's rows, in the engine's own types (normalise_rows makes them one)."""


class _DuckDBReader:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def keep(self, name: str, statement: exp.Expression, parameters: Sequence[Scalar]) -> None:
        self.con.execute(f"CREATE TEMP TABLE {name} AS " + sql.render(statement), list(parameters))

    def rows(
        self, statement: exp.Expression, parameters: Sequence[Scalar] = ()
    ) -> list[tuple[Any, ...]]:
        return self.con.execute(sql.render(statement), list(parameters)).fetchall()


@contextmanager
def reader(
    path: Path | str, table: TableSpec, *, engine: str = DUCKDB, threads: int = 2
) -> Iterator[Reader]:
    """The version's file read by `engine`: DuckDB in this process on a local file, or Spark
    where the file is (`path` may then be a location only Spark's executors read:
    dataplane/location.py, no local copy). The aggregates and the quantiles' histograms both
    read through it, so the engine is chosen in this one place."""
    if engine == SPARK:
        from datacollab.dataplane import spark_aggregate

        with spark_aggregate.reader(str(path), table) as on_spark:
            yield on_spark
        return
    con = connect(Path(path), threads=threads)
    try:
        yield _DuckDBReader(con)
    finally:
        con.close()


def fetch(
    path: Path | str,
    table: TableSpec,
    protection: Protection,
    query: AggregateQuery,
    *,
    threads: int = 2,
    timings: Timings | None = None,
    engine: str = DUCKDB,
    salt: int | None = None,
) -> tuple[sql.Statements, list[tuple[Any, ...]], list[tuple[Any, ...]] | None]:
    """The per-(cell, contributor) table and, with DP, the bounded per-cell inputs, in the
    one normal form of both engines (dataplane/values.py); `salt` (random if None) picks
    which cells each unit keeps."""
    chosen = secrets.randbelow(2**31) if salt is None else salt
    with ExitStack() as stack:
        with _phase(timings, "connect"):  # bench/aggregation.py's phases
            statements = sql.build(query, table, protection, salt=chosen, scale=SCALE)
            read = stack.enter_context(reader(path, table, engine=engine, threads=threads))
        # The one scan of the file: everything after reads its small per-unit result. (Spark
        # runs it lazily, at the first statement that reads it.)
        with _phase(timings, "aggregate"):
            read.keep(sql.BASE, statements.base, statements.parameters)
        with _phase(timings, "contributors"):
            per_contributor = read.rows(statements.contributors)
        with _phase(timings, "bounding"):
            bounded = read.rows(statements.bounded) if statements.bounded is not None else None
    return (
        statements,
        normalise_rows(per_contributor),
        None if bounded is None else normalise_rows(bounded),
    )


def cells_of(
    per_contributor: list[tuple[Any, ...]], width: int, m: int
) -> tuple[
    dict[tuple[Any, ...], int], list[tuple[Any, ...]], list[sdc.CellStats], list[list[float]]
]:
    """Cells in key order: their index, keys, per-contributor stats and measure sums."""
    index: dict[tuple[Any, ...], int] = {}
    keys: list[tuple[Any, ...]] = []
    stats: list[sdc.CellStats] = []
    sums: list[list[float]] = []
    for row in sorted(per_contributor, key=lambda r: _sort_key(r[:width])):
        key = tuple(row[:width])
        if key not in index:
            index[key] = len(keys)
            keys.append(key)
            stats.append({})
            sums.append([0.0] * m)
        i = index[key]
        contributor, rows = row[width], int(row[width + 1])
        measure_sums = [float(v or 0) for v in row[width + 2 : width + 2 + m]]
        absolute = tuple(float(v or 0) for v in row[width + 2 + m : width + 2 + 2 * m])
        stats[i][contributor] = sdc.Stats(rows, absolute)
        sums[i] = [a + b for a, b in zip(sums[i], measure_sums, strict=True)]
    return index, keys, stats, sums


def _protect(
    query: AggregateQuery,
    protection: Protection,
    statements: sql.Statements,
    per_contributor: list[tuple[Any, ...]],
    bounded: list[tuple[Any, ...]] | None,
    timings: Timings | None = None,
) -> AggregateResult:
    width = len(statements.dimension_aliases)
    columns = statements.measure_columns
    m = len(columns)
    with _phase(timings, "cells"):
        index, keys, stats, sums = cells_of(per_contributor, width, m)

    with _phase(timings, "suppression"):
        suppressed = sdc.primary_rules(stats, protection)

    counts = [sum(s.rows for s in cell_stats.values()) for cell_stats in stats]
    epsilon = delta = 0.0
    protections: dict[str, Any] = {
        "k": protection.k,
        "dominance": [protection.dominance_n, protection.dominance_share],
        "min_rows": protection.min_rows,
        "rounding": protection.rounding,
        "secondary": "margins",
    }
    if bounded is not None:
        with _phase(timings, "noise"):
            released_counts, released_sums, epsilon, delta, dp_info = _noise(
                protection, columns, index, bounded
            )
        protections["dp"] = dp_info
        for i in range(len(keys)):
            if i not in released_counts and i not in suppressed:
                suppressed[i] = RULE_DP_THRESHOLD
        counts = [released_counts.get(i, 0) for i in range(len(keys))]
        sums = [[released_sums[j].get(i, 0.0) for j in range(m)] for i in range(len(keys))]

    try:
        with _phase(timings, "suppression"):
            suppressed = sdc.secondary(keys, stats, suppressed, protection)
    except sdc.TooFine:
        raise QueryProblem("too_fine") from None

    bounds_of = {b.column: (b.lower, b.upper) for b in protection.measures}
    cells = []
    with _phase(timings, "cells"):
        for i, key in enumerate(keys):
            if i in suppressed:
                cells.append(Cell(key, {}, suppressed[i]))
                continue
            values = _values(query, columns, counts[i], sums[i], protection.rounding, bounds_of)
            cells.append(Cell(key, values))
    return AggregateResult(
        dimensions=[d.label for d in query.dimensions],
        measures=[measure.label for measure in query.measures],
        cells=cells,
        epsilon=epsilon,
        delta=delta,
        protections=protections,
    )


def _noise(
    protection: Protection,
    columns: list[str],
    index: dict[tuple[Any, ...], int],
    bounded: list[tuple[Any, ...]],
) -> tuple[dict[int, int], list[dict[int, float]], float, float, dict[str, Any]]:
    width = len(next(iter(index)) if index else ())
    share = protection.epsilon / (1 + len(columns))
    true_counts = [0] * len(index)
    true_sums = [[0] * len(index) for _ in columns]
    for row in bounded:
        i = index[tuple(row[:width])]
        true_counts[i] = int(row[width])
        for j in range(len(columns)):
            true_sums[j][i] = int(row[width + 1 + j] or 0)
    if protection.public_dimensions:
        counts = noise.noisy_counts_public_keys(
            true_counts,
            epsilon=share,
            max_cells=protection.max_cells_per_unit,
            max_rows=protection.max_rows_per_cell,
        )
    else:
        counts = noise.noisy_counts(
            true_counts,
            epsilon=share,
            delta=protection.delta,
            max_cells=protection.max_cells_per_unit,
            max_rows=protection.max_rows_per_cell,
        )
    epsilon, delta = counts.epsilon, counts.delta
    released = sorted(counts.counts)
    sums: list[dict[int, float]] = []
    for j, name in enumerate(columns):
        bounds = protection.bounds(name)
        assert bounds is not None
        sensitivity = noise.sum_sensitivity(
            magnitude=bounds.half_range,
            scale=SCALE,
            max_cells=protection.max_cells_per_unit,
            max_rows=protection.max_rows_per_cell,
        )
        release = noise.noisy_sums(
            [true_sums[j][i] for i in released], epsilon=share, sensitivity=sensitivity
        )
        epsilon += release.epsilon
        # Back from centred to plain sums with the noisy count: post-processing.
        sums.append(
            {
                i: v / SCALE + bounds.midpoint * max(counts.counts[i], 0)
                for i, v in zip(released, release.sums, strict=True)
            }
        )
    info = {
        "unit": protection.unit,
        "max_cells_per_unit": protection.max_cells_per_unit,
        "max_rows_per_cell": protection.max_rows_per_cell,
        "count_threshold": counts.threshold,
        "public_dimensions": protection.public_dimensions,
    }
    return counts.counts, sums, epsilon, delta, info


def _values(
    query: AggregateQuery,
    columns: list[str],
    count: int,
    sums: list[float],
    rounding: int,
    bounds_of: dict[str, tuple[float, float]],
) -> dict[str, float | int | None]:
    values: dict[str, float | int | None] = {}
    for measure in query.measures:
        if measure.function == "count":
            # A noisy count below zero is shown as zero: post-processing, no privacy cost.
            values[measure.label] = _round(max(count, 0), rounding)
            continue
        total = sums[columns.index(measure.column or "")]
        if measure.function == "sum":
            values[measure.label] = _round_float(total, rounding)
        else:
            # Noise can push a mean outside the declared bounds; clamping it back is
            # post-processing (no privacy cost) and only ever moves it closer to the truth.
            bounds = bounds_of[measure.column or ""]
            mean = min(max(total / count, bounds[0]), bounds[1]) if count > 0 else None
            values[measure.label] = None if mean is None else round(mean, 2)
    return values


def _round(value: int, base: int) -> int:
    return int(base * round(value / base)) if base > 1 else int(value)


def _round_float(value: float, base: int) -> float:
    return float(base * round(value / base)) if base > 1 else round(value, 2)


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    # None sorts first; values of one column share a type, so the rest compare.
    return tuple((v is not None, v if v is not None else 0) for v in key)
