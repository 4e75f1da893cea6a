from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.privacy import services
from datacollab.privacy.models import AggregateGrant, LedgerEntry, ProtectionSettings
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_user
from tests.privacy.factories import BY_ZONE, BY_ZONE_SPEED, pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _planner(dataset, owner_user):
    planner = make_user()
    services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)
    return planner


def test_query_page_shows_the_builder_and_the_budget_left():
    dataset, owner_user = pooled_dataset()
    planner = _planner(dataset, owner_user)

    response = _client(planner).get(reverse("privacy-query", args=[dataset.slug]))

    assert response.status_code == 200
    assert "Your privacy budget left on this dataset: 10.00 epsilon" in response.text
    assert 'name="bucket_1"' in response.text


def test_query_page_runs_a_query_and_marks_suppressed_cells():
    dataset, owner_user = pooled_dataset(dp=False, k=4)
    planner = _planner(dataset, owner_user)

    response = _client(planner).post(
        reverse("privacy-query", args=[dataset.slug]),
        {"dimensions": ["0"], "measures": ["count", "mean:speed"], "bucket_1": "day"},
    )

    assert response.status_code == 200
    assert response.text.count("suppressed: too few contributors") == 3
    assert "0 of 3 cells released." in response.text


def test_query_page_shows_a_refused_budget_on_the_form():
    dataset, owner_user = pooled_dataset(budget_person=1.0)
    planner = _planner(dataset, owner_user)
    services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE)

    response = _client(planner).post(
        reverse("privacy-query", args=[dataset.slug]),
        {"dimensions": ["0"], "measures": ["count", "mean:speed"], "bucket_1": "day"},
    )

    assert response.status_code == 409
    assert "Your privacy budget for this dataset is spent" in response.text
    assert LedgerEntry.objects.count() == 1


def test_query_page_refuses_a_person_who_may_see_but_not_query():
    dataset, _owner_user = pooled_dataset()
    dataset.listed = True
    dataset.save()

    response = _client(make_user()).get(reverse("privacy-query", args=[dataset.slug]))

    assert response.status_code == 403


def test_owner_sets_protections_on_the_page():
    dataset, owner_user = pooled_dataset()

    response = _client(owner_user).post(
        reverse("privacy-protection", args=[dataset.slug]),
        {
            "contributor": "firm",
            "unit": "bike_id",
            "dimensions_text": "zone",
            "measures_text": "speed, 0, 40",
            "k": 5,
            "dominance_n": 1,
            "dominance_share": 0.6,
            "min_rows": 5,
            "rounding": 5,
            "epsilon": 0.5,
            "delta": 1e-7,
            "max_cells_per_unit": 4,
            "max_rows_per_cell": 1,
            "budget_person": 5,
            "budget_organisation": 20,
            "period_days": 7,
        },
    )

    settings = ProtectionSettings.objects.get(dataset=dataset)
    assert response.status_code == 302
    assert (settings.k, settings.dimensions, settings.measures) == (
        5,
        ["zone"],
        [{"column": "speed", "lower": 0.0, "upper": 40.0}],
    )


def test_protection_page_is_the_owner_s_only():
    dataset, owner_user = pooled_dataset()
    planner = _planner(dataset, owner_user)

    response = _client(planner).get(reverse("privacy-protection", args=[dataset.slug]))

    assert response.status_code in (403, 404)


def test_ledger_page_lists_debits_in_constant_queries():
    dataset, owner_user = pooled_dataset()
    planner = _planner(dataset, owner_user)
    client = _client(owner_user)
    services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("privacy-ledger", args=[dataset.slug]))
    services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE_SPEED)
    # The owner's own query debits the owner and the owning organisation: two entries.
    filtered = {**BY_ZONE, "filters": [{"column": "zone", "op": "in", "values": ["Z1", "Z2"]}]}
    services.run_aggregate_query(actor=owner_user, dataset=dataset, query=filtered)

    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("privacy-ledger", args=[dataset.slug]))

    assert response.status_code == 200
    assert len(three) == len(one)
    assert response.text.count("<code>{") == 4


def test_owner_grants_aggregates_only_by_email_on_the_page():
    dataset, owner_user = pooled_dataset()
    planner = make_user(email="city.planner@example.org")

    response = _client(owner_user).post(
        reverse("privacy-grant", args=[dataset.slug]), {"email": "City.Planner@example.org"}
    )
    page = _client(owner_user).get(reverse("privacy-protection", args=[dataset.slug]))

    assert response.status_code == 302
    assert AggregateGrant.objects.filter(dataset=dataset, user=planner).count() == 1
    assert "city.planner@example.org" in page.text


def test_grant_page_refuses_an_unknown_email_on_the_form():
    dataset, owner_user = pooled_dataset()

    response = _client(owner_user).post(
        reverse("privacy-grant", args=[dataset.slug]), {"email": "nobody@example.org"}
    )

    assert response.status_code == 400
    assert "No one is registered with that email." in response.text
    assert AggregateGrant.objects.count() == 0


def test_owner_removes_an_aggregates_only_grant_and_the_grantee_loses_access():
    dataset, owner_user = pooled_dataset()
    planner = _planner(dataset, owner_user)
    grant = AggregateGrant.objects.get(dataset=dataset, user=planner)

    response = _client(owner_user).post(
        reverse("privacy-grant-remove", args=[dataset.slug, grant.pk])
    )
    after = _client(planner).get(reverse("privacy-query", args=[dataset.slug]))

    assert response.status_code == 302
    assert AggregateGrant.objects.filter(dataset=dataset).count() == 0
    assert after.status_code == 404


def test_only_the_owner_removes_a_grant():
    dataset, owner_user = pooled_dataset()
    planner = _planner(dataset, owner_user)
    grant = AggregateGrant.objects.get(dataset=dataset, user=planner)

    response = _client(planner).post(reverse("privacy-grant-remove", args=[dataset.slug, grant.pk]))

    assert response.status_code in (403, 404)
    assert AggregateGrant.objects.filter(dataset=dataset).count() == 1


def test_protection_page_saves_the_lattice_without_a_unit():
    dataset, owner_user = pooled_dataset()

    response = _client(owner_user).post(
        reverse("privacy-protection", args=[dataset.slug]),
        {
            "contributor": "firm",
            "unit": "",
            "dimensions_text": "zone, recorded_at",
            "measures_text": "speed, 0, 40",
            "lattice_text": "zone\nrecorded_at, hour_of_day",
            "k": 3,
            "dominance_n": 1,
            "dominance_share": 0.5,
            "min_rows": 5,
            "rounding": 1,
            "epsilon": 1,
            "delta": 1e-7,
            "max_cells_per_unit": 4,
            "max_rows_per_cell": 1,
            "budget_person": 5,
            "budget_organisation": 20,
            "period_days": 7,
        },
    )

    settings = ProtectionSettings.objects.get(dataset=dataset)
    assert response.status_code == 302
    assert settings.lattice == [
        {"column": "zone"},
        {"column": "recorded_at", "bucket": "hour_of_day"},
    ]
