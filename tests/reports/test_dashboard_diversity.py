"""The dashboards beyond head offices: organisations by country of operation, and the
participants by where they live (private answers, counts below the threshold withheld)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import Application, Call
from datacollab.reports.selectors import diversity
from datacollab.reports.selectors import figures as numbers
from tests import factories
from tests.factories_reports import make_member, make_person

pytestmark = pytest.mark.django_db


def _org(cohort, country, operating=()):
    org = make_member(cohort, country=country)
    org.operating_countries = list(operating)
    org.save()
    return org


def test_operation_counts_an_organisation_once_in_each_country_it_works_in():
    cohort = factories.make_cohort()
    _org(cohort, "GB", ["KE", "TZ", "GB"])
    _org(cohort, "GB", ["DE"])
    _org(cohort, "KE")  # nothing recorded: its head office

    result = diversity.organisations_by_operation([cohort.pk])

    assert result.by_country == [("KE", 2), ("DE", 1), ("TZ", 1), ("GB", 1)]  # ties by name
    assert (result.total, result.global_south, result.recorded) == (3, 2, 2)


def test_funnel_global_south_by_operation_beside_head_office():
    call = factories.make_call(cohort=factories.make_cohort(), open=False)
    north_working_south = factories.make_org(country="GB")
    north_working_south.operating_countries = ["GB", "BR"]
    north_working_south.save()
    factories.make_application(
        call=call, organisation=north_working_south, decision=Application.Decision.SELECTED
    )
    factories.make_application(call=call, organisation=factories.make_org(country="FR"))

    funnel = numbers.funnel(Call.objects.filter(pk=call.pk))

    assert (funnel.south_percent("applied"), funnel.south_operation_percent("applied")) == (0, 50)
    assert (funnel.south_percent("selected"), funnel.south_operation_percent("selected")) == (
        0,
        100,
    )


def _people(org, n, residence):
    for _ in range(n):
        make_person(org, residence_countries=list(residence))


def test_residence_withholds_small_counts_and_protects_them_from_the_total():
    cohort = factories.make_cohort()
    org = _org(cohort, "GB")
    _people(org, 6, ["KE"])
    _people(org, 5, ["GB"])
    _people(org, 2, ["BR"])  # fewer than 5: pooled, then withheld
    # Nobody without an answer, so "other countries" is the only small row: withholding it
    # alone would let 13 - 6 - 5 give it away, so the next smallest (GB) goes too.

    result = diversity.people_by_residence([cohort.pk])

    assert result.people == 13
    assert [(row.key, row.people) for row in result.rows] == [
        ("KE", 6),
        ("GB", None),
        (diversity.OTHER, None),
    ]


def test_residence_shows_not_recorded_as_its_own_row_and_the_south_share():
    cohort = factories.make_cohort()
    org = _org(cohort, "GB")
    _people(org, 6, ["KE"])
    _people(org, 5, ["GB"])
    _people(org, 7, [])

    result = diversity.people_by_residence([cohort.pk])

    assert [(row.key, row.people) for row in result.rows] == [
        ("KE", 6),
        ("GB", 5),
        (diversity.NOT_RECORDED, 7),
    ]
    assert (result.recorded, result.global_south, result.global_south_percent) == (11, 6, 55)


def test_residence_south_share_withheld_when_one_side_is_small():
    cohort = factories.make_cohort()
    org = _org(cohort, "GB")
    _people(org, 6, ["KE"])
    _people(org, 3, ["GB"])

    result = diversity.people_by_residence([cohort.pk])

    assert (result.global_south, result.global_south_percent) == (None, None)


def test_cohort_dashboard_shows_operation_and_residence_with_the_rule(convener, login):
    cohort = factories.make_cohort(slug="beyond")
    org = _org(cohort, "GB", ["GB", "NG"])
    _people(org, 5, ["NG"])
    _people(org, 1, ["GB"])
    _people(org, 1, [])

    response = login(convener).get(reverse("cohort-dashboard", args=["beyond"]))

    page = response.content.decode()
    residence = page.split("The data of “Participants by where they live”")[1]
    assert response.status_code == 200
    assert "at least one of its countries of operation is in the Global South" in page
    assert '<th scope="row">Nigeria</th><td class="num">1</td>' in page  # by operation
    assert '<th scope="row">Nigeria</th><td class="num">5 (71 %)</td>' in residence
    # The one person in GB and the one who did not answer: two rows withheld, no names.
    assert residence.count('<td class="num">fewer than 5</td>') == 2
    assert "United Kingdom" not in residence


@pytest.mark.parametrize("name", ["network-dashboard", "cohort-dashboard"])
def test_dashboard_queries_do_not_grow_with_people(convener, login, name):
    client = login(convener)
    cohort = factories.make_cohort(slug="people")
    url = reverse(name, kwargs={"cohort_slug": "people"} if name == "cohort-dashboard" else {})
    org = _org(cohort, "GB", ["KE"])
    _people(org, 2, ["KE"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _people(org, 20, ["KE", "GB"])
    _people(_org(cohort, "BR", ["BR", "AR"]), 3, [])

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert (response.context["board"].residence.people, len(many)) == (25, len(few))
