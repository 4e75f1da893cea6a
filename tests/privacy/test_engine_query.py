from __future__ import annotations

import duckdb
import pytest

from datacollab.privacy.engine import AggregateQuery, QueryProblem, run_query
from datacollab.privacy.engine import sql as engine_sql
from datacollab.privacy.engine.run import connect
from tests.privacy.tables import TABLE, protection, row, write


def _query(**parts):
    data = {"dimensions": [{"column": "zone"}], "measures": [{"function": "count"}]}
    data.update(parts)
    return AggregateQuery.from_dict(data)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"dimensions": [{"column": "nope"}]}, "not_a_dimension"),
        ({"dimensions": [{"column": "firm"}]}, "not_a_dimension"),
        ({"dimensions": [{"column": "zone", "bucket": "hour"}]}, "bucket_needs_time"),
        ({"dimensions": [{"column": "recorded_at"}]}, "time_needs_bucket"),
        ({"dimensions": [{"column": "speed"}]}, "number_needs_bin"),
        ({"dimensions": [{"column": "zone"}, {"column": "zone"}]}, "repeated_dimension"),
        ({"dimensions": []}, "no_dimensions"),
        ({"measures": [{"function": "sum", "column": "bike_id"}]}, "not_a_measure"),
        ({"filters": [{"column": "hour", "op": "eq", "values": ["8"]}]}, "value_type"),
        ({"filters": [{"column": "bike_id", "op": "eq", "values": ["A-1"]}]}, "not_a_dimension"),
    ],
)
def test_validate_refuses_names_outside_the_owner_lists(data, code):
    query = _query(**data)

    with pytest.raises(QueryProblem) as caught:
        query.validate(TABLE, protection())

    assert caught.value.code == code


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"dimensions": [{"column": "recorded_at", "bucket": "minute"}]}, "bad_bucket"),
        ({"dimensions": [{"column": "speed", "bin": 0}]}, "bad_bin"),
        ({"measures": [{"function": "median", "column": "speed"}]}, "bad_function"),
        ({"filters": [{"column": "zone", "op": "like", "values": ["Z%"]}]}, "bad_op"),
        ({"filters": [{"column": "zone", "op": "between", "values": ["a"]}]}, "filter_arity"),
        ({"sql": "select 1"}, "unknown_key"),
    ],
)
def test_from_dict_refuses_malformed_parts(data, code):
    base = {"dimensions": [{"column": "zone"}], "measures": [{"function": "count"}]}

    with pytest.raises(QueryProblem) as caught:
        AggregateQuery.from_dict({**base, **data})

    assert caught.value.code == code


def test_canonical_is_the_same_for_the_same_query_written_differently():
    one = AggregateQuery.from_dict(
        {"measures": [{"function": "count"}], "dimensions": [{"column": "zone"}]}
    )
    two = AggregateQuery.from_dict(
        {"dimensions": [{"column": "zone"}], "filters": [], "measures": [{"function": "count"}]}
    )

    assert one.canonical() == two.canonical()


def test_filter_values_are_parameters_not_sql_text():
    hostile = "Z1'); DROP TABLE source; --"
    query = _query(filters=[{"column": "zone", "op": "in", "values": [hostile, "Z2"]}])

    statements = engine_sql.build(query, TABLE, protection(), salt=1, scale=100)

    assert hostile not in engine_sql.render(statements.base)
    assert statements.parameters == [hostile, "Z2"]


def test_the_same_ast_renders_for_spark():
    query = _query(
        dimensions=[{"column": "recorded_at", "bucket": "day"}, {"column": "speed", "bin": 5}]
    )

    statements = engine_sql.build(query, TABLE, protection(unit="bike_id"), salt=7, scale=100)

    spark = engine_sql.render(statements.base, "spark")
    assert spark.startswith("SELECT DATE_TRUNC('DAY', `recorded_at`) AS d0")
    assert "FLOOR(`speed` / 5.0) * 5.0 AS d1" in spark
    assert engine_sql.render(statements.bounded, "spark").count("ROW_NUMBER()") == 1


