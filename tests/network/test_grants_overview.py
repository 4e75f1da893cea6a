from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from datacollab.network.services.grant_reports import (
    approve_report,
    submit_report,
    tie_instalment,
)
from datacollab.network.services.grants import mark_instalment_paid
from tests.network.factories_grants import make_award, make_member
from tests.network.factories_obligations import make_grantee, make_report

pytestmark = pytest.mark.django_db


def _url(cohort) -> str:
    return reverse("grants-overview", args=[cohort.slug])


def test_grants_overview_counts_due_late_submitted_approved_and_money(convener, login):
    today = timezone.localdate()
    grantee = make_grantee(convener=convener)
    award = grantee.award
    make_report(convener=convener, award=award, title="Due", due_on=today + timedelta(days=9))
    make_report(convener=convener, award=award, title="Late", due_on=today - timedelta(days=1))
    sent = make_report(convener=convener, award=award, title="Sent", due_on=today)
    submit_report(actor=grantee.member, report=sent, body="x")
    done = make_report(convener=convener, award=award, title="Done", due_on=today)
    submit_report(actor=grantee.member, report=done, body="x")
    approve_report(actor=convener, report=done)
    first, second = award.instalments.order_by("position")
    mark_instalment_paid(actor=convener, instalment=first, paid_on=today)
    tie_instalment(actor=convener, instalment=second, report=sent)

    response = login(convener).get(_url(award.cohort))

    overview = response.context["overview"]
    assert response.status_code == 200
    assert overview.reports == {
        "due": 1,
        "late": 1,
        "submitted": 1,
        "changes_requested": 0,
        "approved": 1,
    }
    assert overview.instalments == {
        "paid": Decimal("5000.00"),
        "payable": Decimal("0"),
        "waiting": Decimal("5000.00"),
    }
    assert overview.unsigned == 1


def test_grants_overview_by_grantee_forbidden(convener, login):
    grantee = make_grantee(convener=convener)
    response = login(grantee.admin).get(_url(grantee.award.cohort))
    assert response.status_code == 403


def _queries(login, convener, cohort) -> int:
    client = login(convener)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(cohort)).status_code == 200
    return len(queries)


def test_grants_overview_query_count_does_not_grow_with_awards(convener, login):
    grantee = make_grantee(convener=convener)
    cohort = grantee.award.cohort
    make_report(convener=convener, award=grantee.award)
    few = _queries(login, convener, cohort)
    for _ in range(4):
        award = make_award(actor=convener, cohort=cohort, organisation=make_member(cohort))
        report = make_report(convener=convener, award=award)
        tie_instalment(actor=convener, instalment=award.instalments.last(), report=report)
    assert _queries(login, convener, cohort) == few


def test_my_grants_lists_my_organisations_awards_only(convener, login):
    mine = make_grantee(convener=convener)
    make_grantee(convener=convener)
    response = login(mine.member).get(reverse("my-grants"))
    assert [a.pk for a in response.context["awards"]] == [mine.award.pk]


def test_set_report_page_for_every_award(convener, login):
    grantee = make_grantee(convener=convener)
    cohort = grantee.award.cohort
    make_award(actor=convener, cohort=cohort, organisation=make_member(cohort))
    response = login(convener).post(
        reverse("grant-report-new", args=[cohort.slug]),
        {"award": "all", "title": "Final report", "due_on": "2027-06-30", "expected": ""},
    )
    assert response.status_code == 302
    assert sorted(cohort.awards.values_list("reports__title", flat=True)) == [
        "Final report",
        "Final report",
    ]


def test_tie_instalment_page_makes_it_wait(convener, login):
    grantee = make_grantee(convener=convener)
    report = make_report(convener=convener, award=grantee.award)
    instalment = grantee.award.instalments.last()
    cohort = grantee.award.cohort
    response = login(convener).post(
        reverse("instalment-tie", args=[cohort.slug, instalment.pk]), {"report": report.pk}
    )
    assert response.status_code == 302
    instalment.refresh_from_db()
    assert instalment.report_id == report.pk


def _my_grants_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("my-grants")).status_code == 200
    return len(queries)


def test_my_grants_query_count_does_not_grow_with_awards(convener, login):
    from tests import factories

    person = factories.make_user()
    first = make_grantee(convener=convener)
    first.award.organisation.memberships.create(user=person, role="member")
    make_report(convener=convener, award=first.award)
    client = login(person)
    few = _my_grants_queries(client)
    for _ in range(3):
        other = make_grantee(convener=convener)
        other.award.organisation.memberships.create(user=person, role="member")
        make_report(convener=convener, award=other.award)
    assert _my_grants_queries(client) == few


def test_report_page_offers_only_the_allowed_moves(convener, login):
    grantee = make_grantee(convener=convener)
    report = make_report(convener=convener, award=grantee.award)
    url = reverse("grant-report", args=[report.pk])
    as_convener = login(convener).get(url)
    as_member = login(grantee.member).get(url)
    assert (as_convener.context["submit_form"], as_convener.context["decide_form"]) == (None, None)
    assert as_member.context["decide_form"] is None
    assert as_member.context["submit_form"] is not None
    submit_report(actor=grantee.member, report=report, body="Done.")
    as_convener = login(convener).get(url)
    assert as_convener.context["decide_form"] is not None
    assert login(grantee.member).get(url).context["submit_form"] is None
