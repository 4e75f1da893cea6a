"""Quantiles on DuckDB and on Spark: the same histograms (the numbers OpenDP and the bin rule
read), so the same released quantiles, the same withheld bins and the same suppressions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datacollab.dataplane.engine import DUCKDB, SPARK
from datacollab.privacy.engine import AggregateQuery, Protection, quantile, run
from datacollab.privacy.engine.query import Dimension, Filter, Measure
from tests.dataplane import tables

pytestmark = [pytest.mark.slow, pytest.mark.db_independent]

SPEED, SIGNED, ALL, _protection = tables.SPEED, tables.SIGNED, tables.ALL, tables.protection


def _q(q: float, column: str = "speed") -> Measure:
    return Measure("quantile", column, q)


COUNT = Measure("count")
QUERIES = {
    "one median by zone": AggregateQuery((Dimension("zone"),), (COUNT, _q(0.5))),
    "several quantiles of two columns by zone and hour": AggregateQuery(
        (Dimension("zone"), Dimension("hour", bin=6)),
        (COUNT, _q(0.1), _q(0.5), _q(0.9), _q(0.5, "load")),
    ),
    "quantiles by month of a time, filtered": AggregateQuery(
        (Dimension("recorded_at", bucket="month"),),
        (_q(0.25, "load"), _q(0.75, "load")),
        (Filter("firm", "in", ("F1", "F2", "F3", "F4", "F5")),),
    ),
    "a median by day of the week and a date's week": AggregateQuery(
        (Dimension("recorded_at", bucket="day_of_week"), Dimension("day", bucket="week")),
        (COUNT, _q(0.5)),
    ),
}
# Each unit (bike) keeps all its cells and rows here; test_bounds_that_bind.py has the
# bounds bind.
DP = {"unit": "bike_id", "epsilon": 1.0, "delta": 1e-6, "max_cells_per_unit": 500}


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tables.write(tmp_path_factory.mktemp("quantiles") / "table.parquet")


def _answer(path: Path, protection: Protection, query: AggregateQuery, engine: str) -> Any:
    """What the aggregate service releases, every step on `engine` (run.run_query, then
    quantile.complete), without noise."""
    base_query, base_protection = quantile.split(query, protection)
    base = run.run_query(path, tables.TABLE, base_protection, base_query, engine=engine)
    return quantile.complete(base, path, tables.TABLE, protection, query, engine=engine)


@pytest.mark.parametrize("name", list(QUERIES))
def test_engines_compute_identical_quantile_histograms(spark_session, parquet, name):
    query, protection = QUERIES[name], _protection()

    duck = quantile.fetch(parquet, tables.TABLE, protection, query, engine=DUCKDB)
    spark = quantile.fetch(parquet, tables.TABLE, protection, query, engine=SPARK)

    assert duck.by_contributor != {}
    assert spark == duck


@pytest.mark.parametrize("name", list(QUERIES))
def test_engines_release_identical_quantiles(spark_session, parquet, name):
    query, protection = QUERIES[name], _protection()

    duck = _answer(parquet, protection, query, DUCKDB)
    spark = _answer(parquet, protection, query, SPARK)

    labels = [m.label for m in quantile.quantile_measures(query)]
    released = [c.values[label] for c in duck.cells if not c.suppressed for label in labels]
    assert [v for v in released if v is not None] != []
    assert spark.to_dict() == duck.to_dict()


def test_engines_withhold_the_same_quantiles_and_suppress_the_same_cells(spark_session, parquet):
    # Strict rules: cells fall to min_rows and secondary suppression, and released cells'
    # extreme quantiles lie in bins too few firms (or one firm) fill.
    protection = _protection(k=4, dominance_share=0.45, min_rows=20)
    query = AggregateQuery(
        (Dimension("zone"), Dimension("hour")), (COUNT, _q(0.05), _q(0.5), _q(0.98))
    )

    duck = _answer(parquet, protection, query, DUCKDB)
    spark = _answer(parquet, protection, query, SPARK)

    labels = [m.label for m in quantile.quantile_measures(query)]
    values = [c.values[label] for c in duck.cells if not c.suppressed for label in labels]
    assert {c.suppressed for c in duck.cells} == {None, "min_rows", "secondary"}
    assert {v is None for v in values} == {True, False}  # some withheld, some released
    assert spark.to_dict() == duck.to_dict()


@pytest.mark.parametrize("name", list(QUERIES))
def test_engines_feed_opendp_identical_bounded_histograms(spark_session, parquet, name):
    protection = _protection(**DP, max_rows_per_cell=1000)
    query = QUERIES[name]

    duck = quantile.fetch(parquet, tables.TABLE, protection, query, engine=DUCKDB, salt=99)
    spark = quantile.fetch(parquet, tables.TABLE, protection, query, engine=SPARK, salt=99)

    assert duck.bounded is not None and all(duck.bounded.values())
    assert spark == duck


def test_engines_bound_units_the_same_when_rows_per_cell_binds_in_one_bin(spark_session, tmp_path):
    # Each bike's rows in a cell all fall in one bin here: the bound binds within one bin.
    path = tables.write(tmp_path / "t.parquet", rows=600)
    protection = _protection(**DP, max_rows_per_cell=2)
    query = AggregateQuery((Dimension("zone"), Dimension("speed", bin=1.25)), (_q(0.5),))

    duck = quantile.fetch(path, tables.TABLE, protection, query, engine=DUCKDB, salt=3)
    spark = quantile.fetch(path, tables.TABLE, protection, query, engine=SPARK, salt=3)

    unbounded = quantile.fetch(
        path, tables.TABLE, _protection(**DP, max_rows_per_cell=1000), query, salt=3
    )
    assert duck.bounded != unbounded.bounded  # the bound binds
    assert spark == duck
