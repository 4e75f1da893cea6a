"""Contribution bounds that bind: DuckDB and Spark keep the same cells and rows of each unit.

When a privacy unit has more cells than `max_cells_per_unit`, or more rows in a cell than
`max_rows_per_cell`, a salted hash chooses what it keeps. The hash is portable (sql.py's
`PortableHash` over `text_of`'s text forms), so both engines feed OpenDP the same bounded
inputs, for every kind of key the query layer produces.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datacollab.dataplane.engine import DUCKDB, SPARK
from datacollab.privacy.engine import (
    AggregateQuery,
    ColumnSpec,
    MeasureBounds,
    Protection,
    TableSpec,
    quantile,
    run,
)
from datacollab.privacy.engine.query import Dimension, Measure

pytestmark = [pytest.mark.slow, pytest.mark.db_independent]

TABLE = TableSpec(
    (
        ColumnSpec("firm", "string"),
        ColumnSpec("bike", "string"),
        ColumnSpec("bike_no", "integer"),
        ColumnSpec("zone", "string"),
        ColumnSpec("hour", "integer"),
        ColumnSpec("recorded_at", "datetime"),
        ColumnSpec("day", "date"),
        ColumnSpec("speed", "number"),
        ColumnSpec("loaded", "boolean"),
    )
)
SPEED = MeasureBounds("speed", 0.0, 40.0)
COUNT, SUM = Measure("count"), Measure("sum", "speed")
MEDIAN = Measure("quantile", "speed", 0.5)

# One dimension of each kind of key: the cell keys' text forms must agree on both engines.
KEYS = {
    "string": Dimension("zone"),
    "integer": Dimension("hour"),
    "date": Dimension("day"),
    "timestamp (a truncated time)": Dimension("recorded_at", bucket="day"),
    "truncated date": Dimension("day", bucket="week"),
    "weekday": Dimension("recorded_at", bucket="day_of_week"),
    "hour of day": Dimension("recorded_at", bucket="hour_of_day"),
    "boolean": Dimension("loaded"),
    "bin of a double": Dimension("speed", bin=2.5),
    "bin of an integer": Dimension("hour", bin=4),
}


def _write(path: Path, *, rows: int = 2400, seed: int = 11) -> Path:
    """Few bikes with many rows each: every bike spans many cells of every kind of key."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    data: dict[str, list[Any]] = {column.name: [] for column in TABLE.columns}
    for _ in range(rows):
        number = rng.randrange(12)
        at = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 60))
        data["firm"].append(f"F{number % 4}")
        data["bike"].append(f"bike-{number}")
        data["bike_no"].append(1000 + number)
        data["zone"].append(rng.choice(["Z1", "Z2", "Z3", "Z4", "Zé|5", None]))
        data["hour"].append(at.hour)
        data["recorded_at"].append(at)
        data["day"].append(at.date())
        data["speed"].append(None if rng.random() < 0.05 else rng.randrange(0, 160) / 4)
        data["loaded"].append(None if rng.random() < 0.1 else rng.random() < 0.5)
    schema = pa.schema(
        [
            ("firm", pa.string()),
            ("bike", pa.string()),
            ("bike_no", pa.int64()),
            ("zone", pa.string()),
            ("hour", pa.int64()),
            ("recorded_at", pa.timestamp("us", tz="UTC")),
            ("day", pa.date32()),
            ("speed", pa.float64()),
            ("loaded", pa.bool_()),
        ]
    )
    pq.write_table(pa.table(data, schema=schema), path)
    return path


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("bounds") / "table.parquet")


def _protection(**overrides: Any) -> Protection:
    settings: dict[str, Any] = {
        "contributor": "firm",
        "dimensions": ("zone", "hour", "recorded_at", "day", "speed", "loaded"),
        "measures": (SPEED,),
        "k": 2,
        "dominance_n": 1,
        "dominance_share": 0.9,
        "min_rows": 1,
        "unit": "bike",
        "epsilon": 1.0,
        "delta": 1e-6,
        "max_cells_per_unit": 1000,
        "max_rows_per_cell": 100_000,
    }
    settings.update(overrides)
    return Protection(**settings)


def _bounded(path: Path, protection: Protection, query: AggregateQuery, engine: str) -> Any:
    _, _, bounded = run.fetch(path, TABLE, protection, query, engine=engine, salt=4242)
    assert bounded is not None
    return sorted(bounded, key=run._sort_key)


@pytest.mark.parametrize("kind", list(KEYS))
def test_aggregate_bounded_inputs_identical_when_cells_per_unit_binds(spark_session, parquet, kind):
    # A second dimension multiplies each bike's cells; two cells kept of dozens.
    query = AggregateQuery((KEYS[kind], Dimension("zone")), (COUNT, SUM))
    protection = _protection(max_cells_per_unit=2)

    duck = _bounded(parquet, protection, query, DUCKDB)
    spark = _bounded(parquet, protection, query, SPARK)

    assert duck != _bounded(parquet, _protection(), query, DUCKDB)  # the bound binds
    assert spark == duck


def test_aggregate_bounded_inputs_identical_when_rows_per_cell_binds(spark_session, parquet):
    # Both bounds bind: each bike keeps 3 of its cells and at most 2 rows of each.
    query = AggregateQuery((Dimension("zone"), Dimension("recorded_at", bucket="week")), (SUM,))
    protection = _protection(max_cells_per_unit=3, max_rows_per_cell=2)

    duck = _bounded(parquet, protection, query, DUCKDB)
    spark = _bounded(parquet, protection, query, SPARK)

    assert duck != _bounded(parquet, _protection(max_cells_per_unit=3), query, DUCKDB)
    assert spark == duck


def test_aggregate_bounded_inputs_identical_for_an_integer_unit(spark_session, parquet):
    query = AggregateQuery((Dimension("day", bucket="week"), Dimension("loaded")), (COUNT,))
    protection = _protection(unit="bike_no", max_cells_per_unit=2)

    duck = _bounded(parquet, protection, query, DUCKDB)
    spark = _bounded(parquet, protection, query, SPARK)

    assert duck != _bounded(parquet, _protection(unit="bike_no"), query, DUCKDB)
    assert spark == duck


def _histograms(path: Path, protection: Protection, query: AggregateQuery, engine: str) -> Any:
    return quantile.fetch(path, TABLE, protection, query, engine=engine, salt=4242).bounded


@pytest.mark.parametrize("kind", list(KEYS))
def test_quantile_bounded_histograms_identical_when_cells_per_unit_binds(
    spark_session, parquet, kind
):
    query = AggregateQuery((KEYS[kind], Dimension("zone")), (MEDIAN,))
    protection = _protection(max_cells_per_unit=2)

    duck = _histograms(parquet, protection, query, DUCKDB)
    spark = _histograms(parquet, protection, query, SPARK)

    assert duck != _histograms(parquet, _protection(), query, DUCKDB)  # the bound binds
    assert spark == duck


def test_quantile_bounded_histograms_identical_when_rows_per_cell_binds(spark_session, parquet):
    # A bike's rows in a zone spread over many bins: the salted hash chooses which bins
    # keep the 3 rows it may give each cell.
    query = AggregateQuery((Dimension("zone"),), (MEDIAN,))
    protection = _protection(max_rows_per_cell=3)

    duck = _histograms(parquet, protection, query, DUCKDB)
    spark = _histograms(parquet, protection, query, SPARK)

    assert duck != _histograms(parquet, _protection(), query, DUCKDB)  # the bound binds
    assert spark == duck
