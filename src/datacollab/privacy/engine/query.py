"""The structured aggregate query: users choose names from the owner's lists, never SQL.

`AggregateQuery.from_dict` reads the JSON form (API, command, page) and `validate` checks
every name against the table and the owner's protection settings, so a query that reaches
the SQL builder only holds known columns, known functions and values bound as parameters.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from datacollab.privacy.engine.problems import QueryProblem
from datacollab.privacy.engine.spec import NUMERIC_TYPES, TIME_TYPES, Protection, TableSpec

TIME_BUCKETS = ("hour", "day", "week", "month")
# Cyclic buckets: the hour of the day (0-23) and the ISO day of the week (1 Monday - 7 Sunday),
# pooling every day or week of the data into one cell: far more signal per cell.
CYCLIC_BUCKETS = ("hour_of_day", "day_of_week")
BUCKETS = TIME_BUCKETS + CYCLIC_BUCKETS
FUNCTIONS = ("count", "sum", "mean", "quantile")
FILTER_OPS = ("eq", "in", "between")
MAX_DIMENSIONS = 3
MAX_MEASURES = 6
MAX_FILTERS = 10
MAX_FILTER_VALUES = 200

Scalar = str | int | float | bool


@dataclass(frozen=True)
class Dimension:
    column: str
    bucket: str | None = None  # time columns: hour, day, week or month
    bin: float | None = None  # numeric columns: the bin width

    @property
    def label(self) -> str:
        if self.bucket:
            return f"{self.column} ({self.bucket})"
        if self.bin is not None:
            return f"{self.column} (bin {_number_text(self.bin)})"
        return self.column

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column}
        if self.bucket:
            out["bucket"] = self.bucket
        if self.bin is not None:
            out["bin"] = self.bin
        return out


@dataclass(frozen=True)
class Measure:
    function: str
    column: str | None = None
    q: float | None = None  # quantiles only: 0.5 the median, 0.9 the 90th percentile

    @property
    def label(self) -> str:
        if self.q is not None:
            return f"p{self.q * 100:g}({self.column})"
        return self.function if self.column is None else f"{self.function}({self.column})"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"function": self.function}
        if self.column is not None:
            out["column"] = self.column
        if self.q is not None:
            out["q"] = self.q
        return out


@dataclass(frozen=True)
class Filter:
    column: str
    op: str
    values: tuple[Scalar, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "op": self.op, "values": list(self.values)}


@dataclass(frozen=True)
class AggregateQuery:
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    filters: tuple[Filter, ...] = ()

    @classmethod
    def from_dict(cls, data: Any) -> AggregateQuery:
        if not isinstance(data, dict):
            raise QueryProblem("not_an_object", part="query")
        unknown = sorted(set(data) - {"dimensions", "measures", "filters"})
        if unknown:
            raise QueryProblem("unknown_key", key=unknown[0])
        return cls(
            dimensions=tuple(_dimension(d) for d in _list(data, "dimensions")),
            measures=tuple(_measure(m) for m in _list(data, "measures")),
            filters=tuple(_filter(f) for f in _list(data, "filters")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimensions": [d.to_dict() for d in self.dimensions],
            "measures": [m.to_dict() for m in self.measures],
            "filters": [f.to_dict() for f in self.filters],
        }

    def canonical(self) -> str:
        """One text per query meaning: the key under which a released answer is kept."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def validate(self, table: TableSpec, protection: Protection) -> None:
        if not self.dimensions:
            raise QueryProblem("no_dimensions")
        if len(self.dimensions) > MAX_DIMENSIONS:
            raise QueryProblem("too_many", part="dimensions", maximum=MAX_DIMENSIONS)
        if not self.measures:
            raise QueryProblem("no_measures")
        if len(self.measures) > MAX_MEASURES:
            raise QueryProblem("too_many", part="measures", maximum=MAX_MEASURES)
        if len(self.filters) > MAX_FILTERS:
            raise QueryProblem("too_many", part="filters", maximum=MAX_FILTERS)
        seen: set[str] = set()
        for dimension in self.dimensions:
            _check_dimension(dimension, table, protection)
            if dimension.column in seen:
                raise QueryProblem("repeated_dimension", column=dimension.column)
            seen.add(dimension.column)
        labels = [m.label for m in self.measures]
        if len(set(labels)) != len(labels):
            raise QueryProblem("repeated_measure")
        for measure in self.measures:
            _check_measure(measure, protection)
        for item in self.filters:
            _check_filter(item, table, protection)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise QueryProblem("not_a_list", part=key)
    return value


