"""Real concurrent awards: two threads, two database connections, one barrier.

The cohort row lock (PostgreSQL) or the IMMEDIATE write lock (SQLite) makes the second award
wait for the first to commit and then see it: no double award, no overspent budget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from datacollab.core.errors import Conflict, DomainError
from datacollab.network.models import Award
from datacollab.network.services.grants import award_grant
from tests import factories
from tests.network.factories_grants import make_member


@pytest.fixture
def race_db(audit_triggers_lifted: None, transactional_db: None) -> None:
    """A real, committed database that threads share (see the module docstring)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "in-memory SQLite (only when SQLITE_TEST_NAME is ':memory:') is shared between "
            "threads through its shared cache, where a second writer fails at once instead "
            "of waiting for the lock: set SQLITE_TEST_NAME to a file path (the default) to "
            "run this on SQLite; PostgreSQL always runs it"
        )


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as error:  # each thread's outcome, success or refusal, is asserted on
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _award(convener: Any, cohort: Any, org: Any, amount: str) -> Callable[[], Award]:
    return lambda: award_grant(
        actor=convener,
        cohort=cohort,
        organisation=org,
        amount=Decimal(amount),
        title=f"Grant to {org.name}",
        awarded_on=date(2027, 1, 5),
    )


def test_award_grant_concurrent_double_award_only_one_succeeds(race_db, convener):
    cohort = factories.make_cohort(name="Race")
    org = make_member(cohort, name="Racing Org")
    results = _race([_award(convener, cohort, org, "10000.00")] * 2)
    awards = [r for r in results if isinstance(r, Award)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert (len(awards), len(conflicts)) == (1, 1), results
    assert Award.objects.filter(cohort=cohort, organisation=org).count() == 1
    assert conflicts[0].message.startswith("Racing Org already has an award in Race")


def test_award_grant_concurrent_awards_never_exceed_budget(race_db, convener):
    cohort = factories.make_cohort(name="Tight", budget=Decimal("30000.00"))
    first, second = make_member(cohort), make_member(cohort)
    results = _race(
        [
            _award(convener, cohort, first, "20000.00"),
            _award(convener, cohort, second, "15000.00"),
        ]
    )
    awards = [r for r in results if isinstance(r, Award)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert (len(awards), len(refusals)) == (1, 1), results
    assert Award.objects.filter(cohort=cohort).count() == 1
    remaining = "£10,000.00" if awards[0].organisation == first else "£15,000.00"
    assert refusals[0].message == (
        f"{'£15,000.00' if awards[0].organisation == first else '£20,000.00'} is above the "
        f"remaining budget of {remaining} for Tight."
    )
