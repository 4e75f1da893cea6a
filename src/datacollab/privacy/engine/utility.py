"""Utility beside safety: what protection cost a result, against the unprotected answer.

The unprotected answer is the same query with no suppression and no noise (values still
clamped to the owner's bounds, as the protected answer's are). Only the owner sees it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from datacollab.privacy.engine import run
from datacollab.privacy.engine.query import AggregateQuery
from datacollab.privacy.engine.result import AggregateResult, Cell
from datacollab.privacy.engine.spec import Protection, TableSpec


@dataclass(frozen=True)
class Utility:
    released: int
    cells: int
    median_relative_error: float | None  # over released cells' values; None: nothing to compare
    # The same per measure: without noise counts and means are exact, and one overall median
    # would hide what quantiles (read from bins) or noise cost.
    by_measure: dict[str, float] = field(default_factory=dict)

    @property
    def share_released(self) -> float | None:
        return None if self.cells == 0 else self.released / self.cells


def _key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(Cell(key, {}).to_dict()["key"])


def unprotected(
    path: Path, table: TableSpec, protection: Protection, query: AggregateQuery
) -> dict[tuple[Any, ...], dict[str, float | int | None]]:
    plain = replace(protection, unit=None)
    statements, per_contributor, _bounded = run.fetch(path, table, plain, query)
    columns = statements.measure_columns
    _index, keys, stats, sums = run.cells_of(
        per_contributor, len(statements.dimension_aliases), len(columns)
    )
    bounds_of = {b.column: (b.lower, b.upper) for b in protection.measures}
    out = {}
    for i, key in enumerate(keys):
        count = sum(s.rows for s in stats[i].values())
        out[_key(key)] = run._values(query, columns, count, sums[i], 1, bounds_of)
    return out


def compare(result: AggregateResult, truth: dict[tuple[Any, ...], dict[str, Any]]) -> Utility:
    errors = []
    per_measure: dict[str, list[float]] = {}
    for cell in result.cells:
        if cell.suppressed is not None:
            continue
        exact = truth.get(_key(cell.key), {})
        for label, value in cell.values.items():
            true = exact.get(label)
            if value is None or true is None or true == 0:
                continue
            error = abs(float(value) - float(true)) / abs(float(true))
            errors.append(error)
            per_measure.setdefault(label, []).append(error)
    return Utility(
        released=result.released,
        cells=len(result.cells),
        median_relative_error=statistics.median(errors) if errors else None,
        by_measure={
            label: statistics.median(found)
            for label in result.measures
            if (found := per_measure.get(label))
        },
    )
