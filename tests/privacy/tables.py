"""Small Parquet tables for the privacy engine tests, written with pyarrow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from datacollab.privacy.engine import ColumnSpec, MeasureBounds, Protection, TableSpec

TABLE = TableSpec(
    (
        ColumnSpec("firm", "string"),
        ColumnSpec("bike_id", "string"),
        ColumnSpec("zone", "string"),
        ColumnSpec("hour", "integer"),
        ColumnSpec("recorded_at", "datetime"),
        ColumnSpec("speed", "number"),
    )
)


def protection(**overrides: Any) -> Protection:
    settings: dict[str, Any] = {
        "contributor": "firm",
        "dimensions": ("zone", "hour", "recorded_at", "speed"),
        "measures": (MeasureBounds("speed", 0.0, 40.0),),
    }
    settings.update(overrides)
    return Protection(**settings)


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    pq.write_table(pa.table(columns), path)
    return path


def row(
    firm: str,
    zone: str = "Z1",
    *,
    hour: int = 8,
    speed: float = 10.0,
    bike: str | None = None,
    recorded_at: Any = None,
) -> dict[str, Any]:
    import datetime as dt

    return {
        "firm": firm,
        "bike_id": bike or f"{firm}-1",
        "zone": zone,
        "hour": hour,
        "recorded_at": recorded_at or dt.datetime(2024, 5, 1, hour, 15, tzinfo=dt.UTC),
        "speed": speed,
    }
