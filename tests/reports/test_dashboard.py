"""The conveners' dashboards: the application funnel and the cohort's figures, conveners only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import Application, Call, SelectionProposal
from datacollab.reports.selectors import figures as numbers
from tests import factories
from tests.factories_reports import make_proposal

pytestmark = pytest.mark.django_db


def _apply(call: Call, country: str, kind: str = "non_profit", **fields) -> Application:
    org = factories.make_org(country=country, kind=kind)
    return factories.make_application(call=call, organisation=org, **fields)


@pytest.fixture
def call(db) -> Call:
    return factories.make_call(cohort=factories.make_cohort(slug="funnel-cohort"), open=False)


def test_funnel_counts_each_stage_by_region_south_and_kind(call):
    kenya = _apply(call, "KE", decision=Application.Decision.SELECTED)
    india = _apply(call, "IN", kind="company")
    _apply(call, "GB", eligible=False)
    france = _apply(call, "FR", kind="research", decision=Application.Decision.SELECTED)
    _apply(call, "DE", submitted=False)  # a draft never applied
    withdrawn = _apply(call, "BR")
    Application.objects.filter(pk=withdrawn.pk).update(status=Application.Status.WITHDRAWN)
    make_proposal(call, [kenya, india, france])

    funnel = numbers.funnel(Call.objects.filter(pk=call.pk))

    assert funnel.total == {"applied": 4, "eligible": 3, "shortlisted": 3, "selected": 2}
    assert funnel.by_region == {
        "Africa": {"applied": 1, "eligible": 1, "shortlisted": 1, "selected": 1},
        "Asia": {"applied": 1, "eligible": 1, "shortlisted": 1, "selected": 0},
        "Europe": {"applied": 2, "eligible": 1, "shortlisted": 1, "selected": 1},
    }
    assert funnel.by_south == {
        True: {"applied": 2, "eligible": 2, "shortlisted": 2, "selected": 1},
        False: {"applied": 2, "eligible": 1, "shortlisted": 1, "selected": 1},
    }
    assert funnel.by_kind == {
        "non_profit": {"applied": 2, "eligible": 1, "shortlisted": 1, "selected": 1},
        "company": {"applied": 1, "eligible": 1, "shortlisted": 1, "selected": 0},
        "research": {"applied": 1, "eligible": 1, "shortlisted": 1, "selected": 1},
    }
    assert (funnel.south_percent("applied"), funnel.south_percent("selected")) == (50, 50)


def test_shortlist_is_the_confirmed_proposal_even_when_a_later_one_exists(call):
    first = _apply(call, "KE")
    second = _apply(call, "GB")
    make_proposal(call, [first], status=SelectionProposal.Status.CONFIRMED)
    make_proposal(call, [first, second])

    funnel = numbers.funnel(Call.objects.filter(pk=call.pk))

    assert funnel.total["shortlisted"] == 1


def test_shortlist_is_the_latest_proposal_when_none_is_confirmed(call):
    first = _apply(call, "KE")
    second = _apply(call, "GB")
    make_proposal(call, [first], status=SelectionProposal.Status.SUPERSEDED)
    make_proposal(call, [first, second])

    assert numbers.funnel(Call.objects.filter(pk=call.pk)).total["shortlisted"] == 2


def test_shortlist_of_a_call_without_proposal_is_its_selected_applications(call):
    _apply(call, "KE", decision=Application.Decision.SELECTED)
    _apply(call, "GB")

    assert numbers.funnel(Call.objects.filter(pk=call.pk)).total["shortlisted"] == 1


def test_cohort_dashboard_shows_the_figures_to_a_convener(output, convener, login):
    response = login(convener).get(
        reverse("cohort-dashboard", kwargs={"cohort_slug": output.cohort.slug})
    )

    assert response.status_code == 200
    board = response.context["board"]
    assert board.funnel.total == {"applied": 1, "eligible": 1, "shortlisted": 1, "selected": 1}
    assert (board.funding.committed, board.funding.paid) == (30000, 20000)
    assert (board.learnings.public, board.learnings.cohort_only, board.learnings.drafts) == (
        2,
        1,
        1,
    )
    assert (board.sessions_held, board.attendance_percent) == (1, 67)
    assert board.attendance_charts[1].rows == [
        ("Nairobi Water Commons", "100 % (1 of 1)"),
        ("Thames Research Lab", "100 % (1 of 1)"),
        ("Dados do Rio", "0 % (0 of 1)"),
    ]
    html = response.content.decode()
    assert "Application funnel" in html
    assert "<script" not in html.split("<main", 1)[1]


def test_network_dashboard_has_a_row_per_cohort(output, convener, login):
    other = factories.make_cohort(name="Empty Cohort", currency="EUR")

    response = login(convener).get(reverse("network-dashboard"))

    assert response.status_code == 200
    rows = {row.cohort.name: row for row in response.context["board"].rows}
    assert sorted(rows) == ["Empty Cohort", "River Data 2027"]
    river = rows["River Data 2027"]
    assert (river.members, river.global_south_percent, river.applied, river.selected) == (
        3,
        67,
        1,
        1,
    )
    assert (river.attendance_percent, river.learnings.published, river.report_status) == (
        67,
        3,
        "",
    )
    assert rows["Empty Cohort"].attendance_percent is None
    # One funding chart per currency: pounds and euros never share an axis.
    keys = [chart.key for chart in response.context["board"].funding_charts]
    assert keys == ["network-funding-eur", "network-funding-gbp"]
    assert other.pk in {row.cohort.pk for row in rows.values()}


@pytest.mark.parametrize("name", ["network-dashboard", "cohort-dashboard"])
def test_dashboards_refuse_non_conveners_with_a_message(output, login, name, reviewer):
    kwargs = {"cohort_slug": output.cohort.slug} if name == "cohort-dashboard" else {}

    response = login(reviewer).get(reverse(name, kwargs=kwargs))

    assert response.status_code == 403
    assert "Only conveners can see the dashboard" in response.content.decode()


def test_dashboard_sends_anonymous_visitors_to_log_in(db):
    response = Client().get(reverse("network-dashboard"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_cohort_dashboard_of_unknown_cohort_is_404(convener, login):
    response = login(convener).get(reverse("cohort-dashboard", kwargs={"cohort_slug": "nope"}))

    assert response.status_code == 404


def _applications(call: Call, n: int) -> None:
    countries = ["KE", "GB", "IN", "BR", "FR", "NG"]
    kinds = ["non_profit", "company", "research"]
    apps = [
        _apply(
            call,
            countries[i % len(countries)],
            kind=kinds[i % len(kinds)],
            eligible=i % 4 != 0,
            decision=Application.Decision.SELECTED if i % 5 == 0 else Application.Decision.PENDING,
        )
        for i in range(n)
    ]
    make_proposal(call, apps[::3])


@pytest.mark.parametrize("name", ["network-dashboard", "cohort-dashboard"])
def test_dashboard_queries_do_not_grow_with_applications(
    call, convener, login, name, django_assert_num_queries
):
    client = login(convener)
    kwargs = {"cohort_slug": call.cohort.slug} if name == "cohort-dashboard" else {}
    url = reverse(name, kwargs=kwargs)
    _applications(call, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _applications(factories.make_call(cohort=call.cohort, open=False), 30)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.context["board"].funnel.total["applied"] == 33


def test_network_dashboard_queries_do_not_grow_with_cohorts(
    convener, login, django_assert_num_queries
):
    client = login(convener)
    _applications(factories.make_call(open=False), 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("network-dashboard")).status_code == 200
    for _ in range(4):
        _applications(factories.make_call(open=False), 2)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("network-dashboard"))

    assert len(response.context["board"].rows) == 5


def test_network_attendance_is_the_events_rule_per_cohort(output, convener, login):
    from datacollab.events.selectors.attendance import attendance_rates

    response = login(convener).get(reverse("network-dashboard"))

    (row,) = response.context["board"].rows
    assert row.attendance_percent == attendance_rates(output.cohort).percent == 67
