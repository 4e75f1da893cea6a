"""Quantiles' histograms: their SQL, and the engine that computes them.

One SQLGlot tree per histogram (`statements`), built like engine/sql.py's and rendered for
the engine the version is routed to: DuckDB in this process on a local file, or Spark on the
file where it is (privacy/engine/run.py's `reader`, dataplane/spark_sql.py's
rewrites). Both engines' rows pass through dataplane/values.py's normal form, so the
histograms that quantile.py releases from are the same numbers on either engine.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlglot import exp

from datacollab.dataplane.engine import DUCKDB
from datacollab.dataplane.values import normalise_rows
from datacollab.privacy.engine import run, sql
from datacollab.privacy.engine.query import AggregateQuery, Measure, Scalar
from datacollab.privacy.engine.spec import MeasureBounds, Protection, TableSpec

BINS = 32

Key = tuple[Any, ...]


def quantile_measures(query: AggregateQuery) -> list[Measure]:
    return [m for m in query.measures if m.function == "quantile"]


def _bin_expr(bounds: MeasureBounds) -> exp.Expression:
    value = sql._clamped(bounds.column, bounds.lower, bounds.upper)
    scaled = exp.Floor(
        this=exp.Div(
            this=exp.Mul(
                this=exp.paren(exp.Sub(this=value, expression=sql._num(bounds.lower))),
                expression=sql._num(BINS),
            ),
            expression=sql._num(bounds.upper - bounds.lower),
        )
    )
    capped = exp.func("LEAST", scaled, sql._num(BINS - 1))
    return exp.Cast(this=capped, to=exp.DataType.build("INTEGER"))


def _histogram_base(
    query: AggregateQuery,
    table: TableSpec,
    protection: Protection,
    bounds: MeasureBounds,
    by: str,
) -> tuple[exp.Select, list[Scalar]]:
    """Rows per (cell, `by`, bin): `by` is the contributor ("c") or the privacy unit ("u")."""
    params: list[Scalar] = []
    aliases = [f"d{i}" for i in range(len(query.dimensions))]
    selects: list[exp.Expr] = [
        sql._dimension_expr(d).as_(a) for d, a in zip(query.dimensions, aliases, strict=True)
    ]
    if by == "c":
        selects.append(sql._col(protection.contributor).as_("c"))
    else:
        # The engine's own fast hash groups the rows; the unit's value goes on to the
        # portable choice of cells and rows (sql.py).
        unit = exp.Anonymous(this="hash", expressions=[sql._col(protection.unit or "")])
        selects += [unit.as_("u"), sql.unit_value(protection)]
    selects += [_bin_expr(bounds).as_("b"), exp.Count(this=exp.Star()).as_("n")]
    conditions: list[exp.Expr] = [sql._filter_expr(f, table, params) for f in query.filters]
    conditions.append(exp.Not(this=exp.Is(this=sql._col(bounds.column), expression=exp.Null())))
    statement = (
        exp.select(*selects)
        .from_(sql.SOURCE)
        .where(exp.and_(*conditions))
        .group_by(*[exp.column(a) for a in aliases], exp.column(by), exp.column("b"))
    )
    return statement, params


def _bounded(
    base: exp.Select,
    query: AggregateQuery,
    table: TableSpec,
    protection: Protection,
    salt: int,
) -> exp.Select:
    """Per (cell, bin) rows after bounding each unit to L cells and R rows per cell."""
    aliases = [f"d{i}" for i in range(len(query.dimensions))]
    keys = [exp.column(a) for a in aliases]
    unit = sql.unit_text(protection, table)
    key_texts = [
        sql.text_of(exp.column(a), sql.dimension_kind(d, table), d.bin)
        for d, a in zip(query.dimensions, aliases, strict=True)
    ]
    # Which cells and which rows a unit keeps depends on its own rows and a salted hash only,
    # so one unit changes the histograms by at most L x R in L1. The hash is sql.py's
    # portable one (the same cells as the aggregate's for the same salt), so DuckDB and
    # Spark keep the same cells and rows; the keys, then the bins, break its rare ties.
    cell_order = exp.Order(
        expressions=[
            exp.Ordered(this=sql.portable_hash([unit, *key_texts], salt)),
            *(exp.Ordered(this=k.copy(), nulls_first=True) for k in keys),
        ]
    )
    rank = exp.Window(
        this=exp.Anonymous(this="DENSE_RANK", expressions=[]),
        partition_by=[exp.column("u")],
        order=cell_order,
    )
    ranked = exp.select("*", rank.as_("r")).from_(base.subquery("pu"))
    bin_text = sql.text_of(exp.column("b"), "integer")
    bin_order = exp.Order(
        expressions=[
            exp.Ordered(
                this=sql.portable_hash([unit.copy(), exp.Literal.string("b"), bin_text], salt)
            ),
            exp.Ordered(this=exp.column("b")),
        ]
    )
    upto = exp.Window(
        this=exp.Sum(this=exp.column("n")),
        partition_by=[*(k.copy() for k in keys), exp.column("u")],
        order=bin_order,
        spec=exp.WindowSpec(
            kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"
        ),
    )
    capped = (
        exp.select(*aliases, "b", "n", upto.as_("upto"))
        .from_(ranked.subquery("ranked"))
        .where(f"r <= {int(protection.max_cells_per_unit)}")
    )
    rows = int(protection.max_rows_per_cell)
    return (
        exp.select(*aliases, "b", f"SUM(GREATEST(LEAST(n, {rows} - (upto - n)), 0)) AS n")
        .from_(capped.subquery("capped"))
        .group_by(*aliases, "b")
    )


@dataclass(frozen=True)
class Histograms:
    """Per quantile column: per cell, per contributor, rows per bin; and with DP, per cell
    the bounded rows per bin."""

    by_contributor: dict[str, dict[Key, dict[Any, list[int]]]]
    bounded: dict[str, dict[Key, list[int]]] | None


@dataclass(frozen=True)
class Statement:
    """One histogram query: a column's rows per (cell, contributor, bin), or with DP its
    bounded rows per (cell, bin). Engine-neutral: `sql.render` or dataplane/spark_sql.py
    renders it."""

    column: str
    bounded: bool
    statement: exp.Expression
    parameters: list[Scalar]


def statements(
    query: AggregateQuery, table: TableSpec, protection: Protection, *, salt: int
) -> list[Statement]:
    """The histogram queries of the query's quantile columns, in column order."""
    built = []
    for column in sorted({m.column or "" for m in quantile_measures(query)}):
        bounds = protection.bounds(column)
        assert bounds is not None  # validated
        statement, params = _histogram_base(query, table, protection, bounds, "c")
        built.append(Statement(column, False, statement, params))
        if protection.unit:
            base, params = _histogram_base(query, table, protection, bounds, "u")
            bounded = _bounded(base, query, table, protection, salt)
            built.append(Statement(column, True, bounded, params))
    return built


