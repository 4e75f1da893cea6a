"""One normal form for the rows either engine returns, applied before anything reads them.

Spark answers sums of decimals as `Decimal`, counts as `int` and timestamps through Arrow;
DuckDB answers in its own types. Both engines' rows pass through `normalise_rows`, so the
disclosure rules, the noise and the released cells see identical Python values.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any


def normalise(value: Any) -> Any:
    # A Decimal becomes the float the DuckDB path has always used (`float(v)` in cells_of):
    # integral ones stay exact below 2**53, far beyond any count or scaled sum here.
    if isinstance(value, Decimal):
        return float(value)
    return value


def normalise_rows(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(normalise(v) for v in row) for row in rows]
