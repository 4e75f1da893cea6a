"""Quantile measures (the median, the 90th percentile) under the same protections.

A quantile is read from a histogram of the column over its declared bounds, in `BINS` equal
integer-count bins, never from the raw values:

- the cell itself is released or suppressed by the engine exactly as for its counts and
  sums (k contributors, minimum rows, dominance, secondary suppression, the lattice's
  pattern without noise, the DP key threshold with noise): a quantile never reveals a cell
  the other measures hide;
- *dominance for a quantile*: the released value lies in one bin, and says that rows lie
  there. If that bin's rows come from fewer than k contributors, or the n largest hold more
  than the dominance share of them, the value would describe one firm's rows: it is
  withheld (shown as missing), while the cell's other measures stay;
- with a privacy unit, each unit's rows are bounded as for sums (at most `max_cells_per_unit`
  cells, `max_rows_per_cell` rows in each), so the histograms of all released cells
  together have L1 sensitivity L x R, and OpenDP's exact discrete Laplace mechanism (integer
  counts, no floating-point feature) adds noise to every bin of every released cell, empty
  bins included. The quantile is then read from the noisy cumulative counts: post-processing
  at no further cost. Several quantiles of one column share one histogram and one epsilon
  share.

The promise (`rank_error_bound`): with probability at least 1 - alpha, the released bin's
true rank interval is within 2t of q x the cell's true count, t = sqrt(BINS x Var / alpha)
(Kolmogorov's maximal inequality over the noisy partial sums, Var the discrete Laplace's).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlglot import exp

from datacollab.dataplane.engine import DUCKDB
from datacollab.privacy.engine import noise, run, sdc, sql

# The histograms' SQL and data access (either engine), named here for quantile's callers.
from datacollab.privacy.engine.quantile_data import (
    BINS,
    Histograms,
    Key,
    fetch,
    quantile_measures,
)
from datacollab.privacy.engine.query import AggregateQuery, Measure, Scalar
from datacollab.privacy.engine.result import AggregateResult, Cell
from datacollab.privacy.engine.spec import MeasureBounds, Protection, TableSpec


def split(query: AggregateQuery, protection: Protection) -> tuple[AggregateQuery, Protection]:
    """The query the engine answers (without quantiles) and its share of epsilon.

    The query's epsilon is shared equally by the count, each sum/mean column and each
    quantile column, so a query with quantiles spends what one without them spends.
    """
    quantiles = quantile_measures(query)
    if not quantiles:
        return query, protection
    rest = tuple(m for m in query.measures if m.function != "quantile") or (Measure("count"),)
    base = AggregateQuery(query.dimensions, rest, query.filters)
    if protection.unit is None:
        return base, protection
    base_parts = 1 + len({m.column for m in rest if m.column})
    parts = base_parts + len({m.column for m in quantiles})
    return base, replace(protection, epsilon=protection.epsilon * base_parts / parts)


def bin_width(bounds: MeasureBounds) -> float:
    return (bounds.upper - bounds.lower) / BINS


def read_quantile(
    counts: Sequence[int | float], q: float, bounds: MeasureBounds
) -> tuple[float, int] | None:
    """The q-quantile of a histogram and the bin it lies in, linear within the bin.

    Noisy counts are read as they are (negative ones included): the first bin where the
    cumulative count reaches q x the total. The value is always within the bounds.
    """
    total = sum(counts)
    if total <= 0:
        return None
    target = q * total
    below = 0.0
    for b, count in enumerate(counts):
        if count > 0 and below + count >= target:
            share = min(max((target - below) / count, 0.0), 1.0)
            value = bounds.lower + (b + share) * bin_width(bounds)
            return min(max(value, bounds.lower), bounds.upper), b
        below += count
    return None  # unreachable: the total is reached by a positive bin


def bin_rule(contributors: dict[Any, int], protection: Protection) -> str | None:
    """Whether the bin holding a quantile may be described: k contributors, no dominance.

    A bin with no true rows (noise can put a DP quantile there) describes no one's figures.
    """
    stats: sdc.CellStats = {c: sdc.Stats(rows, ()) for c, rows in contributors.items() if rows}
    if not stats:
        return None
    return sdc.primary_rule(stats, replace(protection, min_rows=1))


def dlaplace_variance(scale: float) -> float:
    a = math.exp(-1 / scale)
    return 2 * a / (1 - a) ** 2


def rank_error_bound(noise_scale: float, alpha: float) -> float:
    """t: with probability >= 1 - alpha no noisy partial sum of the bins is off by more."""
    return math.sqrt(BINS * dlaplace_variance(noise_scale) / alpha)


# --- Release ---------------------------------------------------------------------------


def add_quantiles(
    base: AggregateResult,
    query: AggregateQuery,
    protection: Protection,
    histograms: Histograms,
) -> AggregateResult:
    """The engine's answer with the query's quantiles added to its released cells."""
    quantiles = quantile_measures(query)
    if not quantiles:
        return base
    released = [cell.key for cell in base.cells if cell.suppressed is None]
    epsilon = base.epsilon
    read: dict[str, dict[Key, list[int] | list[float]]] = {}
    info: dict[str, Any] = {"bins": BINS, "withheld_bin_rule": "k contributors, dominance"}
    for column in sorted({m.column or "" for m in quantiles}):
        exact = histograms.by_contributor[column]
        if histograms.bounded is None:
            read[column] = {key: _total(exact.get(key, {})) for key in released}
            continue
        bounded = histograms.bounded[column]
        flat = [c for key in released for c in bounded.get(key, [0] * BINS)]
        release = noise.noisy_sums(
            flat,
            epsilon=protection.epsilon,
            sensitivity=protection.max_cells_per_unit * protection.max_rows_per_cell,
        )
        epsilon += release.epsilon
        info[f"noise_scale({column})"] = release.noise_scale
        read[column] = {
            key: release.sums[i * BINS : (i + 1) * BINS] for i, key in enumerate(released)
        }
    cells = []
    for cell in base.cells:
        if cell.suppressed is not None:
            cells.append(cell)
            continue
        values: dict[str, float | int | None] = {}
        for measure in query.measures:
            if measure.function != "quantile":
                values[measure.label] = cell.values.get(measure.label)
                continue
            values[measure.label] = _value(
                measure, cell.key, read, histograms.by_contributor, protection
            )
        cells.append(Cell(cell.key, values))
    return AggregateResult(
        dimensions=base.dimensions,
        measures=[m.label for m in query.measures],
        cells=cells,
        epsilon=epsilon,
        delta=base.delta,
        protections={**base.protections, "quantile": info},
    )


def _total(per_contributor: dict[Any, list[int]]) -> list[int]:
    total = [0] * BINS
    for counts in per_contributor.values():
        total = [a + b for a, b in zip(total, counts, strict=True)]
    return total


def _value(
    measure: Measure,
    key: Key,
    read: dict[str, dict[Key, list[int] | list[float]]],
    exact: dict[str, dict[Key, dict[Any, list[int]]]],
    protection: Protection,
) -> float | None:
    column = measure.column or ""
    bounds = protection.bounds(column)
    assert bounds is not None and measure.q is not None
    found = read_quantile(read[column].get(key, [0] * BINS), measure.q, bounds)
    if found is None:
        return None
    value, b = found
    in_bin = {c: counts[b] for c, counts in exact[column].get(key, {}).items()}
    if bin_rule(in_bin, protection) is not None:
        return None
    return round(value, 2)


def complete(
    base: AggregateResult,
    path: Path | str,
    table: TableSpec,
    protection: Protection,
    query: AggregateQuery,
    *,
    threads: int = 2,
    engine: str = DUCKDB,
    salt: int | None = None,
) -> AggregateResult:
    """The engine's answer to `split(query)[0]`, completed with the query's quantiles
    (their histograms computed by `engine`, on the file where it is for Spark)."""
    quantiles = quantile_measures(query)
    if not quantiles:
        return base
    histograms = fetch(path, table, protection, query, threads=threads, salt=salt, engine=engine)
    _base_query, base_protection = split(query, protection)
    # Each quantile column's histogram gets an equal share of what the engine did not spend.
    columns = len({m.column for m in quantiles})
    share = (protection.epsilon - base_protection.epsilon) / columns
    return add_quantiles(base, query, replace(protection, epsilon=share), histograms)


def unprotected(
    path: Path, table: TableSpec, protection: Protection, query: AggregateQuery
) -> dict[Key, dict[str, float | None]]:
    """The exact quantiles of the clamped values per cell (utility beside safety)."""
    quantiles = quantile_measures(query)
    if not quantiles:
        return {}
    params: list[Scalar] = []
    aliases = [f"d{i}" for i in range(len(query.dimensions))]
    selects: list[exp.Expr] = [
        sql._dimension_expr(d).as_(a) for d, a in zip(query.dimensions, aliases, strict=True)
    ]
    for j, measure in enumerate(quantiles):
        bounds = protection.bounds(measure.column or "")
        assert bounds is not None and measure.q is not None
        clamped = sql._clamped(bounds.column, bounds.lower, bounds.upper)
        selects.append(exp.func("quantile_cont", clamped, sql._num(measure.q)).as_(f"q{j}"))
    statement = exp.select(*selects).from_(sql.SOURCE).group_by(*[exp.column(a) for a in aliases])
    conditions = [sql._filter_expr(f, table, params) for f in query.filters]
    if conditions:
        statement = statement.where(exp.and_(*conditions))
    with run.reader(path, table) as read:
        rows = read.rows(statement, params)
    width = len(aliases)
    return {
        tuple(row[:width]): {
            m.label: (None if row[width + j] is None else float(row[width + j]))
            for j, m in enumerate(quantiles)
        }
        for row in rows
    }