def test_connection_reads_only_the_version_file(tmp_path):
    path = write(tmp_path / "v.parquet", [row("A")])
    other = write(tmp_path / "other.parquet", [row("B")])
    con = connect(path)

    with pytest.raises(duckdb.PermissionException):
        con.execute(f"SELECT * FROM read_parquet('{other}')").fetchall()
    with pytest.raises(duckdb.Error):
        con.execute("SET enable_external_access = true")
    assert con.execute("SELECT count(*) FROM source").fetchall() == [(1,)]


def test_run_releases_exact_cells_that_pass_and_marks_the_others(tmp_path):
    rows = [row(f, "Z1", speed=10.0) for f in "ABC" for _ in range(2)]
    rows += [row("A", "Z2")] * 6
    path = write(tmp_path / "v.parquet", rows)
    query = _query(measures=[{"function": "count"}, {"function": "mean", "column": "speed"}])

    result = run_query(path, TABLE, protection(), query)

    assert [c.to_dict() for c in result.cells] == [
        {"key": ["Z1"], "values": {"count": 6, "mean(speed)": 10.0}, "suppressed": None},
        {"key": ["Z2"], "values": None, "suppressed": "threshold"},
    ]
    assert result.epsilon == 0.0


def test_run_clamps_measures_to_the_declared_bounds(tmp_path):
    rows = [row(f, speed=1000.0) for f in "ABC" for _ in range(2)]
    path = write(tmp_path / "v.parquet", rows)
    query = _query(measures=[{"function": "sum", "column": "speed"}])

    result = run_query(path, TABLE, protection(), query)

    assert result.cells[0].values == {"sum(speed)": 240.0}


def test_run_rounds_released_counts_to_the_owner_base(tmp_path):
    rows = [row(f) for f in "ABC" for _ in range(4)]
    path = write(tmp_path / "v.parquet", rows)

    result = run_query(path, TABLE, protection(rounding=5), _query())

    assert result.cells[0].values == {"count": 10}


def test_bounded_statement_caps_cells_and_rows_per_unit(tmp_path):
    # One bike in 4 hours with 9 rows each; the cap keeps 2 cells of at most 3 rows.
    rows = [row("A", hour=h, bike="A-1") for h in range(4) for _ in range(9)]
    path = write(tmp_path / "v.parquet", rows)
    query = _query(dimensions=[{"column": "hour"}])
    settings = protection(unit="bike_id", max_cells_per_unit=2, max_rows_per_cell=3)
    statements = engine_sql.build(query, TABLE, settings, salt=3, scale=100)
    con = connect(path)
    con.execute(
        f"CREATE TEMP TABLE {engine_sql.BASE} AS " + engine_sql.render(statements.base),
        statements.parameters,
    )

    kept = con.execute(engine_sql.render(statements.bounded)).fetchall()

    assert sorted(n for _hour, n in kept) == [3, 3]


def test_cyclic_buckets_pool_days_into_hour_of_day_and_day_of_week(tmp_path):
    import datetime as dt

    monday, tuesday = (
        dt.datetime(2024, 5, 6, 8, tzinfo=dt.UTC),
        dt.datetime(2024, 5, 7, 8, tzinfo=dt.UTC),
    )
    rows = [row(f, recorded_at=when) for f in "ABC" for when in (monday, tuesday) for _ in range(2)]
    path = write(tmp_path / "v.parquet", rows)

    by_hour = run_query(
        path,
        TABLE,
        protection(),
        _query(dimensions=[{"column": "recorded_at", "bucket": "hour_of_day"}]),
    )
    by_day = run_query(
        path,
        TABLE,
        protection(),
        _query(dimensions=[{"column": "recorded_at", "bucket": "day_of_week"}]),
    )

    assert [c.to_dict() for c in by_hour.cells] == [
        {"key": [8], "values": {"count": 12}, "suppressed": None}
    ]
    assert [(c.key, c.values) for c in by_day.cells] == [((1,), {"count": 6}), ((2,), {"count": 6})]
