"""Tiers, rate limits and monthly quotas on API requests (api/throttle.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from datacollab.api.models import QuotaCounter, UsageDay
from datacollab.api.services.tiers import set_tiers, start_enterprise_plan
from datacollab.api.throttle import month_start, next_month
from datacollab.datasets.models import Spectrum
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db


def limits(**overrides: int) -> dict[str, int]:
    values = {
        "anonymous_per_minute": 10,
        "anonymous_per_month": 100,
        "community_per_minute": 20,
        "community_per_month": 200,
        "enterprise_per_minute": 30,
        "enterprise_per_month": 300,
    }
    return {**values, **overrides}


def _dataset_with_tiers(**overrides: int):
    steward = make_user()
    dataset = make_dataset(owner=make_org(admins=[steward]), spectrum=Spectrum.OPEN)
    tiers = set_tiers(
        actor=steward,
        scope=dataset,
        limits=limits(**overrides),
        enterprise_price=Decimal("250.00"),
    )
    return steward, dataset, tiers


def _counter(account: str, scope: str, **fields) -> None:
    now = timezone.now()
    QuotaCounter.objects.update_or_create(
        account=account, scope=scope, month=month_start(now), defaults=fields
    )


def test_quota_headers_on_an_admitted_request():
    _, dataset, _tiers = _dataset_with_tiers()
    user = make_user()
    _, secret = make_token(user)
    response = Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
    assert response.status_code == 200
    assert (
        response["X-API-Tier"],
        response["X-RateLimit-Limit"],
        response["X-RateLimit-Remaining"],
        response["X-Quota-Limit"],
        response["X-Quota-Remaining"],
    ) == ("community", "20", "19", "200", "199")
    assert "Warning" not in response


def test_quota_anonymous_callers_get_the_anonymous_tier():
    _, dataset, _tiers = _dataset_with_tiers()
    response = Client().get(f"/api/v1/datasets/{dataset.slug}")
    assert (response["X-API-Tier"], response["X-Quota-Limit"]) == ("anonymous", "100")


def test_quota_enterprise_plan_gives_its_account_the_enterprise_limits():
    steward, dataset, _tiers = _dataset_with_tiers()
    client_org = make_org()
    start_enterprise_plan(actor=steward, scope=dataset, account=client_org.slug)
    admin = make_user()
    client_org.memberships.create(user=admin, role="admin")
    from datacollab.api.services.tokens import create_organisation_key

    _, secret = create_organisation_key(actor=admin, organisation=client_org, name="ingest")
    response = Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
    assert (response["X-API-Tier"], response["X-RateLimit-Limit"]) == ("enterprise", "30")


def test_quota_the_keys_of_one_account_share_one_quota():
    _, dataset, tiers = _dataset_with_tiers()
    user = make_user()
    secrets = [make_token(user, name=f"k{n}")[1] for n in range(2)]
    for secret in secrets:
        Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
    counter = QuotaCounter.objects.get()
    assert (counter.account, counter.scope, counter.used) == (f"user:{user.pk}", tiers.scope, 2)


def _in_one_minute(call):
    """Run `call` within one clock minute (retried when a minute boundary falls inside)."""
    for _attempt in range(3):
        minute = int(timezone.now().timestamp()) // 60
        result = call(minute)
        if int(timezone.now().timestamp()) // 60 == minute:
            return result
    raise AssertionError("three minute boundaries in a row")


def test_quota_refuses_past_the_rate_limit_with_retry_after_to_the_next_minute():
    _, dataset, tiers = _dataset_with_tiers()
    user = make_user()
    _, secret = make_token(user)

    def call(minute: int):
        _counter(f"user:{user.pk}", tiers.scope, used=5, minute=minute, minute_used=20)
        return Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))

    response = _in_one_minute(call)
    assert response.status_code == 429
    assert response.json() == {
        "error": "rate_limited",
        "message": "Too many requests: the community tier allows 20 a minute. Retry in "
        f"{response['Retry-After']} seconds (the Retry-After header).",
        "parameter": None,
    }
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["X-RateLimit-Remaining"] == "0"
    assert QuotaCounter.objects.get().used == 5


def test_quota_refuses_past_the_monthly_quota_until_the_next_month():
    _, dataset, tiers = _dataset_with_tiers()
    user = make_user()
    _, secret = make_token(user)
    _counter(f"user:{user.pk}", tiers.scope, used=200)
    before = timezone.now()
    response = Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
    after = timezone.now()
    assert (response.status_code, response.json()["error"]) == (429, "quota_exceeded")
    retry = int(response["Retry-After"])
    assert (next_month(after) - after).total_seconds() <= retry
    assert retry <= (next_month(before) - before).total_seconds() + 1
    assert response["X-Quota-Remaining"] == "0"
    day = UsageDay.objects.get()
    assert (day.calls, day.refused) == (0, 1)


def test_quota_warns_from_90_percent_with_a_header_and_one_email_a_month(
    django_capture_on_commit_callbacks,
):
    _, dataset, tiers = _dataset_with_tiers()
    user = make_user(email="heavy@example.org")
    _, secret = make_token(user)
    _counter(f"user:{user.pk}", tiers.scope, used=178)
    with django_capture_on_commit_callbacks(execute=True):
        first = Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
        assert "Warning" not in first
        second = Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
        third = Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
    assert second["Warning"] == (
        '299 datacollab "180 of the 200 requests of this month\'s quota are used"'
    )
    assert third["X-Quota-Remaining"] == "19"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["heavy@example.org"], "You have used 90% of your monthly API quota")
    ]


def test_quota_warning_mail_of_an_organisation_key_goes_to_its_admins(
    django_capture_on_commit_callbacks,
):
    from datacollab.api.services.tokens import create_organisation_key

    _, dataset, tiers = _dataset_with_tiers()
    admins = [make_user(email="b-admin@example.org"), make_user(email="a-admin@example.org")]
    org = make_org(admins=admins, members=[make_user(email="member@example.org")])
    _, secret = create_organisation_key(actor=admins[0], organisation=org, name="k")
    _counter(f"org:{org.pk}", tiers.scope, used=179)
    with django_capture_on_commit_callbacks(execute=True):
        Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
    assert [m.to for m in mail.outbox] == [["a-admin@example.org", "b-admin@example.org"]]


def test_quota_uses_the_collaborations_tiers_for_its_datasets_without_their_own():
    from datacollab.collaborations.models import DataCollaboration

    steward = make_user()
    lead = make_org(admins=[steward])
    collaboration = DataCollaboration.objects.create(slug="c", name="C", challenge="x", lead=lead)
    tiers = set_tiers(
        actor=steward,
        scope=collaboration,
        limits=limits(anonymous_per_month=42),
        enterprise_price=Decimal("0"),
    )
    dataset = make_dataset(owner=lead, collaboration=collaboration, spectrum=Spectrum.OPEN)
    response = Client().get(f"/api/v1/datasets/{dataset.slug}")
    assert response["X-Quota-Limit"] == "42"
    assert QuotaCounter.objects.get().scope == tiers.scope


def test_quota_site_defaults_apply_without_tiers(settings):
    settings.API_ANONYMOUS_PER_MONTH = 7
    response = Client().get("/api/v1/datasets/")
    assert (response["X-API-Tier"], response["X-Quota-Limit"]) == ("anonymous", "7")
    assert QuotaCounter.objects.get().scope == "site"


def test_quota_costs_one_counter_upsert_and_one_metering_upsert_per_request():
    _, dataset, _tiers = _dataset_with_tiers()
    _, secret = make_token(make_user())
    counted = []
    for _request in ("the month's first", "a later one"):
        with CaptureQueriesContext(connection) as queries:
            Client().get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
        counters = [q["sql"].split()[0] for q in queries if "api_quotacounter" in q["sql"]]
        metering = [q["sql"].split()[0] for q in queries if "api_usageday" in q["sql"]]
        counted.append((counters, metering))
    # PostgreSQL runs both upserts in one statement (one round trip); SQLite in two.
    one = ["WITH"] if connection.vendor == "postgresql" else ["INSERT"]
    assert counted == [(one, one)] * 2
    assert QuotaCounter.objects.get().used == 2


def test_quota_month_start_and_next_month_in_utc():
    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert (month_start(moment), next_month(moment)) == (
        dt.date(2026, 12, 1),
        dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    )
