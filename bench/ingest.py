"""Ingest at scale: a 10,000,000-row sensor CSV through the service's parsing worker.

The worker path is the one uploads take: a separate, resource-limited process that detects the
format, checks the text, infers the schema, validates every row and writes typed Parquet (zstd).
Its wall time and peak resident memory (the child's own, from wait4) are compared with a named
peer in the same run: DuckDB alone, `COPY (SELECT * FROM read_csv(...)) TO 'x.parquet'`, in a
child process of its own. Goal: the worker's peak RSS under 1024 MB.
Run from the repository root: .venv/bin/python bench/ingest.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import django
import duckdb
from rich.console import Console
from rich.table import Table

from datacollab.datasets.ingest.limits import Limits
from datacollab.datasets.ingest.runner import run_worker

SEED = 20250601
ROWS = 10_000_000
PEER = "duckdb-copy"


def generate(path: Path, rows: int) -> None:
    """Six columns of e-cargo-bike readings; every value a fixed function of the row and SEED."""
    con = duckdb.connect(config={"memory_limit": "1GB", "threads": 2})
    con.execute("SET enable_progress_bar = false")
    # Numbers and our own temporary path only.
    sql = f"""
        COPY (
          SELECT
            TIMESTAMP '2025-01-01 00:00:00' + to_seconds(i * 3) AS recorded_at,
            'bike-' || lpad(CAST(hash(i // 1000, {SEED}) % 300 AS VARCHAR), 3, '0')
              AS vehicle_id,
            round(51.45 + (hash(i, {SEED}, 1) % 100000) / 1000000.0, 6) AS lat,
            round(-2.65 + (hash(i, {SEED}, 2) % 100000) / 1000000.0, 6) AS lon,
            round((hash(i, {SEED}, 3) % 3000) / 100.0, 2) AS speed_kmh,
            CAST(100 - (i % 100000) // 1000 AS INTEGER) AS battery_pct
          FROM range({rows}) AS t(i)
        ) TO '{path}' (FORMAT csv, HEADER true)
        """  # noqa: S608
    con.execute(sql)
    con.close()


PEER_SCRIPT = """
import sys, duckdb
source, target = sys.argv[1], sys.argv[2]
con = duckdb.connect(config={"threads": 2})
con.execute("SET enable_progress_bar = false")
con.execute(f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}' "
            "(FORMAT parquet, COMPRESSION zstd)")
"""


def run_peer(source: Path, target: Path) -> tuple[float, int]:
    """Seconds and peak RSS (MB) of DuckDB's own CSV-to-Parquet copy, alone in a child."""
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", PEER_SCRIPT, str(source), str(target)]
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the peer failed with exit code {process.returncode}")
    return time.monotonic() - started, int(usage.ru_maxrss / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    rows = parser.parse_args().rows
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datacollab.config.settings")
    django.setup()  # the worker's limits come from the same settings as the service's
    console = Console()
    limits = Limits.from_settings()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        work = Path(folder)
        source = work / "sensors.csv"
        started = time.monotonic()
        generate(source, rows)
        size_mb = source.stat().st_size / 1024 / 1024
        console.print(
            f"generated {rows:,} rows, {size_mb:,.0f} MB of CSV in "
            f"{time.monotonic() - started:.1f} s"
        )
        outcome = run_worker(
            source=source,
            name="sensors.csv",
            work_dir=work / "worker",
            limits=limits,
        )
        if outcome.status != "valid":
            raise SystemExit(f"the worker did not publish: {outcome.status} {outcome.refusal}")
        if outcome.rows != rows:
            raise SystemExit(f"the worker wrote {outcome.rows} rows, expected {rows}")
        ours_seconds, ours_peak = outcome.wall_seconds, outcome.peak_rss_mb
        parquet_mb = outcome.parquet.stat().st_size / 1024 / 1024 if outcome.parquet else 0.0
        peer_seconds, peer_peak = run_peer(source, work / "peer.parquet")
        peer_mb = (work / "peer.parquet").stat().st_size / 1024 / 1024

    table = Table(title=f"Ingest of {rows:,} rows ({size_mb:,.0f} MB CSV), 2 threads")
    for column in ("", "seconds", "rows/s", "peak RSS (MB)", "Parquet (MB)"):
        table.add_column(column, justify="left" if column == "" else "right")
    table.add_row(
        "datacollab worker",
        f"{ours_seconds:.2f}",
        f"{rows / ours_seconds:,.0f}",
        f"{ours_peak}",
        f"{parquet_mb:.0f}",
    )
    table.add_row(
        PEER,
        f"{peer_seconds:.2f}",
        f"{rows / peer_seconds:,.0f}",
        f"{peer_peak}",
        f"{peer_mb:.0f}",
    )
    console.print(table)
    phases = Table(title="Worker phases (wall and CPU seconds, peak RSS by the phase's end)")
    for column in ("phase", "seconds", "CPU seconds", "peak RSS (MB)"):
        phases.add_column(column, justify="left" if column == "phase" else "right")
    for name, seconds in outcome.phases.items():
        phases.add_row(
            name,
            f"{seconds:.2f}",
            f"{outcome.phase_cpu_seconds.get(name, 0.0):.2f}",
            f"{outcome.phase_peaks_mb.get(name, 0)}",
        )
    console.print(phases)
    console.print(
        f"{PEER}: read_csv with auto-detected types straight to Parquet (no schema, no "
        "validation, no limits)"
    )
    console.print(
        f"machine: {os.cpu_count()} cores, load average {load_before:.2f} before the run and "
        f"{os.getloadavg()[0]:.2f} after (other work on the machine slows both runs)"
    )
    console.print(
        f"worker address space at its peak: {outcome.vm_peak_mb} MB (VmPeak; the limit is on "
        "this, reserved but untouched memory included)"
    )
    console.print(
        f"worker limits: address space {limits.memory_mb} MB, DuckDB memory_limit "
        f"{limits.duckdb_memory_mb} MB, {limits.threads} threads; goal: peak RSS under 1024 MB "
        f"({'met' if ours_peak < 1024 else 'NOT met'})"
    )
    print(
        f"bench ingest: rows={rows} seconds={ours_seconds:.2f} peak_rss_mb={ours_peak} "
        f"peer={PEER} peer_seconds={peer_seconds:.2f} peer_peak_rss_mb={peer_peak} "
        f"ratio={ours_seconds / peer_seconds:.2f}"
    )


if __name__ == "__main__":
    main()
