"""The rows API and the aggregate service, routed to Spark by DATA_ENGINE."""

from __future__ import annotations

import pytest
from django.test import Client

from datacollab.privacy import services
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.datasets.test_rows_api import ROWS, _fleet
from tests.factories import make_user
from tests.privacy.factories import BY_ZONE_SPEED, pooled_dataset

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def _spark_jobs(session) -> int:
    return len(session.sparkContext.statusTracker().getJobIdsForGroup())


def test_rows_api_answers_the_same_json_from_spark(spark_session, settings):
    _fleet()
    params = {"limit": "2", "sort": "-speed", "fields": "id,speed,at", "speed__gte": "10"}
    settings.DATA_ENGINE = "duckdb"
    duck = Client().get(ROWS, params)
    jobs = _spark_jobs(spark_session)

    settings.DATA_ENGINE = "spark"
    spark = Client().get(ROWS, params)

    assert spark.status_code == 200
    assert spark.json() == duck.json()
    assert _spark_jobs(spark_session) > jobs


def test_rows_api_routes_by_row_count_with_auto(spark_session, settings):
    _fleet()  # five rows
    settings.DATA_ENGINE = "auto"
    settings.DATA_ENGINE_SPARK_MIN_ROWS = 6
    jobs = _spark_jobs(spark_session)

    response = Client().get(ROWS, {"limit": "1"})

    assert response.json()["rows"] == [
        {
            "id": 1,
            "firm": "Data Cargo",
            "speed": 12.5,
            "day": "2024-05-01",
            "at": "2024-05-01T08:30:00",
            "ok": True,
            "odd name": "a",
        }
    ]
    assert _spark_jobs(spark_session) == jobs


def test_aggregate_service_answers_from_spark(spark_session, settings):
    settings.DATA_ENGINE = "spark"
    dataset, owner_user = pooled_dataset()
    planner = make_user()
    services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)
    jobs = _spark_jobs(spark_session)

    answer = services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE_SPEED)

    assert [cell.key for cell in answer.result.cells] == [("Z0",), ("Z1",), ("Z2",)]
    assert answer.spent == pytest.approx(1.0)
    assert _spark_jobs(spark_session) > jobs


def test_aggregate_service_answers_quantiles_from_spark_as_from_duckdb(spark_session, settings):
    # Without noise the answer is exact: the same data gives the same released quantiles.
    query = {
        "dimensions": [{"column": "zone"}],
        "measures": [
            {"function": "count"},
            {"function": "quantile", "column": "speed", "q": 0.5},
            {"function": "quantile", "column": "speed", "q": 0.9},
        ],
    }
    answers = {}
    for engine in ("duckdb", "spark"):
        settings.DATA_ENGINE = engine
        dataset, owner_user = pooled_dataset(dp=False)
        jobs = _spark_jobs(spark_session)
        answer = services.run_aggregate_query(actor=owner_user, dataset=dataset, query=query)
        answers[engine] = (answer, _spark_jobs(spark_session) > jobs)

    (duck, duck_on_spark), (spark, spark_on_spark) = answers["duckdb"], answers["spark"]
    assert (duck_on_spark, spark_on_spark) == (False, True)

    assert duck.result.measures == ["count", "p50(speed)", "p90(speed)"]
    assert [c.values for c in duck.result.cells if c.suppressed is None] != []
    assert spark.result.to_dict() == duck.result.to_dict()
