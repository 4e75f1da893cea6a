"""Metering: daily counters per key, account, dataset and endpoint; the usage page and CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from datacollab.api.models import UsageDay
from datacollab.api.services.tiers import set_tiers, start_enterprise_plan
from datacollab.datasets.models import Spectrum
from tests.api.test_quota import limits
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db

ENDPOINT = "GET /api/v1/datasets/<slug>"


def _steward_dataset():
    steward = make_user()
    dataset = make_dataset(owner=make_org(admins=[steward]), spectrum=Spectrum.OPEN)
    return steward, dataset


def test_metering_counts_calls_in_one_row_per_day_key_and_endpoint():
    _, dataset = _steward_dataset()
    user = make_user()
    token, secret = make_token(user)
    for _ in range(3):
        Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
    Client().get(f"/api/v1/datasets/{dataset.slug}")
    rows = list(
        UsageDay.objects.order_by("account").values_list(
            "dataset_id", "key_id", "account", "tier", "endpoint", "calls"
        )
    )
    assert rows == [
        (dataset.pk, 0, "anon", "anonymous", ENDPOINT, 1),
        (dataset.pk, token.pk, f"user:{user.pk}", "community", ENDPOINT, 3),
    ]


def test_metering_off_writes_nothing(settings):
    settings.API_METERING = False
    _, dataset = _steward_dataset()
    Client().get(f"/api/v1/datasets/{dataset.slug}")
    assert UsageDay.objects.count() == 0


def _usage(steward, dataset):
    set_tiers(actor=steward, scope=dataset, limits=limits(), enterprise_price=Decimal("120.00"))
    start_enterprise_plan(actor=steward, scope=dataset, account=make_org().slug)
    start_enterprise_plan(actor=steward, scope=dataset, account=make_user().email)
    for n in range(3):
        user = make_user()
        _, secret = make_token(user, name=f'=HYPERLINK("x") {n}')
        Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))


def test_metering_usage_page_shows_calls_and_the_plans_revenue(login):
    steward, dataset = _steward_dataset()
    _usage(steward, dataset)
    page = login(steward).get(f"/accounts/api-tokens/usage/datasets/{dataset.slug}/")
    assert page.status_code == 200
    usage = page.context["usage"]
    assert (usage.total_calls, usage.active_plans, usage.monthly_revenue) == (
        3,
        2,
        Decimal("240.00"),
    )
    assert [(r["endpoint"], r["calls_sum"]) for r in usage.by_endpoint] == [(ENDPOINT, 3)]
    assert len(usage.by_account) == 3


def test_metering_usage_page_queries_do_not_grow_with_accounts(login):
    steward, dataset = _steward_dataset()
    _usage(steward, dataset)
    client = login(steward)
    url = f"/accounts/api-tokens/usage/datasets/{dataset.slug}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        _, secret = make_token(make_user(), name=f"more {n}")
        Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_metering_usage_refused_to_others(login):
    _steward, dataset = _steward_dataset()
    url = f"/accounts/api-tokens/usage/datasets/{dataset.slug}/"
    assert login(make_user()).get(url).status_code == 403
    assert login(make_user()).get(f"{url}usage.csv").status_code == 403


def test_metering_csv_is_formula_safe(login):
    steward, dataset = _steward_dataset()
    _usage(steward, dataset)
    response = login(steward).get(f"/accounts/api-tokens/usage/datasets/{dataset.slug}/usage.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["day", "dataset", "account", "key", "tier", "endpoint", "calls", "refused"]
    keys = sorted(row[3] for row in rows[1:])
    assert [k[:11] for k in keys] == ["'=HYPERLINK"] * 3
    assert {(row[1], row[5], row[6]) for row in rows[1:]} == {(dataset.slug, ENDPOINT, "1")}
