"""Counters under concurrency: parallel reads of the same dataset, day and reader lose no count.
Real threads, real connections (see tests/network/test_grants_concurrency.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from datacollab.impact.models import DailyCount, Kind
from datacollab.impact.services import counters
from tests.factories import make_user
from tests.factories_data import make_dataset
from tests.network.test_grants_concurrency import _race, race_db  # noqa: F401

READS = 40
DAY = dt.date(2026, 3, 2)


@pytest.mark.usefixtures("race_db")
def test_parallel_reads_of_one_counter_lose_no_count_and_make_one_row_each():
    dataset = make_dataset(spectrum="open")
    person = make_user()

    results = _race(
        [
            (
                lambda i=i: counters.record(
                    dataset=dataset.pk, kind=Kind.API, user=person if i % 2 else None, day=DAY
                )
            )
            for i in range(READS)
        ]
    )

    assert results == [None] * READS
    assert sorted(DailyCount.objects.filter(dataset=dataset).values_list("reader", "count")) == [
        (0, READS // 2),
        (person.pk, READS // 2),
    ]
