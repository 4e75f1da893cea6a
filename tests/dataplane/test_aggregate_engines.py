"""The privacy engine on DuckDB and on Spark: the same exact aggregates, the same released
cells, the same inputs to OpenDP, for every query shape the engine supports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datacollab.dataplane.engine import DUCKDB, SPARK
from datacollab.privacy.engine import AggregateQuery, Protection, run
from datacollab.privacy.engine.query import Dimension, Filter, Measure
from tests.dataplane import tables

pytestmark = [pytest.mark.slow, pytest.mark.db_independent]

SPEED, SIGNED, ALL, _protection = tables.SPEED, tables.SIGNED, tables.ALL, tables.protection


COUNT, SUM, MEAN = Measure("count"), Measure("sum", "speed"), Measure("mean", "speed")
QUERIES = {
    "count by zone": AggregateQuery((Dimension("zone"),), (COUNT,)),
    "sum and mean by zone and hour": AggregateQuery(
        (Dimension("zone"), Dimension("hour")), (COUNT, SUM, MEAN)
    ),
    "signed sums by month": AggregateQuery(
        (Dimension("recorded_at", bucket="month"),), (Measure("sum", "load"), SUM)
    ),
    "day of week and hour of day": AggregateQuery(
        (Dimension("recorded_at", bucket="day_of_week"),), (COUNT, Measure("mean", "load"))
    ),
    "hour of day": AggregateQuery((Dimension("recorded_at", bucket="hour_of_day"),), (COUNT,)),
    "date column by week": AggregateQuery((Dimension("day", bucket="week"),), (COUNT, SUM)),
    "bins of a double and an integer": AggregateQuery(
        (Dimension("speed", bin=5.0), Dimension("hour", bin=6)), (COUNT, SUM)
    ),
    "filters eq, in and between": AggregateQuery(
        (Dimension("zone"), Dimension("recorded_at", bucket="day")),
        (COUNT, MEAN),
        (
            Filter("firm", "in", ("F1", "F2", "F3", "F4")),
            Filter("recorded_at", "between", ("2024-02-01T00:00:00", "2024-03-15T00:00:00")),
            Filter("zone", "eq", ("Z2",)),
        ),
    ),
    "date filter": AggregateQuery(
        (Dimension("zone"),), (COUNT,), (Filter("day", "between", ("2024-03-01", "2024-04-01")),)
    ),
}


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tables.write(tmp_path_factory.mktemp("engines") / "table.parquet")


def _fetch(path: Path, protection: Protection, query: AggregateQuery, engine: str) -> Any:
    statements, per_contributor, bounded = run.fetch(
        path, tables.TABLE, protection, query, engine=engine, salt=12345
    )
    return (
        statements,
        sorted(per_contributor, key=run._sort_key),
        (None if bounded is None else sorted(bounded, key=run._sort_key)),
    )


@pytest.mark.parametrize("name", list(QUERIES))
def test_engines_give_identical_exact_aggregates_and_released_cells(spark_session, parquet, name):
    query, protection = QUERIES[name], _protection()

    statements, duck, _ = _fetch(parquet, protection, query, DUCKDB)
    _, spark, _ = _fetch(parquet, protection, query, SPARK)
    # Disclosure control on each engine's rows, as run_query does after fetching them.
    released_duck = run._protect(query, protection, statements, duck, None)
    released_spark = run._protect(query, protection, statements, spark, None)

    assert len(duck) > 0
    assert spark == duck
    assert released_spark.to_dict() == released_duck.to_dict()


def test_engines_suppress_the_same_cells_for_the_same_rules(spark_session, parquet):
    # Strict rules: many cells fall to k, dominance and secondary suppression.
    protection = _protection(k=5, dominance_share=0.3, min_rows=30)
    query = QUERIES["sum and mean by zone and hour"]

    duck = run.run_query(parquet, tables.TABLE, protection, query, engine=DUCKDB)
    spark = run.run_query(parquet, tables.TABLE, protection, query, engine=SPARK)

    rules = {cell.suppressed for cell in duck.cells}
    assert {"threshold", "dominance", "min_rows"} & rules
    assert [(c.key, c.suppressed) for c in spark.cells] == [
        (c.key, c.suppressed) for c in duck.cells
    ]


@pytest.mark.parametrize("name", ["sum and mean by zone and hour", "signed sums by month"])
def test_engines_feed_opendp_identical_bounded_inputs(spark_session, parquet, name):
    # Each unit (bike) keeps all its cells here; test_bounds_that_bind.py has the bounds bind.
    protection = _protection(
        unit="bike_id", epsilon=1.0, delta=1e-6, max_cells_per_unit=200, max_rows_per_cell=4
    )
    query = QUERIES[name]

    _, duck_cells, duck_bounded = _fetch(parquet, protection, query, DUCKDB)
    _, spark_cells, spark_bounded = _fetch(parquet, protection, query, SPARK)

    assert duck_bounded is not None and len(duck_bounded) > 0
    assert spark_bounded == duck_bounded
    assert spark_cells == duck_cells


def test_engines_answer_a_filter_matching_nothing_with_no_cells(spark_session, parquet):
    query = AggregateQuery(
        (Dimension("zone"),),
        (COUNT, SUM),
        (
            Filter(
                "firm",
                "eq",
                ("none"),
            ),
        ),
    )

    duck = run.run_query(parquet, tables.TABLE, _protection(), query, engine=DUCKDB)
    spark = run.run_query(parquet, tables.TABLE, _protection(), query, engine=SPARK)

    assert spark.to_dict() == duck.to_dict()
    assert spark.cells == []
