"""The rows API's lean path (api/rows_fast.py): the same answers as the django-ninja
operation, in two statements on PostgreSQL; refusals answered by the operation, counted once;
the usage counter counts a read only when the quota admitted it."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from datacollab.api.models import QuotaCounter, UsageDay
from datacollab.api.services.tiers import set_tiers
from datacollab.api.services.tokens import revoke_token
from datacollab.datasets.models import Spectrum
from datacollab.impact.models import DailyCount
from tests.api.test_quota import limits
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "zone", "type": "string"},
        {"name": "speed", "type": "number"},
    ]
}
COLUMNS = {
    "id": list(range(1, 301)),
    "zone": [f"z{i % 3}" for i in range(300)],
    "speed": [i / 4 for i in range(300)],
}
QUERIES = [
    "",
    "?limit=5&offset=150",
    "?zone=z1&limit=3",
    "?sort=-speed&limit=2&fields=speed,id",
    "?offset=299",
]
HEADERS = ("Content-Type", "X-API-Tier", "X-RateLimit-Limit", "X-Quota-Limit")


def _open_version(spectrum=Spectrum.OPEN, month=None):
    """A version of a dataset; with `month`, tiers whose anonymous quota is that many a month."""
    steward = make_user()
    dataset = make_dataset(owner=make_org(admins=[steward]), spectrum=spectrum)
    if month is not None:
        numbers = limits(
            anonymous_per_minute=month,
            anonymous_per_month=month,
            community_per_minute=max(month, 20),
            enterprise_per_minute=max(month, 30),
            community_per_month=max(month, 200),
            enterprise_per_month=max(month, 300),
        )
        set_tiers(actor=steward, scope=dataset, limits=numbers, enterprise_price=Decimal("0"))
    return make_version(dataset, COLUMNS, SCHEMA)


def _url(version, query=""):
    return f"/api/v1/datasets/{version.dataset.slug}/versions/{version.number}/rows{query}"


def _answer(response):
    return (
        response.status_code,
        json.loads(response.content),
        {name: response.get(name) for name in HEADERS},
    )


@pytest.mark.parametrize("query", QUERIES)
def test_rows_fast_answers_as_the_operation(settings, query):
    version = _open_version()
    lean = Client().get(_url(version, query))
    settings.API_ROWS_LEAN = False
    operation = Client().get(_url(version, query))
    assert (_answer(lean), lean.status_code) == (_answer(operation), 200)


def test_rows_fast_is_two_statements_on_postgresql():
    version = _open_version(month=1000)
    Client().get(_url(version))  # the month's counter row exists
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(_url(version))
    # PostgreSQL: the lookup, then quota + metering + usage counter in one statement.
    # SQLite: the same four statements one after the other.
    expected = 2 if connection.vendor == "postgresql" else 4
    assert (response.status_code, len(queries)) == (200, expected)


def test_rows_fast_counts_the_call_the_meter_and_the_read():
    version = _open_version()
    for _ in range(3):
        Client().get(_url(version))
    day = UsageDay.objects.get()
    reads = DailyCount.objects.get(dataset=version.dataset, kind="api")
    assert (day.calls, day.refused, reads.count) == (3, 0, 3)


def test_rows_fast_counts_no_read_past_the_quota():
    version = _open_version(month=2)
    statuses = [Client().get(_url(version)).status_code for _ in range(3)]
    day = UsageDay.objects.get()
    reads = DailyCount.objects.get(dataset=version.dataset, kind="api")
    assert (statuses, day.calls, day.refused, reads.count) == ([200, 200, 429], 2, 1, 2)


def test_rows_fast_quota_refusal_answers_as_the_operation(settings):
    version = _open_version(month=1)
    Client().get(_url(version))
    lean = Client().get(_url(version))
    settings.API_ROWS_LEAN = False
    operation = Client().get(_url(version))
    assert (_answer(lean), lean["Retry-After"] is not None) == (_answer(operation), True)


@pytest.mark.parametrize(
    ("number", "query", "status", "counted"),
    [
        (1, "?zone__near=1", 400, 1),  # an unknown operator
        (1, "?speed=fast", 400, 1),  # a value not of the column's type
        (1, "?api_key=abc", 400, None),  # a key in the query string: refused before counting
        (99, "", 404, 1),  # no such version
    ],
)
def test_rows_fast_refusals_answer_as_the_operation_counted_once(
    settings, number, query, status, counted
):
    version = _open_version(month=1000)
    url = f"/api/v1/datasets/{version.dataset.slug}/versions/{number}/rows{query}"
    lean = Client().get(url)
    used = QuotaCounter.objects.values_list("used", flat=True).first()
    settings.API_ROWS_LEAN = False
    operation = Client().get(url)
    assert (_answer(lean), lean.status_code, used) == (_answer(operation), status, counted)


def test_rows_fast_data_the_caller_may_not_see_answers_as_the_operation(settings):
    version = _open_version(spectrum=Spectrum.PUBLIC)
    lean = Client().get(_url(version))
    settings.API_ROWS_LEAN = False
    operation = Client().get(_url(version))
    assert (_answer(lean), lean.status_code) == (_answer(operation), 404)


def test_rows_fast_revoked_key_fails_on_the_next_request():
    version = _open_version()
    user = make_user()
    token, secret = make_token(user)
    before = Client().get(_url(version), **bearer(secret))
    revoke_token(actor=user, token_id=token.pk)
    after = Client().get(_url(version), **bearer(secret))
    assert (before.status_code, after.status_code, json.loads(after.content)["error"]) == (
        200,
        401,
        "invalid_token",
    )


def test_rows_fast_key_and_session_draw_on_their_own_account(client):
    version = _open_version()
    user = make_user()
    _token, secret = make_token(user)
    client.force_login(user)
    by_key = Client().get(_url(version), **bearer(secret))
    by_session = client.get(_url(version))
    accounts = sorted(QuotaCounter.objects.values_list("account", flat=True))
    assert (by_key["X-API-Tier"], by_session["X-API-Tier"], accounts) == (
        "community",
        "community",
        [f"user:{user.pk}"],
    )


def test_rows_fast_other_methods_answer_as_the_operation(settings):
    version = _open_version()
    lean = Client().post(_url(version))
    settings.API_ROWS_LEAN = False
    operation = Client().post(_url(version))
    assert (lean.status_code, lean.content, lean["Allow"]) == (
        operation.status_code,
        operation.content,
        "GET",
    )


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("true", True), ("0", False)])
def test_database_health_checks_off_unless_asked(monkeypatch, value, expected):
    from datacollab.config.settings import _databases

    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/x")
    if value is None:
        monkeypatch.delenv("DATABASE_HEALTH_CHECKS", raising=False)
    else:
        monkeypatch.setenv("DATABASE_HEALTH_CHECKS", value)
    config = _databases()["default"]
    assert (config["CONN_HEALTH_CHECKS"], config["CONN_MAX_AGE"]) == (expected, 60)


def test_csp_header_on_pages_but_not_on_the_rows_json():
    version = _open_version()
    page = Client().get("/")
    rows = Client().get(_url(version))
    assert (
        page.has_header("Content-Security-Policy"),
        rows.has_header("Content-Security-Policy"),
    ) == (
        True,
        False,
    )
