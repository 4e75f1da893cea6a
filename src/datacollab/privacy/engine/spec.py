"""What the engine knows of a dataset: its columns, and the protections its owner set."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from datacollab.privacy.engine.problems import QueryProblem

# Frictionless Table Schema types the engine understands, by how it may use them.
TIME_TYPES = frozenset({"datetime", "date"})
NUMERIC_TYPES = frozenset({"integer", "number"})
KNOWN_TYPES = TIME_TYPES | NUMERIC_TYPES | frozenset({"string", "boolean", "year"})


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[ColumnSpec, ...]

    @classmethod
    def from_table_schema(cls, schema: dict[str, Any]) -> TableSpec:
        fields = schema.get("fields") or []
        return cls(
            tuple(
                ColumnSpec(str(f["name"]), str(f.get("type") or "string"))
                for f in fields
                if isinstance(f, dict) and f.get("name")
            )
        )

    def column(self, name: str) -> ColumnSpec | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None


@dataclass(frozen=True)
class MeasureBounds:
    """A measure column and the bounds its values are clamped to (DP sensitivity needs them)."""

    column: str
    lower: float
    upper: float

    @property
    def midpoint(self) -> float:
        return (self.lower + self.upper) / 2

    @property
    def half_range(self) -> float:
        """The most one clamped value can move a sum centred on the midpoint."""
        return (self.upper - self.lower) / 2


@dataclass(frozen=True)
class Protection:
    """The owner's settings. Defaults are the safe ones the guide explains."""

    contributor: str
    dimensions: tuple[str, ...]
    measures: tuple[MeasureBounds, ...] = ()
    # Statistical disclosure control, with the contributor (e.g. a firm) as the unit.
    k: int = 3
    dominance_n: int = 1
    dominance_share: float = 0.5
    min_rows: int = 5
    rounding: int = 1
    # Differential privacy, with `unit` (e.g. a bike) as the privacy unit; no unit: no noise.
    unit: str | None = None
    epsilon: float = 1.0
    delta: float = 1e-7
    max_cells_per_unit: int = 24
    max_rows_per_cell: int = 1
    # The owner declares the dimensions' values (zone names, hours) public knowledge: the
    # cells present are then released without OpenDP's key threshold (pure epsilon, delta 0).
    public_dimensions: bool = False
    # Without noise: the dimension lattice the owner allows, as (column, bucket, bin) triples.
    # Every query's cells are cells of this lattice, under one suppression pattern computed
    # over all of it (engine/lattice.py), so no set of queries recomputes a suppressed cell.
    lattice: tuple[tuple[str, str | None, float | None], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def bounds(self, column: str) -> MeasureBounds | None:
        for bounds in self.measures:
            if bounds.column == column:
                return bounds
        return None

    def check(self, table: TableSpec) -> None:
        """Refuse settings that name unknown columns or would switch a protection off."""
        for name in (self.contributor, *self.dimensions, *(m.column for m in self.measures)):
            if table.column(name) is None:
                raise QueryProblem("unknown_column", column=name)
        if self.unit is not None and table.column(self.unit) is None:
            raise QueryProblem("unknown_column", column=self.unit)
        for bounds in self.measures:
            column = table.column(bounds.column)
            if column is None or column.type not in NUMERIC_TYPES:
                raise QueryProblem("measure_not_numeric", column=bounds.column)
            if not (math.isfinite(bounds.lower) and math.isfinite(bounds.upper)):
                raise QueryProblem("bounds_not_finite", column=bounds.column)
            if bounds.lower >= bounds.upper:
                raise QueryProblem("bounds_order", column=bounds.column)
        if self.k < 2:
            raise QueryProblem("setting_too_low", setting="k", minimum=2)
        if self.dominance_n < 1:
            raise QueryProblem("setting_too_low", setting="dominance_n", minimum=1)
        if not 0 < self.dominance_share <= 1:
            raise QueryProblem("setting_range", setting="dominance_share", low=0, high=1)
        if self.min_rows < 1:
            raise QueryProblem("setting_too_low", setting="min_rows", minimum=1)
        if self.rounding < 1:
            raise QueryProblem("setting_too_low", setting="rounding", minimum=1)
        if self.unit is not None:
            if not (math.isfinite(self.epsilon) and self.epsilon > 0):
                raise QueryProblem("setting_range", setting="epsilon", low=0, high="∞")
            if not 0 < self.delta < 1e-3:
                raise QueryProblem("setting_range", setting="delta", low=0, high=0.001)
            if self.max_cells_per_unit < 1 or self.max_rows_per_cell < 1:
                raise QueryProblem("setting_too_low", setting="contribution bounds", minimum=1)
