"""Protected aggregate queries: count, mean speed and mean PM2.5 by zone and hour of day.

The same grouped query on one Parquet file of synthetic eCargo-bike readings (three firms,
their bikes, zones, a week of timestamps): raw DuckDB with no protection (the 1.0) against
datacollab's protected engine (contribution bounding, disclosure control with secondary
suppression, OpenDP noise), and SmartNoise SQL on the 1M rows in its own venv under var/
(it pins old dependencies: made on first use with pip; `--no-smartnoise` skips it). The
ledger's debit is one small transaction in the app and is not timed here.

Run from the repository root: ``.venv/bin/python bench/aggregation.py [--large]
[--no-smartnoise] [--runs N]`` (--large adds the 10M-row run). The query groups by zone and
hour of the day (40 x 24 cells); the protections: firm as contributor (k 3, dominance 50 %),
trip as privacy unit (4 cells, 2 rows per cell), epsilon 1 per query, dimension values
public. Both sides are warmed up once, then timed RUNS times (median), each run on its own
DuckDB connection with 2 threads. The phase table says where the protected query's time goes.
The utility figures compare the released means with the unprotected ones over the released
cells.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from datacollab.privacy.engine import (
    AggregateQuery,
    ColumnSpec,
    MeasureBounds,
    Protection,
    TableSpec,
    run_query,
)

SEED = 20240501
ZONES = 40
BIKES_PER_FIRM = 100
HOURS = 24 * 7
RUNS = 3
TABLE = TableSpec(
    (
        ColumnSpec("firm", "string"),
        ColumnSpec("bike_id", "string"),
        ColumnSpec("trip_id", "string"),
        ColumnSpec("zone", "string"),
        ColumnSpec("recorded_at", "datetime"),
        ColumnSpec("speed", "number"),
        ColumnSpec("pm25", "number"),
    )
)
PROTECTION = Protection(
    contributor="firm",
    dimensions=("zone", "recorded_at"),
    measures=(MeasureBounds("speed", 0.0, 35.0), MeasureBounds("pm25", 0.0, 80.0)),
    # The unit is a bike's trip: per-bike DP over a week of zone x hour cells cannot give a
    # useful map (docs/guide/privacy.md works through the arithmetic).
    unit="trip_id",
    epsilon=1.0,
    max_cells_per_unit=4,
    max_rows_per_cell=2,
    public_dimensions=True,
)
QUERY = AggregateQuery.from_dict(
    {
        "dimensions": [{"column": "zone"}, {"column": "recorded_at", "bucket": "hour_of_day"}],
        "measures": [
            {"function": "count"},
            {"function": "mean", "column": "speed"},
            {"function": "mean", "column": "pm25"},
        ],
    }
)
RAW_SQL = """
SELECT zone, extract(hour FROM recorded_at) AS hour, count(*) AS n,
       avg(speed) AS speed, avg(pm25) AS pm25
