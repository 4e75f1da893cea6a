"""Factories for the grants tests: cohort members and awards made through the real service."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from datacollab.network.models import Award, Cohort, CohortMembership
from datacollab.network.services.grants import award_grant
from datacollab.organisations.models import Organisation
from tests import factories


def make_member(cohort: Cohort, **org_fields: Any) -> Organisation:
    organisation = factories.make_org(**org_fields)
    CohortMembership.objects.create(cohort=cohort, organisation=organisation)
    return organisation


def make_award(
    *,
    actor: Any,
    cohort: Cohort,
    organisation: Organisation | None = None,
    amount: str = "10000.00",
    **fields: Any,
) -> Award:
    organisation = organisation or make_member(cohort)
    fields.setdefault("title", f"Grant to {organisation.name}")
    fields.setdefault("awarded_on", date(2027, 1, 5))
    return award_grant(
        actor=actor, cohort=cohort, organisation=organisation, amount=Decimal(amount), **fields
    )
