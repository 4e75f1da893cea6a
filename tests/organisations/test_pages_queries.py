"""Query counts stay constant as the lists on the people and organisation pages grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datacollab.network.models import CohortMembership
from datacollab.organisations.models import Membership
from tests.factories import make_cohort, make_org, make_user

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_organisation_page_queries_constant_in_cohorts(client):
    org = make_org()
    url = f"/accounts/organisations/{org.slug}/"
    for _ in range(2):
        CohortMembership.objects.create(cohort=make_cohort(), organisation=org)
    few = _queries(client, url)
    for _ in range(4):
        CohortMembership.objects.create(cohort=make_cohort(), organisation=org)
    assert _queries(client, url) == few


def test_profile_page_queries_constant_in_memberships(login):
    user = make_user()
    client = login(user)
    for _ in range(2):
        Membership.objects.create(user=user, organisation=make_org())
    few = _queries(client, "/accounts/profile/")
    for _ in range(4):
        Membership.objects.create(user=user, organisation=make_org())
    assert _queries(client, "/accounts/profile/") == few