def histograms_of(
    query: AggregateQuery,
    protection: Protection,
    asked: Sequence[Statement],
    answers: Sequence[Sequence[tuple[Any, ...]]],
) -> Histograms:
    """The histograms from each statement's rows (either engine's, in the one normal form of
    dataplane/values.py)."""
    width = len(query.dimensions)
    by_contributor: dict[str, dict[Key, dict[Any, list[int]]]] = {}
    bounded: dict[str, dict[Key, list[int]]] | None = {} if protection.unit else None
    for statement, rows in zip(asked, answers, strict=True):
        if not statement.bounded:
            cells: dict[Key, dict[Any, list[int]]] = {}
            for row in rows:
                per = cells.setdefault(tuple(row[:width]), {})
                per.setdefault(row[width], [0] * BINS)[int(row[width + 1])] += int(row[width + 2])
            by_contributor[statement.column] = cells
            continue
        assert bounded is not None
        counts: dict[Key, list[int]] = {}
        for row in rows:
            counts.setdefault(tuple(row[:width]), [0] * BINS)[int(row[width])] += int(
                row[width + 1]
            )
        bounded[statement.column] = counts
    return Histograms(by_contributor, bounded)


def fetch(
    path: Path | str,
    table: TableSpec,
    protection: Protection,
    query: AggregateQuery,
    *,
    threads: int = 2,
    salt: int | None = None,
    engine: str = DUCKDB,
) -> Histograms:
    """The histograms of the query's quantile columns, read as run.reader reads the aggregates';
    `salt` (random if None) picks which cells and rows each unit keeps."""
    chosen = secrets.randbelow(2**31) if salt is None else salt
    asked = statements(query, table, protection, salt=chosen)
    with run.reader(path, table, engine=engine, threads=threads) as read:
        answers = [normalise_rows(read.rows(s.statement, s.parameters)) for s in asked]
    return histograms_of(query, protection, asked, answers)
