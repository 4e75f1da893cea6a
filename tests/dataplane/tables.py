"""A generated Parquet file with every column type the engines read: strings with nulls,
integers, doubles (quarters, so every sum is exact in binary), aware timestamps, dates."""

from __future__ import annotations

import datetime as dt
import random
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
        ColumnSpec("day", "date"),
        ColumnSpec("speed", "number"),
        ColumnSpec("load", "integer"),
    )
)


def write(path: Path, *, rows: int = 3000, seed: int = 7) -> Path:
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    firms = [f"F{i}" for i in range(9)]
    data: dict[str, list[object]] = {name.name: [] for name in TABLE.columns}
    for _ in range(rows):
        firm = rng.choice(firms)
        at = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 200))
        data["firm"].append(firm)
        data["bike_id"].append(f"{firm}-{rng.randrange(6)}")
        data["zone"].append(rng.choice(["Z1", "Z2", "Z3", "Z4", None]))
        data["hour"].append(at.hour)
        data["recorded_at"].append(at)
        data["day"].append(at.date())
        data["speed"].append(None if rng.random() < 0.05 else rng.randrange(-20, 200) / 4)
        data["load"].append(rng.randrange(-5, 300))
    schema = pa.schema(
        [
            ("firm", pa.string()),
            ("bike_id", pa.string()),
            ("zone", pa.string()),
            ("hour", pa.int64()),
            ("recorded_at", pa.timestamp("us", tz="UTC")),
            ("day", pa.date32()),
            ("speed", pa.float64()),
            ("load", pa.int64()),
        ]
    )
    pq.write_table(pa.table(data, schema=schema), path)
    return path


# The measures, dimensions and protection both engine comparisons use.
SPEED = MeasureBounds("speed", 0.0, 40.0)
SIGNED = MeasureBounds("load", -10.0, 250.0)  # a negative lower bound: absolute sums too
ALL = ("zone", "hour", "recorded_at", "day", "speed", "load", "firm")


def protection(**overrides: Any) -> Protection:
    settings: dict[str, Any] = {
        "contributor": "firm",
        "dimensions": ALL,
        "measures": (SPEED, SIGNED),
        "k": 3,
        "dominance_n": 1,
        "dominance_share": 0.6,
        "min_rows": 5,
    }
    settings.update(overrides)
    return Protection(**settings)
