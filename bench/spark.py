"""The protected aggregate on DuckDB and on Spark (local mode) over one 10,000,000-row file.

The file is synthetic eCargo-bike readings made by DuckDB in a temporary folder: three firms,
trips of 8 readings (the privacy unit) in one zone and hour, 40 zones, a week of times;
speeds and PM2.5 in quarters, so every sum is exact in binary and the two engines' exact
aggregates can be compared with `==`. The query: count, mean speed and mean PM2.5 by zone and
hour of the day (40 x 24 cells), firm as contributor (k 3, dominance), trip as unit (4 cells,
2 rows per cell), epsilon 1, dimension values public: bench/aggregation.py's query.

Timed, each the median of RUNS runs after one warm-up run:
- DuckDB: `run_query(..., engine="duckdb")`, two threads, as the web process runs it;
- Spark: `run_query(..., engine="spark")` on a warm `local[2]` session. The JVM's start
  (`dataplane.spark.session()`, once per process) is reported apart, and so is a warm query
  on a 1,000-row file: Spark's fixed cost per query (planning, scheduling its jobs).

Then a quantile query, the same on both engines (QUANTILES: the median and 90th percentile
of speed and the median of PM2.5 by zone and hour of the day): the engine's answer without
the quantiles, then `quantile.complete`, whose histograms Spark computes where the file is.
Its protection is PROTECTION, 2 rows per cell: a trip's 8 readings are cut to 2, chosen by
the portable salted hash (privacy/engine/sql.py), so both engines keep the same 2 and the
bounded histograms compare with `==` although the bound binds.

`same_results` compares, with the same salt, the exact per-(cell, contributor) aggregates,
the bounded per-cell inputs OpenDP receives, and the released cells (keys and suppression),
and for the quantile query the exact per-(cell, contributor) and bounded histograms and its
released cells: the noise itself is OpenDP's, drawn from the system's randomness after the
exact numbers, so it is never the same twice on either engine.

Run from the repository root: ``.venv/bin/python bench/spark.py [--rows N] [--runs N]``;
it then runs bench/spark_validation.py on a CSV of the same number of rows (``--no-validation``
skips it) and `same_results` says yes only if both the aggregate and the validation agree.
The last line is `bench spark: rows=... duckdb_s=... spark_s=... same_results=yes|no ...`;
`main()` returns the figures as a dict and `print_line(figures)` prints them, so another
bench (the validation on Spark, bench/spark_validation.py) can add its figures to the line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datacollab.config.settings")

import django

django.setup()

from datacollab.dataplane import spark  # noqa: E402
from datacollab.privacy.engine import (  # noqa: E402
    AggregateQuery,
    ColumnSpec,
    TableSpec,
    quantile,
    run,
)

ROWS = 10_000_000
RUNS = 3
SALT = 20240501
TABLE = TableSpec(
    (
        ColumnSpec("firm", "string"),
        ColumnSpec("trip_id", "string"),
        ColumnSpec("zone", "string"),
        ColumnSpec("recorded_at", "datetime"),
        ColumnSpec("speed", "number"),
        ColumnSpec("pm25", "number"),
    )
)
# The same protection and query as bench/aggregation.py, so the two benches' figures compare.
from aggregation import PROTECTION, QUERY  # noqa: E402

QUANTILES = AggregateQuery.from_dict(
    {
        "dimensions": [{"column": "zone"}, {"column": "recorded_at", "bucket": "hour_of_day"}],
        "measures": [
            {"function": "count"},
            {"function": "quantile", "column": "speed", "q": 0.5},
            {"function": "quantile", "column": "speed", "q": 0.9},
            {"function": "quantile", "column": "pm25", "q": 0.5},
        ],
    }
)
QUANTILE_PROTECTION = PROTECTION


def generate(path: Path, rows: int) -> None:
    """Trips of 8 readings, each trip in one zone and one hour (so it keeps its one cell)."""
    con = duckdb.connect(":memory:", config={"threads": 2})
    # The path is our temporary file and rows an int: nothing here comes from outside.
    con.execute(
        f"""
        COPY (
            SELECT
                'F' || ((i // 8) % 3) AS firm,
                'T' || (i // 8) AS trip_id,
                'Z' || (((i // 8) * 7919) % 40) AS zone,
                TIMESTAMP '2024-05-06 00:00:00'
                    + to_hours(((i // 8) * 104729) % (24 * 7))
                    + to_seconds(i % 8 * 60) AS recorded_at,
                ((i * 37) % 140) / 4.0 AS speed,
                ((i * 53) % 320) / 4.0 AS pm25
            FROM range({int(rows)}) t(i)
        ) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
        """  # noqa: S608
    )
    con.close()


def _median_seconds(action: Callable[[], Any], runs: int) -> tuple[float, Any]:
    action()  # warm-up: file cache, and on Spark the classes of the plan
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def _exact(path: Path, engine: str) -> tuple[list[Any], list[Any] | None]:
    _, per_contributor, bounded = run.fetch(
        path, TABLE, PROTECTION, QUERY, engine=engine, salt=SALT
    )
    return sorted(per_contributor, key=run._sort_key), (
        None if bounded is None else sorted(bounded, key=run._sort_key)
    )


def _quantiles(path: Path, engine: str) -> Any:
    """The service's steps for a query with quantiles, every one on `engine`."""
    base_query, base_protection = quantile.split(QUANTILES, QUANTILE_PROTECTION)
    base = run.run_query(path, TABLE, base_protection, base_query, engine=engine)
    return quantile.complete(base, path, TABLE, QUANTILE_PROTECTION, QUANTILES, engine=engine)


def _histograms(path: Path, engine: str) -> quantile.Histograms:
    return quantile.fetch(path, TABLE, QUANTILE_PROTECTION, QUANTILES, engine=engine, salt=SALT)


def _released(result: Any) -> list[tuple[Any, str | None]]:
    return [(cell.key, cell.suppressed) for cell in result.cells]


def main(rows: int = ROWS, runs: int = RUNS) -> dict[str, Any]:
    figures: dict[str, Any] = {"rows": rows, "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as folder:
        path, tiny = Path(folder) / "readings.parquet", Path(folder) / "tiny.parquet"
        started = time.perf_counter()
        generate(path, rows)
        generate(tiny, 1000)
        figures["generate_s"] = time.perf_counter() - started

        def query(engine: str, on: Path = path) -> Any:
            return run.run_query(on, TABLE, PROTECTION, QUERY, engine=engine)

        figures["duckdb_s"], duck_result = _median_seconds(lambda: query("duckdb"), runs)
        started = time.perf_counter()
        spark.session()
        figures["jvm_start_s"] = time.perf_counter() - started
        figures["spark_s"], spark_result = _median_seconds(lambda: query("spark"), runs)
        figures["spark_fixed_s"], _ = _median_seconds(lambda: query("spark", tiny), runs)
        figures["duckdb_fixed_s"], _ = _median_seconds(lambda: query("duckdb", tiny), runs)
        same = _exact(path, "duckdb") == _exact(path, "spark") and _released(
            duck_result
        ) == _released(spark_result)
        figures["quantile_duckdb_s"], duck_q = _median_seconds(
            lambda: _quantiles(path, "duckdb"), runs
        )
        figures["quantile_spark_s"], spark_q = _median_seconds(
            lambda: _quantiles(path, "spark"), runs
        )
        same_q = _histograms(path, "duckdb") == _histograms(path, "spark") and _released(
            duck_q
        ) == _released(spark_q)
        figures["same_quantiles"] = "yes" if same_q else "no"
        figures["same_results"] = "yes" if same and same_q else "no"
        figures["released"] = duck_result.released
    figures["load_after"] = os.getloadavg()[0]
    # Per-row costs on two cores, without each engine's fixed cost per query.
    figures["duckdb_ns_per_row"] = (figures["duckdb_s"] - figures["duckdb_fixed_s"]) / rows * 1e9
    figures["spark_ns_per_row"] = (figures["spark_s"] - figures["spark_fixed_s"]) / rows * 1e9
    return figures


def crossover(figures: dict[str, Any], *, executor_cores: int) -> float | None:
    """Rows above which Spark on `executor_cores` cores answers sooner than DuckDB on the web
    host's two: Spark's per-row cost divides by its cores / 2 (the scan and the first
    aggregate are embarrassingly parallel), its fixed cost does not."""
    duck = figures["duckdb_ns_per_row"] / 1e9
    spark_per_row = figures["spark_ns_per_row"] / 1e9 / (executor_cores / 2)
    if spark_per_row >= duck:
        return None
    return (figures["spark_fixed_s"] - figures["duckdb_fixed_s"]) / (duck - spark_per_row)


def print_table(figures: dict[str, Any]) -> None:
    rows = figures["rows"]
    print(f"rows={rows:,}  (generated in {figures['generate_s']:.1f} s)")
    print(f"{'':24}{'DuckDB':>12}{'Spark local[2]':>16}")
    print(f"{'query (median) s':24}{figures['duckdb_s']:>12.2f}{figures['spark_s']:>16.2f}")
    print(
        f"{'fixed cost (1k rows) s':24}{figures['duckdb_fixed_s']:>12.3f}"
        f"{figures['spark_fixed_s']:>16.3f}"
    )
    print(
        f"{'per row ns':24}{figures['duckdb_ns_per_row']:>12.1f}"
        f"{figures['spark_ns_per_row']:>16.1f}"
    )
    print(f"{'JVM start s':24}{'':>12}{figures['jvm_start_s']:>16.2f}")
    print(
        f"{'quantiles (median) s':24}{figures['quantile_duckdb_s']:>12.2f}"
        f"{figures['quantile_spark_s']:>16.2f}   same: {figures['same_quantiles']}"
    )
    for cores in (16, 64, 256):
        at = crossover(figures, executor_cores=cores)
        text = "never (Spark's per-row cost is higher)" if at is None else f"{at:,.0f} rows"
        print(f"crossover with {cores} executor cores: {text}")
    print(f"load average {figures['load_before']:.1f} before, {figures['load_after']:.1f} after")


def print_line(figures: dict[str, Any]) -> None:
    """The bench's last line; figures another bench added (e.g. `validation_*`) follow."""
    known = {"rows", "duckdb_s", "spark_s", "same_results", "jvm_start_s", "load_after"}
    known |= {"quantile_duckdb_s", "quantile_spark_s"}
    extra = " ".join(
        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
        for k, v in figures.items()
        if k.startswith("validation_")
    )
    line = (
        f"bench spark: rows={figures['rows']} duckdb_s={figures['duckdb_s']:.2f} "
        f"spark_s={figures['spark_s']:.2f} same_results={figures['same_results']} "
        f"jvm_start_s={figures['jvm_start_s']:.1f} "
        f"duckdb_ns_per_row={figures['duckdb_ns_per_row']:.1f} "
        f"spark_ns_per_row={figures['spark_ns_per_row']:.1f} "
        f"quantile_duckdb_s={figures['quantile_duckdb_s']:.2f} "
        f"quantile_spark_s={figures['quantile_spark_s']:.2f} load={figures['load_after']:.1f}"
    )
    assert known <= figures.keys()
    print(f"{line} {extra}".rstrip())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument(
        "--no-validation", action="store_true", help="the aggregate only, not the validation"
    )
    args = parser.parse_args()
    result = main(args.rows, args.runs)
    print_table(result)
    if not args.no_validation:
        # The bench: the aggregate AND the validation of a file of the same rows on
        # both engines (bench/spark_validation.py, run from this folder), in one last line.
        import spark_validation

        checked = spark_validation.main(args.rows)
        for key in ("duckdb_s", "spark_s", "spark_start_s", "cores_to_match"):
            result[f"validation_{key}"] = checked[key]
        both = result["same_results"] == "yes" and bool(checked["same_results"])
        result["same_results"] = "yes" if both else "no"
    print_line(result)
