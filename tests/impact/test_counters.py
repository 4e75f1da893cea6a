from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datacollab.core.models import AuditEntry
from datacollab.impact.models import DailyCount, Kind
from datacollab.impact.services import counters
from tests.factories import make_user
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _rows(dataset):
    return sorted(
        DailyCount.objects.filter(dataset=dataset).values_list("day", "kind", "reader", "count")
    )


def test_record_anonymous_reads_share_one_row_without_identity():
    dataset = make_dataset(spectrum="open")

    for _ in range(3):
        counters.record(dataset=dataset, kind=Kind.DOWNLOAD, user=AnonymousUser(), day=DAY)

    assert _rows(dataset) == [(DAY, "download", 0, 3)]


def test_record_signed_in_reader_counted_once_per_day_and_kind():
    dataset = make_dataset(spectrum="open")
    person = make_user()

    counters.record(dataset=dataset, kind=Kind.VIEW, user=person, day=DAY)
    counters.record(dataset=dataset, kind=Kind.VIEW, user=person, day=DAY)
    counters.record(dataset=dataset, kind=Kind.API, user=person, day=DAY)
    counters.record(dataset=dataset, kind=Kind.VIEW, user=person, day=DAY + dt.timedelta(days=1))

    assert _rows(dataset) == [
        (DAY, "api", person.pk, 1),
        (DAY, "view", person.pk, 2),
        (DAY + dt.timedelta(days=1), "view", person.pk, 1),
    ]


def test_record_costs_one_statement_and_no_audit_entry():
    dataset = make_dataset(spectrum="open")
    counters.record(dataset=dataset, kind=Kind.VIEW, day=DAY)
    entries = AuditEntry.objects.count()

    with CaptureQueriesContext(connection) as queries:
        counters.record(dataset=dataset.pk, kind=Kind.VIEW, day=DAY)

    assert len(queries) == 1
    assert AuditEntry.objects.count() == entries
    assert _rows(dataset) == [(DAY, "view", 0, 2)]


def test_record_unknown_kind_refused():
    dataset = make_dataset(spectrum="open")

    with pytest.raises(ValueError):
        counters.record(dataset=dataset, kind="like", day=DAY)

    assert _rows(dataset) == []


def test_upsert_names_the_model_table():
    assert counters.UPSERT.count(f'"{DailyCount._meta.db_table}"') == 2
