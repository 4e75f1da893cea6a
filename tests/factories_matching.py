"""Factories for peer matching: organisations of cohorts with texts to match on."""

from __future__ import annotations

from datetime import date
from typing import Any

from datacollab.network.models import Answer, Application, Cohort
from datacollab.organisations.models import Organisation, User
from tests.factories import make_application, make_call, make_cohort, make_org, make_user


def ended_cohort(**fields: Any) -> Cohort:
    return make_cohort(starts_on=date(2020, 1, 1), ends_on=date(2020, 6, 30), **fields)


def current_cohort(**fields: Any) -> Cohort:
    return make_cohort(starts_on=date(2020, 1, 1), ends_on=date(2099, 12, 31), **fields)


def cohort_org(
    cohort: Cohort,
    *,
    name: str,
    country: str = "GB",
    people: int = 1,
    application: str = "",
    answer: str = "",
) -> tuple[Organisation, list[User]]:
    """An organisation of `cohort` with `people` members and, if given, a submitted
    application whose summary (and first answer) are the texts given."""
    users = [make_user(roles=["participant"]) for _ in range(people)]
    organisation = make_org(name=name, country=country, members=users)
    cohort.members.add(organisation)
    if application or answer:
        app = make_application(
            call=_call_of(cohort),
            organisation=organisation,
            user=users[0] if users else None,
            title=name,
            summary=application,
        )
        if answer:
            question = app.call.questions.order_by("position").first()
            assert question is not None
            Answer.objects.create(application=app, question=question, value=answer)
    return organisation, users


def _call_of(cohort: Cohort) -> Any:
    call = cohort.calls.first()
    return call or make_call(cohort=cohort)


def applications_of(organisation: Organisation) -> list[Application]:
    return list(organisation.applications.all())