def _text(data: dict[str, Any], key: str, part: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise QueryProblem("missing", part=part, key=key)
    return value


def _keys(data: Any, part: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise QueryProblem("not_an_object", part=part)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise QueryProblem("unknown_key", key=unknown[0])
    return data


def _dimension(data: Any) -> Dimension:
    data = _keys(data, "dimension", {"column", "bucket", "bin"})
    bucket = data.get("bucket")
    if bucket is not None and bucket not in BUCKETS:
        raise QueryProblem("bad_bucket", bucket=str(bucket), allowed=", ".join(BUCKETS))
    width = data.get("bin")
    if width is not None:
        if isinstance(width, bool) or not isinstance(width, int | float):
            raise QueryProblem("bad_bin", value=str(width))
        if not (math.isfinite(width) and width > 0):
            raise QueryProblem("bad_bin", value=str(width))
        width = float(width)
    return Dimension(_text(data, "column", "dimension"), bucket, width)


def _measure(data: Any) -> Measure:
    data = _keys(data, "measure", {"function", "column", "q"})
    function = _text(data, "function", "measure")
    if function not in FUNCTIONS:
        raise QueryProblem("bad_function", function=function, allowed=", ".join(FUNCTIONS))
    column = data.get("column")
    if function == "count":
        if column is not None:
            raise QueryProblem("count_takes_no_column")
        return Measure("count")
    if not isinstance(column, str) or not column:
        raise QueryProblem("missing", part="measure", key="column")
    if function == "quantile":
        return Measure(function, column, _q(data.get("q")))
    if data.get("q") is not None:
        raise QueryProblem("q_only_for_quantile")
    return Measure(function, column)


def _q(value: Any) -> float:
    # Strictly inside (0, 1): q = 0 or 1 would release the cell's minimum or maximum, a value
    # of one row.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QueryProblem("bad_q", value=str(value))
    if not (math.isfinite(value) and 0 < value < 1):
        raise QueryProblem("bad_q", value=str(value))
    return float(value)


def _filter(data: Any) -> Filter:
    data = _keys(data, "filter", {"column", "op", "values"})
    op = _text(data, "op", "filter")
    if op not in FILTER_OPS:
        raise QueryProblem("bad_op", op=op, allowed=", ".join(FILTER_OPS))
    values = data.get("values")
    if not isinstance(values, list):
        raise QueryProblem("not_a_list", part="values")
    expected = {"eq": (1, 1), "between": (2, 2), "in": (1, MAX_FILTER_VALUES)}[op]
    if not expected[0] <= len(values) <= expected[1]:
        raise QueryProblem("filter_arity", op=op, low=expected[0], high=expected[1])
    for value in values:
        if not isinstance(value, str | int | float | bool):
            raise QueryProblem("bad_value", value=str(value))
        if isinstance(value, float) and not math.isfinite(value):
            raise QueryProblem("bad_value", value=str(value))
    return Filter(_text(data, "column", "filter"), op, tuple(values))


def _check_dimension(dimension: Dimension, table: TableSpec, protection: Protection) -> None:
    column = table.column(dimension.column)
    if column is None or dimension.column not in protection.dimensions:
        raise QueryProblem("not_a_dimension", column=dimension.column)
    if dimension.bucket and column.type not in TIME_TYPES:
        raise QueryProblem("bucket_needs_time", column=dimension.column)
    if dimension.bin is not None and column.type not in NUMERIC_TYPES:
        raise QueryProblem("bin_needs_number", column=dimension.column)
    if column.type == "datetime" and not dimension.bucket:
        # A raw timestamp makes a cell per instant: always bucket time.
        raise QueryProblem("time_needs_bucket", column=dimension.column)
    if column.type == "number" and dimension.bin is None:
        raise QueryProblem("number_needs_bin", column=dimension.column)


def _check_measure(measure: Measure, protection: Protection) -> None:
    if measure.column is not None and protection.bounds(measure.column) is None:
        code = "quantile_needs_bounds" if measure.function == "quantile" else "not_a_measure"
        raise QueryProblem(code, column=measure.column)


def _check_filter(item: Filter, table: TableSpec, protection: Protection) -> None:
    column = table.column(item.column)
    if column is None or item.column not in protection.dimensions:
        raise QueryProblem("not_a_dimension", column=item.column)
    for value in item.values:
        if column.type in NUMERIC_TYPES:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise QueryProblem("value_type", column=item.column, value=str(value))
        elif column.type in TIME_TYPES:
            if not isinstance(value, str):
                raise QueryProblem("value_type", column=item.column, value=str(value))
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                raise QueryProblem("value_type", column=item.column, value=value) from None
        elif column.type == "boolean":
            if not isinstance(value, bool):
                raise QueryProblem("value_type", column=item.column, value=str(value))
        elif not isinstance(value, str):
            raise QueryProblem("value_type", column=item.column, value=str(value))
