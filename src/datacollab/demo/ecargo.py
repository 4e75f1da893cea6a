"""Synthetic eCargo-bike sensor data of three delivery firms (the Data Cargo collaboration).

Each row is one trip segment: which firm's bike, where (a city zone, with coordinates), when,
how far and fast, what it carried and the battery left. The firms differ in fleet size and
zones served, so aggregates per zone have few contributors in places and one dominant firm in
others: the cases the privacy engine's thresholds and dominance rules exist for.
Generated with a fixed seed: the same table every time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Firm:
    name: str
    bikes: int
    zones: tuple[str, ...]  # the zones it serves; the first is its home zone


# Central London zones with a representative point each (lat, lon).
ZONES: dict[str, tuple[float, float]] = {
    "Camden": (51.5390, -0.1426),
    "City of London": (51.5155, -0.0922),
    "Hackney": (51.5450, -0.0553),
    "Islington": (51.5380, -0.1030),
    "Lambeth": (51.4607, -0.1163),
    "Southwark": (51.5035, -0.0804),
    "Tower Hamlets": (51.5099, -0.0059),
    "Westminster": (51.4975, -0.1357),
}

FIRMS = (
    # Fleets close enough in size that no firm dominates a zone it shares with both others.
    Firm(
        "Pedal Post",
        16,
        (
            "Hackney",
            "Islington",
            "City of London",
            "Tower Hamlets",
            "Camden",
            "Westminster",
            "Southwark",
        ),
    ),
    Firm(
        "Green Courier Co",
        14,
        (
            "Southwark",
            "Lambeth",
            "City of London",
            "Westminster",
            "Islington",
            "Tower Hamlets",
            "Hackney",
        ),
    ),
    # Small, and with Pedal Post the only firm in Camden; Lambeth is Green Courier's alone:
    # zones where per-zone totals would show one or two firms' figures.
    Firm(
        "CargoCycle Logistics",
        12,
        (
            "Westminster",
            "Camden",
            "City of London",
            "Islington",
            "Southwark",
            "Hackney",
            "Tower Hamlets",
        ),
    ),
)

START = datetime(2021, 3, 1, tzinfo=UTC)

SCHEMA = pa.schema(
    [
        ("firm", pa.string()),
        ("bike_id", pa.string()),
        ("trip_id", pa.string()),
        ("started_at", pa.timestamp("s", tz="UTC")),
        ("zone", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("distance_km", pa.float64()),
        ("duration_min", pa.float64()),
        ("avg_speed_kmh", pa.float64()),
        ("payload_kg", pa.float64()),
        ("battery_pct", pa.int64()),
    ]
)


def generate(*, days: int = 28, seed: int = 2020) -> pa.Table:
    """About 170 trips per bike in four weeks: some 7,000 rows for the default fleet."""
    rng = np.random.default_rng(seed)
    columns: dict[str, list[object]] = {name: [] for name in SCHEMA.names}
    for firm_index, firm in enumerate(FIRMS):
        prefix = "".join(word[0] for word in firm.name.split()).upper()
        for bike in range(firm.bikes):
            bike_id = f"{prefix}-{bike + 1:03d}"
            trips = rng.poisson(6 * days)  # about six trips a working day
            starts = np.sort(rng.uniform(0, days * 24 * 60, trips))
            # Most trips in the home zone; the rest spread over the zones served.
            weights = np.array([1.5] + [1.0] * (len(firm.zones) - 1))
            zones = rng.choice(len(firm.zones), size=trips, p=weights / weights.sum())
            for t in range(trips):
                zone = firm.zones[zones[t]]
                lat0, lon0 = ZONES[zone]
                distance = float(np.round(rng.gamma(3.0, 1.6), 2))
                speed = float(np.round(np.clip(rng.normal(14.5 - firm_index, 2.5), 6, 25), 1))
                minute = int(starts[t])
                # Deliveries happen in working hours: fold night-time minutes into the day.
                day, in_day = divmod(minute, 24 * 60)
                in_day = 7 * 60 + in_day % (13 * 60)
                columns["firm"].append(firm.name)
                columns["bike_id"].append(bike_id)
                columns["trip_id"].append(f"{bike_id}-{t + 1:04d}")
                columns["started_at"].append(START + timedelta(days=day, minutes=in_day))
                columns["zone"].append(zone)
                columns["lat"].append(round(lat0 + rng.normal(0, 0.006), 5))
                columns["lon"].append(round(lon0 + rng.normal(0, 0.009), 5))
                columns["distance_km"].append(distance)
                columns["duration_min"].append(round(distance / speed * 60, 1))
                columns["avg_speed_kmh"].append(speed)
                columns["payload_kg"].append(float(np.round(rng.uniform(5, 120), 1)))
                columns["battery_pct"].append(int(np.clip(rng.normal(62, 18), 5, 100)))
    return pa.table(columns, schema=SCHEMA)


# The large build (`datacollab demo --large`): the same firms, zones and distributions as
# `generate`, with fleets scaled up, drawn column by column with numpy and written to Parquet
# a chunk at a time, so millions of rows take seconds and memory stays at one chunk.
LARGE_ROWS = 5_000_000
CHUNK_ROWS = 500_000
ROWS_PER_BIKE = 168  # about six trips a working day for four weeks, as `generate`


def _firm_arrays(fleet_scale: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    bikes = np.array([firm.bikes * fleet_scale for firm in FIRMS])
    prefixes = ["".join(word[0] for word in firm.name.split()).upper() for firm in FIRMS]
    return bikes, bikes / bikes.sum(), prefixes


def _chunk(rng: np.random.Generator, first_row: int, rows: int, fleet_scale: int) -> pa.Table:
    bikes, shares, prefixes = _firm_arrays(fleet_scale)
    zone_names = list(ZONES)
    firm = rng.choice(len(FIRMS), size=rows, p=shares)
    bike = rng.integers(0, bikes[firm])
    zone = np.empty(rows, dtype=np.int64)
    for f, spec in enumerate(FIRMS):
        # Most trips in the home zone; the rest spread over the zones served.
        mine = np.flatnonzero(firm == f)
        weights = np.array([1.5] + [1.0] * (len(spec.zones) - 1))
        served = np.array([zone_names.index(z) for z in spec.zones])
        zone[mine] = served[rng.choice(len(spec.zones), size=len(mine), p=weights / weights.sum())]
    # Deliveries happen in working hours, 07:00 to 20:00.
    seconds = rng.integers(0, 28, rows) * 86_400 + (7 * 60 + rng.integers(0, 13 * 60, rows)) * 60
    distance = np.round(rng.gamma(3.0, 1.6, rows), 2)
    speed = np.round(np.clip(rng.normal(14.5 - firm, 2.5), 6, 25), 1)
    centres = np.array([ZONES[name] for name in zone_names])
    number = pa.array(bike + 1).cast(pa.string())
    bike_id = pc.binary_join_element_wise(
        pa.array(prefixes).take(pa.array(firm)),
        pc.utf8_lpad(number, width=5, padding="0"),
        "-",
    )
    trip = pc.utf8_lpad(
        pa.array(np.arange(first_row, first_row + rows) + 1).cast(pa.string()), 8, "0"
    )
    start = np.datetime64(START.replace(tzinfo=None), "s")
    return pa.table(
        {
            "firm": pa.array([firm.name for firm in FIRMS]).take(pa.array(firm)),
            "bike_id": bike_id,
            "trip_id": pc.binary_join_element_wise(bike_id, trip, "-"),
            "started_at": pa.array(start + seconds.astype("timedelta64[s]")).cast(
                SCHEMA.field("started_at").type
            ),
            "zone": pa.array(zone_names).take(pa.array(zone)),
            "lat": np.round(centres[zone, 0] + rng.normal(0, 0.006, rows), 5),
            "lon": np.round(centres[zone, 1] + rng.normal(0, 0.009, rows), 5),
            "distance_km": distance,
            "duration_min": np.round(distance / speed * 60, 1),
            "avg_speed_kmh": speed,
            "payload_kg": np.round(rng.uniform(5, 120, rows), 1),
            "battery_pct": np.clip(rng.normal(62, 18, rows), 5, 100).astype(np.int64),
        },
        schema=SCHEMA,
    )


def write_large(
    path: Path,
    *,
    rows: int = LARGE_ROWS,
    seed: int = 2020,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """Write `rows` trips to `path` (Parquet, zstd); the same file for the same seed and rows.

    Calls `progress(rows_written)` after each chunk. Returns the rows written.
    """
    rng = np.random.default_rng(seed)
    fleet_scale = max(1, -(-rows // (ROWS_PER_BIKE * sum(f.bikes for f in FIRMS))))
    written = 0
    with pq.ParquetWriter(path, SCHEMA, compression="zstd") as writer:
        while written < rows:
            size = min(chunk_rows, rows - written)
            writer.write_table(_chunk(rng, written, size, fleet_scale), row_group_size=122_880)
            written += size
            if progress is not None:
                progress(written)
    return written
