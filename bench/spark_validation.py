"""Validation of one 10,000,000-row CSV on DuckDB and on Spark (local mode), side by side.

The file is bench/validation.py's synthetic eCargo-bike readings, scaled up, with the same
planted errors of thirteen kinds (a '17.5' in an integer column, 30 February, ragged
rows, a blank row, repeated keys...). Both engines validate it against the same schema
with the same error limit; the reports must be equal (every error, every count).

Spark's start (the JVM, then its Python workers on a first tiny file) is timed apart from
the validation itself. The per-row costs give where a cluster would overtake one
machine: `cores_to_match` is how many Spark cores, scaling linearly, would validate the
file in DuckDB's time on this machine (Spark ran on `local_cores` here).

The machine is shared: the load average is printed with the figures.

Run from the repository root: .venv/bin/python bench/spark_validation.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datacollab.config.settings")

import django  # noqa: E402

django.setup()

from bench.validation import SCHEMA, SEED, write_file  # noqa: E402
from datacollab.dataplane import spark_validation  # noqa: E402
from datacollab.datasets.validation import engine  # noqa: E402

ROWS = 10_000_000
LIMIT = 100_000


def _comparable(report: dict[str, Any]) -> tuple[Any, ...]:
    task = report["tasks"][0]
    stats = {k: v for k, v in task["stats"].items() if k != "seconds"}
    return task["errors"], stats, report["valid"]


def _start_spark(folder: Path) -> float:
    """Seconds to a session whose Python workers have run once (a two-line file)."""
    started = time.perf_counter()
    tiny = folder / "tiny.csv"
    tiny.write_text("reading_id\n1\n", encoding="utf-8")
    spark_validation.validate_with_route(tiny, {"fields": SCHEMA["fields"][:1]}, fmt="csv")
    return time.perf_counter() - started


def main(rows: int = ROWS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-spark-validation-") as tmp:
        folder = Path(tmp)
        path = folder / "readings.csv"
        started = time.perf_counter()
        planted = write_file(path, rows, SEED)
        written = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        start_s = _start_spark(folder)

        started = time.perf_counter()
        duck = engine.validate(path, SCHEMA, fmt="csv", limit_errors=LIMIT, engine="duckdb")
        duckdb_s = time.perf_counter() - started

        started = time.perf_counter()
        spark, route = spark_validation.validate_with_route(
            path, SCHEMA, fmt="csv", limit_errors=LIMIT
        )
        spark_s = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        size = path.stat().st_size

    cores = spark_validation.spark().sparkContext.defaultParallelism
    figures: dict[str, Any] = {
        "rows": rows,
        "megabytes": round(size / 1e6),
        "planted": sum(planted.values()),
        "errors": duck["stats"]["errors"],
        "write_s": round(written, 1),
        "spark_start_s": round(start_s, 2),
        "duckdb_s": round(duckdb_s, 2),
        "spark_s": round(spark_s, 2),
        "duckdb_us_per_row": round(duckdb_s / rows * 1e6, 3),
        "spark_us_per_row": round(spark_s / rows * 1e6, 3),
        "local_cores": cores,
        "cores_to_match": round(spark_s * cores / duckdb_s, 1),
        "on_spark": route is None,
        "route": route or "spark",
        "same_results": _comparable(duck) == _comparable(spark) and route is None,
        "load": round(max(load_before, load_after), 1),
    }
    table = Table(title=f"Validation of {rows:,} rows ({figures['megabytes']} MB CSV)")
    for column in ("engine", "seconds", "µs per row", "note"):
        table.add_column(column)
    table.add_row("Spark start", f"{start_s:.2f}", "", "JVM and Python workers, once")
    table.add_row("DuckDB", f"{duckdb_s:.2f}", f"{figures['duckdb_us_per_row']}", "engine.validate")
    table.add_row(
        f"Spark local[{cores}]",
        f"{spark_s:.2f}",
        f"{figures['spark_us_per_row']}",
        f"cores to match DuckDB: {figures['cores_to_match']}",
    )
    Console().print(table)
    print(
        f"errors={figures['errors']} planted={figures['planted']} load={figures['load']} "
        f"route={figures['route']}"
    )
    print(
        f"bench spark_validation: rows={rows} duckdb_s={figures['duckdb_s']} "
        f"spark_s={figures['spark_s']} same_results={'yes' if figures['same_results'] else 'no'} "
        f"spark_start_s={figures['spark_start_s']} cores_to_match={figures['cores_to_match']} "
        f"load={figures['load']}"
    )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args()
    result = main(args.rows)
    sys.exit(0 if result["same_results"] else 1)
