"""What a query releases: cells with values or the rule that suppressed them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Rules a cell can be suppressed by, in the order they are checked.
RULE_MIN_ROWS = "min_rows"
RULE_THRESHOLD = "threshold"
RULE_DOMINANCE = "dominance"
RULE_DP_THRESHOLD = "dp_threshold"
RULE_SECONDARY = "secondary"


@dataclass
class Cell:
    key: tuple[Any, ...]
    values: dict[str, float | int | None] = field(default_factory=dict)
    suppressed: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": [_plain(v) for v in self.key],
            "values": None if self.suppressed else self.values,
            "suppressed": self.suppressed,
        }


@dataclass
class AggregateResult:
    dimensions: list[str]
    measures: list[str]
    cells: list[Cell]
    epsilon: float = 0.0
    delta: float = 0.0
    protections: dict[str, Any] = field(default_factory=dict)

    @property
    def released(self) -> int:
        return sum(1 for cell in self.cells if cell.suppressed is None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimensions": self.dimensions,
            "measures": self.measures,
            "cells": [cell.to_dict() for cell in self.cells],
            "epsilon": self.epsilon,
            "delta": self.delta,
            "protections": self.protections,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AggregateResult:
        return cls(
            dimensions=list(data["dimensions"]),
            measures=list(data["measures"]),
            cells=[
                Cell(tuple(c["key"]), dict(c["values"] or {}), c["suppressed"])
                for c in data["cells"]
            ],
            epsilon=float(data["epsilon"]),
            delta=float(data["delta"]),
            protections=dict(data.get("protections") or {}),
        )


def _plain(value: Any) -> Any:
    """JSON-ready key values: times as ISO 8601 text, whole floats as ints."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
