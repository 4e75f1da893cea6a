"""Budget under concurrency: parallel requests never release more answers than the budget
pays for. Real threads, real connections (see tests/network/test_grants_concurrency.py)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connections

from datacollab.core.errors import Conflict
from datacollab.privacy import services
from datacollab.privacy.models import LedgerEntry, Release
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_user
from tests.network.test_grants_concurrency import _race, race_db  # noqa: F401
from tests.privacy.factories import pooled_dataset

# The figures: a budget for exactly ten queries, fifty parallel requests.
REQUESTS = 50
AFFORDABLE = 10


def _queries() -> list[dict]:
    zones = ["Z0", "Z1", "Z2"]
    subsets = [list(c) for n in (1, 2, 3) for c in itertools.combinations(zones, n)]
    functions = [
        {"function": "count"},
        {"function": "mean", "column": "speed"},
        {"function": "sum", "column": "speed"},
    ]
    measures = [list(c) for n in (1, 2, 3) for c in itertools.combinations(functions, n)]
    dimensions = [[{"column": "zone"}], [{"column": "recorded_at", "bucket": "hour_of_day"}]]
    queries = [
        {"dimensions": d, "measures": m, "filters": [{"column": "zone", "op": "in", "values": s}]}
        for d, s, m in itertools.product(dimensions, subsets, measures)
    ]
    assert len(queries) >= REQUESTS  # all different: a repeat would be free
    return queries[:REQUESTS]


@pytest.mark.usefixtures("race_db", "datasets_storage")
def test_parallel_queries_release_no_more_answers_than_the_budget_pays_for():
    dataset, owner_user = pooled_dataset(budget_person=float(AFFORDABLE), epsilon=1.0)
    planner = make_user()
    services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)

    results = _race(
        [
            (lambda q=q: services.run_aggregate_query(actor=planner, dataset=dataset, query=q))
            for q in _queries()
        ]
    )

    answers = [r for r in results if isinstance(r, services.Answer)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(answers), len(refused)) == (AFFORDABLE, REQUESTS - AFFORDABLE), results
    assert Release.objects.count() == AFFORDABLE
    # The spent budget is in the database: a new connection (a restart) sees it.
    connections.close_all()
    assert sum(LedgerEntry.objects.values_list("epsilon", flat=True)) == pytest.approx(AFFORDABLE)
    assert services.budget_left(actor=planner, dataset=dataset) == pytest.approx(0.0)
