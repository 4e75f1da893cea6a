"""The rows API's lean path under concurrent requests: the quota admits no more than its
limit, and the usage counter counts exactly the admitted reads (api/rows_fast.py)."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test import Client

from datacollab.api.models import UsageDay
from datacollab.impact.models import DailyCount
from tests.api.test_rows_fast import _open_version, _url
from tests.datasets.factories_formats import datasets_storage  # noqa: F401
from tests.network.test_grants_concurrency import _race, race_db  # noqa: F401


@pytest.mark.usefixtures("race_db", "datasets_storage")
def test_rows_fast_quota_holds_under_concurrent_requests():
    version = _open_version(month=20)
    url = _url(version)

    def call() -> int:
        return Client().get(url).status_code

    statuses = _race([call] * 60)

    connections.close_all()
    reads = DailyCount.objects.get(dataset=version.dataset, kind="api")
    day = UsageDay.objects.get()
    assert (statuses.count(200), statuses.count(429), reads.count, day.calls, day.refused) == (
        20,
        40,
        20,
        20,
        40,
    )
