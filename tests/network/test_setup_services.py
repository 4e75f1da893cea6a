"""Cohort and call set-up services: what they write, audit, and refuse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import Award, Call, Cohort, Network
from datacollab.network.services import setup
from tests import factories

pytestmark = pytest.mark.django_db


def cohort_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Open data stewards",
        "focus": "open data stewards",
        "description": "",
        "starts_on": date(2027, 10, 1),
        "ends_on": date(2028, 3, 31),
        "capacity": 7,
        "budget": Decimal("140000.00"),
        "award_cap": Decimal("20000.00"),
        "currency": "gbp",
    }
    values.update(overrides)
    return values


def call_values(**overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    values: dict[str, Any] = {
        "title": "Peer learning network: second cohort",
        "summary": "Open data stewards",
        "description": "",
        "opens_at": now + timedelta(days=1),
        "deadline": now + timedelta(days=30),
        "timezone": "Europe/London",
        "reviews_per_application": 2,
    }
    values.update(overrides)
    return values


def test_create_cohort_without_network_creates_the_first_network(convener):
    cohort = setup.create_cohort(
        actor=convener, network=None, new_network_name="PLNDC", **cohort_values()
    )

    assert (cohort.network.name, cohort.slug, cohort.currency) == (
        "PLNDC",
        "open-data-stewards",
        "GBP",
    )
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "network.created",
        "cohort.created",
    ]


def test_create_cohort_without_network_or_name_is_refused(convener):
    with pytest.raises(DomainError) as exc:
        setup.create_cohort(actor=convener, network=None, **cohort_values())

    assert exc.value.field == "network_name"
    assert Network.objects.count() == 0


def test_create_cohort_refuses_an_award_cap_above_the_budget(convener):
    with pytest.raises(DomainError) as exc:
        setup.create_cohort(
            actor=convener,
            network=factories.make_network(),
            **cohort_values(budget=Decimal("10000"), award_cap=Decimal("20000")),
        )

    assert exc.value.message == (
        "The cap per award, £20,000.00, is above the cohort's whole budget, £10,000.00."
    )
    assert exc.value.field == "award_cap"


def test_create_cohort_refuses_dates_out_of_order(convener):
    with pytest.raises(DomainError) as exc:
        setup.create_cohort(
            actor=convener,
            network=factories.make_network(),
            **cohort_values(starts_on=date(2028, 1, 1), ends_on=date(2027, 1, 1)),
        )

    assert exc.value.field == "ends_on"


def test_create_cohort_by_a_non_convener_is_refused(applicant):
    with pytest.raises(NotAllowed):
        setup.create_cohort(actor=applicant, network=factories.make_network(), **cohort_values())

    assert Cohort.objects.count() == 0


def test_update_cohort_refuses_a_budget_below_what_is_awarded(convener):
    cohort = factories.make_cohort(budget=Decimal("50000"))
    org = factories.make_org()
    Award.objects.create(
        cohort=cohort,
        organisation=org,
        identifier="360G-test-1",
        title="Award",
        amount=Decimal("20000"),
        currency="GBP",
        awarded_on=date(2027, 1, 1),
        awarded_by=convener,
    )
    values = cohort_values(budget=Decimal("15000"), award_cap=Decimal("15000"))

    with pytest.raises(Conflict) as exc:
        setup.update_cohort(actor=convener, cohort=cohort, **values)

    assert exc.value.message == "£20,000.00 is already awarded; the budget cannot be lower."
    cohort.refresh_from_db()
    assert cohort.budget == Decimal("50000.00")


def test_update_cohort_audits_only_what_changed(convener):
    cohort = factories.make_cohort(**cohort_values(currency="GBP"))

    setup.update_cohort(actor=convener, cohort=cohort, **cohort_values(capacity=8))

    entry = AuditEntry.objects.get(action="cohort.updated")
    assert entry.details == {"capacity": [7, 8]}


def test_create_call_is_a_draft_with_times_as_given(convener):
    cohort = factories.make_cohort()
    opens = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    deadline = datetime(2027, 3, 31, 16, 0, tzinfo=UTC)

    call = setup.create_call(
        actor=convener,
        cohort=cohort,
        **call_values(opens_at=opens, deadline=deadline, timezone="Africa/Nairobi"),
    )

    assert (call.status, call.opens_at, call.deadline, call.timezone) == (
        Call.Status.DRAFT,
        opens,
        deadline,
        "Africa/Nairobi",
    )
    assert AuditEntry.objects.filter(action="call.created").count() == 1


def test_create_call_refuses_a_deadline_before_opening(convener):
    with pytest.raises(DomainError) as exc:
        setup.create_call(
            actor=convener,
            cohort=factories.make_cohort(),
            **call_values(
                opens_at=datetime(2027, 3, 2, 12, tzinfo=UTC),
                deadline=datetime(2027, 3, 1, 12, tzinfo=UTC),
                timezone="Europe/London",
            ),
        )

    assert exc.value.message == (
        "The deadline, 1 March 2027, 12:00 GMT (Europe/London), must come after the call "
        "opens, 2 March 2027, 12:00 GMT (Europe/London)."
    )
    assert exc.value.field == "deadline"


def test_create_call_refuses_an_unknown_time_zone(convener):
    with pytest.raises(DomainError) as exc:
        setup.create_call(
            actor=convener, cohort=factories.make_cohort(), **call_values(timezone="Mars/Olympus")
        )

    assert exc.value.field == "timezone"


def test_create_call_refuses_eoi_closing_after_the_deadline(convener):
    values = call_values()
    values["eoi_deadline"] = values["deadline"] + timedelta(days=1)

    with pytest.raises(DomainError) as exc:
        setup.create_call(actor=convener, cohort=factories.make_cohort(), **values)

    assert exc.value.field == "eoi_deadline"


def test_update_call_after_draft_refuses_an_earlier_deadline(convener):
    call = factories.make_call()  # published
    values = call_values(
        title=call.title,
        opens_at=call.opens_at,
        deadline=call.deadline - timedelta(days=1),
        timezone=call.timezone,
    )

    with pytest.raises(Conflict):
        setup.update_call(actor=convener, call=call, **values)

    call.refresh_from_db()
    assert call.deadline == values["deadline"] + timedelta(days=1)


def test_update_call_after_draft_allows_a_later_deadline(convener):
    call = factories.make_call()
    later = call.deadline + timedelta(days=7)
    values = call_values(
        title=call.title, opens_at=call.opens_at, deadline=later, timezone=call.timezone
    )

    setup.update_call(actor=convener, call=call, **values)

    call.refresh_from_db()
    assert call.deadline == later
    assert sorted(AuditEntry.objects.get(action="call.updated").details) == [
        "deadline",
        "description",
        "summary",
    ]
