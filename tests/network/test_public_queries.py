"""Query counts of the public list pages do not grow with the number of rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import Award, CohortMembership
from tests import factories

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _cohort_with_members(n: int, convener=None):
    cohort = factories.make_cohort()
    factories.make_call(cohort=cohort)
    for i in range(n):
        org = factories.make_org(country="KE" if i % 2 else "GB")
        CohortMembership.objects.create(cohort=cohort, organisation=org)
        if convener is not None:
            Award.objects.create(
                cohort=cohort,
                organisation=org,
                identifier=f"360G-q-{cohort.slug}-{org.slug}",
                title="Grant",
                amount=Decimal("20000.00"),
                currency="GBP",
                awarded_on=cohort.starts_on,
                awarded_by=convener,
            )
    return cohort


def test_home_query_count_is_constant_in_cohorts_and_members(client: Client) -> None:
    factories.make_network()
    for _ in range(2):
        _cohort_with_members(2)
    client.get(reverse("home"))  # warm caches (content types, translations)
    few = _queries(client, reverse("home"))

    for _ in range(4):
        _cohort_with_members(6)
    many = _queries(client, reverse("home"))

    assert many == few


def test_cohort_detail_query_count_is_constant_in_members(client: Client, convener) -> None:
    small = _cohort_with_members(3, convener)
    large = _cohort_with_members(9, convener)
    client.get(reverse("cohort-detail", args=[small.slug]))

    few = _queries(client, reverse("cohort-detail", args=[small.slug]))
    many = _queries(client, reverse("cohort-detail", args=[large.slug]))

    assert many == few
