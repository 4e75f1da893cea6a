"""Utility beside safety (owner only) and the server-side heat map of a 2-D result."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from datacollab.core.models import AuditEntry
from datacollab.privacy import services
from datacollab.privacy.chart import heat_map, key_text
from datacollab.privacy.engine import AggregateResult, Cell
from datacollab.privacy.engine.utility import compare
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_user
from tests.privacy.factories import pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

ZONE_HOUR = {
    "dimensions": ["0", "1"],
    "measures": ["count", "mean:speed"],
    "bucket_1": "hour_of_day",
}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _result() -> AggregateResult:
    return AggregateResult(
        dimensions=["zone", "hour"],
        measures=["count", "mean(speed)"],
        cells=[
            Cell(("Z1", 8), {"count": 11, "mean(speed)": 9.0}),
            Cell(("Z1", 9), {"count": 20, "mean(speed)": 12.0}),
            Cell(("Z2", 8), {}, "threshold"),
            Cell(("Z2", 9), {}, "secondary"),
        ],
        epsilon=0.0,
        delta=0.0,
        protections={},
    )


def test_compare_gives_the_share_released_and_the_median_relative_error():
    truth = {
        ("Z1", 8): {"count": 10, "mean(speed)": 10.0},
        ("Z1", 9): {"count": 20, "mean(speed)": 12.0},
        ("Z2", 8): {"count": 3, "mean(speed)": 5.0},
    }

    utility = compare(_result(), truth)

    assert (utility.released, utility.cells, utility.share_released) == (2, 4, 0.5)
    assert utility.median_relative_error == pytest.approx(0.05)  # errors 0.1, 0.1, 0, 0


def test_heat_map_draws_every_cell_and_hatches_the_suppressed():
    svg = heat_map(_result(), "mean(speed)", {"threshold": "too few contributors"})

    assert svg is not None
    assert svg.count("<rect x=") == 4
    assert svg.count('fill="url(#heat-hatch)"') == 2
    assert "Z2, 8: suppressed: too few contributors" in svg
    assert "<script" not in svg


def test_heat_map_only_for_two_dimensions():
    result = _result()
    result.dimensions = ["zone"]

    assert heat_map(result, "mean(speed)", {}) is None


def test_query_page_shows_the_owner_utility_and_a_heat_map():
    dataset, owner_user = pooled_dataset(public_dimensions=True, k=2, min_rows=1)

    response = _client(owner_user).post(reverse("privacy-query", args=[dataset.slug]), ZONE_HOUR)

    assert response.status_code == 200
    assert "For you as the owner: share of cells released" in response.text
    assert "median relative error against the unprotected answer" in response.text
    assert 'class="chart" role="img"' in response.text
    assert AuditEntry.objects.filter(action="privacy.utility.read").count() == 1


def test_query_page_hides_the_utility_from_a_grantee():
    dataset, owner_user = pooled_dataset(public_dimensions=True, k=2, min_rows=1)
    planner = make_user()
    services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)

    response = _client(planner).post(reverse("privacy-query", args=[dataset.slug]), ZONE_HOUR)

    assert response.status_code == 200
    assert "For you as the owner" not in response.text
    assert 'class="chart" role="img"' in response.text
    assert AuditEntry.objects.filter(action="privacy.utility.read").count() == 0


def test_compare_gives_the_median_relative_error_of_each_measure():
    truth = {
        ("Z1", 8): {"count": 10, "mean(speed)": 10.0},
        ("Z1", 9): {"count": 20, "mean(speed)": 12.0},
    }

    utility = compare(_result(), truth)

    # count: 11 vs 10 and 20 vs 20; mean: 9 vs 10 and 12 vs 12.
    assert utility.by_measure == {
        "count": pytest.approx(0.05),
        "mean(speed)": pytest.approx(0.05),
    }


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (dt.datetime(2021, 3, 1, tzinfo=dt.UTC), "2021-03-01"),
        ("2021-03-01T00:00:00+00:00", "2021-03-01"),
        (dt.datetime(2021, 3, 1, 8, tzinfo=dt.UTC), "2021-03-01 08:00 UTC"),
        ("Camden", "Camden"),
        (8, "8"),
    ],
)
def test_cell_keys_read_as_dates_or_hours_not_timestamps(key, text):
    assert key_text(key) == text
