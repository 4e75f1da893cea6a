"""Set-up pages, and issue 8 problem 5: a call is set up without the Django admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from datacollab.network.models import Call, Cohort, EligibilityCriterion, Question, RubricCriterion
from datacollab.network.selectors.setup import problems_before_opening
from tests import factories
from tests.network.factories_applications import page_errors, page_text

pytestmark = pytest.mark.django_db


def cohort_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Open data stewards",
        "focus": "organisations that steward open data",
        "starts_on": "2027-10-01",
        "ends_on": "2028-03-31",
        "capacity": "7",
        "budget": "140000",
        "award_cap": "20000",
        "currency": "GBP",
    }
    data.update(overrides)
    return data


def call_form(cohort: Cohort, **overrides: str) -> dict[str, str]:
    year = timezone.now().year + 1
    data = {
        "cohort": cohort.slug,
        "title": "Second cohort",
        "summary": "For open data stewards",
        "timezone": "Asia/Kolkata",
        "opens_at": f"{year}-03-01T09:00",
        "deadline": f"{year}-03-31T17:00",
        "reviews_per_application": "2",
    }
    data.update(overrides)
    return data


def test_problem_5_a_convener_without_admin_sets_up_a_call_that_can_open(convener, login):
    # Issue 8, problem 5: setting up a call was only possible in the Django admin.
    assert (convener.is_staff, convener.is_superuser) == (False, False)
    client = login(convener)
    home = client.get(reverse("convener-home"))
    assert reverse("setup-home") in home.content.decode()

    client.post(reverse("setup-cohort-create"), cohort_form(network_name="PLNDC"))
    cohort = Cohort.objects.get()
    client.post(reverse("setup-call-create"), call_form(cohort))
    call = Call.objects.get()
    for question in (
        {"kind": "long_text", "label": "What data do you steward?", "required": "on"},
        {"kind": "number", "label": "Staff", "required": "on", "min_value": "1"},
    ):
        client.post(reverse("setup-questions", args=[call.slug]), question)
    staff = Question.objects.get(call=call, label="Staff")
    client.post(
        reverse("setup-eligibility", args=[call.slug]),
        {"kind": "answer_at_least", "question": staff.pk, "values": "2"},
    )
    for name, weight in (("Impact", "2"), ("Openness", "1")):
        client.post(reverse("setup-rubric", args=[call.slug]), {"name": name, "weight": weight})

    overview = client.get(reverse("setup-call", args=[call.slug]))

    assert (
        Question.objects.filter(call=call).count(),
        EligibilityCriterion.objects.filter(call=call).count(),
        RubricCriterion.objects.filter(call=call).count(),
    ) == (2, 1, 2)
    assert call.status == Call.Status.DRAFT
    assert problems_before_opening(call) == []
    assert "Everything a call needs is in place." in page_text(overview)
    assert reverse("call-open", args=[call.slug]) in overview.content.decode()

    opened = client.post(reverse("call-open", args=[call.slug]), {"confirm": "on"})

    call.refresh_from_db()
    assert (opened.status_code, call.status) == (302, Call.Status.OPEN)


def test_new_call_reads_times_in_the_calls_zone(convener, login):
    cohort = factories.make_cohort()
    year = timezone.now().year + 1

    response = login(convener).post(reverse("setup-call-create"), call_form(cohort))

    call = Call.objects.get()
    assert response.status_code == 302
    assert (call.opens_at, call.deadline) == (
        datetime(year, 3, 1, 3, 30, tzinfo=UTC),
        datetime(year, 3, 31, 11, 30, tzinfo=UTC),
    )


def test_call_overview_shows_times_in_the_calls_zone_with_its_name(convener, login):
    call = factories.make_call(
        status="draft",
        timezone="Asia/Kolkata",
        opens_at=datetime(2030, 3, 1, 3, 30, tzinfo=UTC),
        deadline=datetime(2030, 3, 31, 11, 30, tzinfo=UTC),
    )

    text = page_text(login(convener).get(reverse("setup-call", args=[call.slug])))

    assert "Opens 1 March 2030, 09:00 IST (Asia/Kolkata)" in text
    assert "Deadline 31 March 2030, 17:00 IST (Asia/Kolkata)" in text


def test_call_edit_form_shows_times_in_the_calls_zone(convener, login):
    call = factories.make_call(
        status="draft",
        timezone="America/Sao_Paulo",
        opens_at=datetime(2030, 3, 1, 12, 0, tzinfo=UTC),
        deadline=datetime(2030, 3, 31, 12, 0, tzinfo=UTC),
    )

    body = login(convener).get(reverse("setup-call-edit", args=[call.slug])).content.decode()

    assert 'value="2030-03-01T09:00"' in body
    assert 'value="2030-03-31T09:00"' in body


def test_new_call_with_deadline_before_opening_shows_the_error_on_the_field(convener, login):
    cohort = factories.make_cohort()
    year = timezone.now().year + 1

    response = login(convener).post(
        reverse("setup-call-create"), call_form(cohort, deadline=f"{year}-02-01T09:00")
    )

    assert response.status_code == 400
    assert page_errors(response) == [
        f"The deadline, 1 February {year}, 09:00 IST (Asia/Kolkata), must come after the "
        f"call opens, 1 March {year}, 09:00 IST (Asia/Kolkata)."
    ]
    assert Call.objects.count() == 0


def test_new_cohort_with_award_cap_above_budget_is_a_400(convener, login):
    factories.make_network()

    response = login(convener).post(
        reverse("setup-cohort-create"), cohort_form(budget="10000", award_cap="20000")
    )

    assert response.status_code == 400
    assert page_errors(response) == [
        "The cap per award, £20,000.00, is above the cohort's whole budget, £10,000.00."
    ]


def test_cohort_edit_saves(convener, login):
    cohort = factories.make_cohort()

    response = login(convener).post(
        reverse("setup-cohort-edit", args=[cohort.slug]), cohort_form(capacity="9")
    )

    cohort.refresh_from_db()
    assert (response.status_code, cohort.capacity, cohort.name) == (
        302,
        9,
        "Open data stewards",
    )


def test_setup_pages_refuse_a_participant(applicant, login):
    client = login(applicant)

    statuses = [
        client.get(reverse("setup-home")).status_code,
        client.get(reverse("setup-cohort-create")).status_code,
        client.get(reverse("setup-call-create")).status_code,
    ]

    assert statuses == [403, 403, 403]


def test_setup_home_query_count_does_not_grow_with_calls(
    convener, login, django_assert_num_queries
):
    for _ in range(3):
        factories.make_call(deadline=timezone.now() + timedelta(days=5))
    client = login(convener)
    client.get(reverse("setup-home"))

    with django_assert_num_queries(5):
        client.get(reverse("setup-home"))