FROM read_parquet(?) GROUP BY ALL
"""


def make_file(path: Path, rows: int) -> None:
    """Readings along trips: a trip is one bike in one four-hour slot, riding in its home
    zone and the next one; busier zones get more trips (a gentle skew, not Zipf)."""
    rng = np.random.default_rng(SEED)
    firm = rng.integers(0, 3, rows)
    bike = firm * BIKES_PER_FIRM + rng.integers(0, BIKES_PER_FIRM, rows)
    start = np.datetime64("2024-05-06T00:00:00", "s")
    seconds = rng.integers(0, HOURS * 3600, rows)
    slot = seconds // (4 * 3600)
    trip = bike * (HOURS // 4) + slot
    weights = 1 / np.sqrt(np.arange(1, ZONES + 1))
    home = np.random.default_rng(SEED + 1).choice(
        ZONES, size=int(trip.max()) + 1, p=weights / weights.sum()
    )
    zone = (home[trip] + rng.integers(0, 2, rows)) % ZONES
    speed = np.clip(rng.normal(14, 5, rows), 0, 45)
    pm25 = np.clip(rng.gamma(2.0, 8.0, rows) + zone * 0.5, 0, 300)
    table = pa.table(
        {
            "firm": pa.array(np.array(["Alpha", "Beta", "Gamma"])[firm]),
            "bike_id": pa.array([f"b{b}" for b in bike]),
            "trip_id": pa.array([f"t{t}" for t in trip]),
            "zone": pa.array([f"Z{z:02d}" for z in zone]),
            "recorded_at": pa.array(start + seconds.astype("timedelta64[s]")).cast(
                pa.timestamp("s", tz="UTC")
            ),
            "speed": pa.array(speed),
            "pm25": pa.array(pm25),
        }
    )
    pq.write_table(table, path)


ROOT = Path(__file__).resolve().parent.parent
SMARTNOISE_VENV = ROOT / "var" / "bench-smartnoise-venv"


def smartnoise_python() -> Path:
    """The separate venv with smartnoise-sql, made on first use (pip reaches the registry)."""
    python = SMARTNOISE_VENV / "bin" / "python"
    if not python.exists():
        venv.create(SMARTNOISE_VENV, with_pip=True)
    # Fixed argument lists, our own venv's python: no untrusted input.
    check = subprocess.run([str(python), "-c", "import snsql"], capture_output=True)  # noqa: S603
    if check.returncode != 0:
        install = [str(python), "-m", "pip", "install", "-q", "smartnoise-sql"]
        subprocess.run(install, check=True)  # noqa: S603
    return python


def time_smartnoise(path: Path, folder: Path, runs: int) -> tuple[float, int]:
    """The same rows as CSV (hour of day as a column), run by bench/peers/smartnoise_run.py."""
    csv = folder / "readings-smartnoise.csv"
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    # Both paths are our temporary files.
    select = "SELECT trip_id, zone, extract(hour FROM recorded_at) AS hod, speed, pm25"
    source = f"read_parquet('{path}')"
    copy = f"COPY ({select} FROM {source}) TO '{csv}' (HEADER, DELIMITER ',')"
    con.execute(copy)
    con.close()
    out = subprocess.run(  # noqa: S603
        [
            str(smartnoise_python()),
            str(ROOT / "bench" / "peers" / "smartnoise_run.py"),
            str(csv),
            str(runs),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    return float(answer["seconds"]), int(answer["cells"])


def time_raw(path: Path, runs: int) -> tuple[float, dict[tuple[str, object], tuple[float, ...]]]:
    times, answer = [], {}
    for run in range(runs + 1):
        con = duckdb.connect(":memory:", config={"threads": 2})
        con.execute("SET TimeZone = 'UTC'")
        started = time.perf_counter()
        rows = con.execute(RAW_SQL, [str(path)]).fetchall()
        if run > 0:  # the first run warms up (file cache, DuckDB's extension loading)
            times.append(time.perf_counter() - started)
        answer = {(r[0], r[1]): (float(r[2]), r[3], r[4]) for r in rows}
        con.close()
    return statistics.median(times), answer


def time_ours(path: Path, runs: int) -> tuple[float, object, dict[str, float]]:
    times, result, phases = [], None, []
    for run in range(runs + 1):
        timings: dict[str, float] = {}
        started = time.perf_counter()
        result = run_query(path, TABLE, PROTECTION, QUERY, threads=2, timings=timings)
        if run > 0:  # the first run warms up (file cache, OpenDP's library)
            times.append(time.perf_counter() - started)
            phases.append(timings)
    median_phases = {name: statistics.median(p[name] for p in phases) for name in phases[0]}
    return statistics.median(times), result, median_phases


PHASES = {
    "validate": "validate the query",
    "connect": "build the SQL, open DuckDB on the file",
    "aggregate": "one scan: per (cell, firm, trip) counts and clamped sums",
    "contributors": "per (cell, firm) totals for disclosure control",
    "bounding": "contribution bounding: 4 cells, 2 rows per trip",
    "cells": "cells into Python, values of the released cells",
    "suppression": "primary rules, secondary suppression",
    "noise": "OpenDP discrete Laplace on counts and sums",
}


def print_phases(label: str, total: float, phases: dict[str, float]) -> None:
    print(f"  where the protected {label} query's {total:.3f} s go (medians):")
    for name, what in PHASES.items():
        if name in phases:
            print(f"    {name:<13} {phases[name]:7.3f} s  {what}")
    other = total - sum(phases.values())
    print(f"    {'other':<13} {other:7.3f} s  the rest (result objects, timing)")


def utility(result: object, raw: dict) -> tuple[int, int, float]:
    errors = []
    released = 0
    for cell in result.cells:  # type: ignore[attr-defined]
        if cell.suppressed:
            continue
        released += 1
        truth = raw[(cell.key[0], cell.key[1])]
        for measure, true in zip(("mean(speed)", "mean(pm25)"), truth[1:], strict=True):
            value = cell.values[measure]
            if value is not None and true:
                errors.append(abs(value - true) / abs(true))
    median = statistics.median(errors) if errors else float("nan")
    return released, len(result.cells), median  # type: ignore[attr-defined]


def main() -> None:
    sizes = [1_000_000] + ([10_000_000] if "--large" in sys.argv else [])
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else RUNS
    summary: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench-aggregation-") as folder:
        for rows in sizes:
            path = Path(folder) / f"readings-{rows}.parquet"
            make_file(path, rows)
            raw_s, raw = time_raw(path, runs)
            ours_s, result, phases = time_ours(path, runs)
            released, cells, median = utility(result, raw)
            label = f"{rows // 1_000_000}m"
            print(
                f"{rows:>11,} rows: raw DuckDB {raw_s:.3f} s, protected {ours_s:.3f} s "
                f"(ratio {ours_s / raw_s:.1f}); {released} of {cells} cells released, "
                f"median relative error of the means {median:.3f}, "
                f"epsilon {result.epsilon:.3f}"  # type: ignore[attr-defined]
            )
            print_phases(label, ours_s, phases)
            summary[f"raw_{label}_s"] = f"{raw_s:.3f}"
            summary[f"ours_{label}_s"] = f"{ours_s:.3f}"
            summary[f"ratio_{label}"] = f"{ours_s / raw_s:.1f}"
            summary.setdefault("cells_released", f"{released}/{cells}")
            summary.setdefault("median_rel_error", f"{median:.3f}")
            if rows == 1_000_000 and "--no-smartnoise" not in sys.argv:
                sn_s, sn_cells = time_smartnoise(path, Path(folder), runs)
                print(
                    f"{rows:>11,} rows: SmartNoise SQL {sn_s:.3f} s, {sn_cells} cells released "
                    f"(ours {ours_s / sn_s:.4f} of its time)"
                )
                summary["smartnoise_1m_s"] = f"{sn_s:.3f}"
                summary["vs_smartnoise_1m"] = f"{sn_s / ours_s:.1f}"
    summary.setdefault("smartnoise_1m_s", "na")
    summary.setdefault("vs_smartnoise_1m", "na")
    order = [
        "raw_10m_s",
        "ours_10m_s",
        "ratio_10m",
        "raw_1m_s",
        "smartnoise_1m_s",
        "ours_1m_s",
        "ratio_1m",
        "vs_smartnoise_1m",
        "cells_released",
        "median_rel_error",
    ]
    print("bench aggregation: " + " ".join(f"{k}={summary[k]}" for k in order if k in summary))


if __name__ == "__main__":
    main()
