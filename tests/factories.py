"""Plain factory functions: real rows through real models, sensible defaults, no mocks."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from datacollab.network.models import (
    Application,
    Call,
    Cohort,
    CriterionKind,
    EligibilityCriterion,
    Network,
    Question,
    QuestionKind,
    RubricCriterion,
)
from datacollab.organisations.models import Membership, Organisation, RoleGrant, User

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple 42"


def make_user(*, email: str | None = None, roles: list[str] = (), **extra: Any) -> User:  # type: ignore[assignment]
    n = next(_seq)
    # Verified by default, as most tests act as people who have followed their link;
    # `verified=False` makes a fresh sign-up.
    verified = extra.pop("verified", True)
    extra.setdefault("email_verified_at", timezone.now() if verified else None)
    user = User.objects.create_user(
        email=email or f"person{n}@example.org",
        password=PASSWORD,
        display_name=extra.pop("display_name", f"Person {n}"),
        **extra,
    )
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    return user


def make_org(
    *,
    name: str | None = None,
    kind: str = "non_profit",
    country: str = "GB",
    members: list[User] = (),
    admins: list[User] = (),  # type: ignore[assignment]
) -> Organisation:
    n = next(_seq)
    org = Organisation.objects.create(
        slug=f"org-{n}", name=name or f"Organisation {n}", kind=kind, country=country
    )
    for user in members:
        Membership.objects.create(user=user, organisation=org, role=Membership.Role.MEMBER)
    for user in admins:
        Membership.objects.create(user=user, organisation=org, role=Membership.Role.ADMIN)
    return org


def make_network() -> Network:
    network, _ = Network.objects.get_or_create(
        slug="plndc", defaults={"name": "Peer Learning Network for Data Collaborations"}
    )
    return network


def make_cohort(**fields: Any) -> Cohort:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "network": make_network(),
        "slug": f"cohort-{n}",
        "name": f"Cohort {n}",
        "focus": "early-stage data collaborations",
        "starts_on": date(2027, 1, 1),
        "ends_on": date(2027, 6, 30),
        "capacity": 5,
        "budget": Decimal("100000.00"),
        "award_cap": Decimal("20000.00"),
        "currency": "GBP",
    }
    defaults.update(fields)
    return Cohort.objects.create(**defaults)


def make_call(
    *,
    cohort: Cohort | None = None,
    open: bool = True,
    with_questions: bool = True,
    with_rubric: bool = True,
    **fields: Any,
) -> Call:
    n = next(_seq)
    now = timezone.now()
    defaults: dict[str, Any] = {
        "cohort": cohort or make_cohort(),
        "slug": f"call-{n}",
        "title": f"Open call {n}",
        "description": "We fund **data collaborations**.",
        "status": Call.Status.OPEN,
        "opens_at": now - timedelta(days=10),
        "deadline": now + timedelta(days=10) if open else now - timedelta(hours=1),
        "reviews_per_application": 2,
    }
    defaults.update(fields)
    call = Call.objects.create(**defaults)
    if with_questions:
        Question.objects.create(
            call=call,
            position=1,
            kind=QuestionKind.LONG_TEXT,
            label="What challenge does your collaboration address?",
            max_length=2000,
        )
        Question.objects.create(
            call=call,
            position=2,
            kind=QuestionKind.NUMBER,
            label="How many organisations take part?",
            min_value=2,
            max_value=100,
        )
    if with_rubric:
        RubricCriterion.objects.create(call=call, position=1, name="Impact", weight=2)
        RubricCriterion.objects.create(call=call, position=2, name="Feasibility", weight=1)
    return call


def add_criterion(
    call: Call, kind: str, value: Any, description: str, question: Question | None = None
) -> EligibilityCriterion:
    return EligibilityCriterion.objects.create(
        call=call, kind=kind, value=value, description=description, question=question
    )


def make_application(
    *,
    call: Call,
    organisation: Organisation | None = None,
    user: User | None = None,
    submitted: bool = True,
    eligible: bool | None = True,
    amount: str = "20000.00",
    **fields: Any,
) -> Application:
    user = user or make_user(roles=["participant"])
    organisation = organisation or make_org(members=[user])
    app = Application.objects.create(
        call=call,
        organisation=organisation,
        created_by=user,
        title=fields.pop("title", f"Project of {organisation.name}"),
        summary=fields.pop("summary", "We share data."),
        requested_amount=Decimal(amount),
        status=Application.Status.SUBMITTED if submitted else Application.Status.DRAFT,
        submitted_at=timezone.now() if submitted else None,
        eligible=eligible if submitted else None,
        **fields,
    )
    return app


__all__ = [
    "PASSWORD",
    "CriterionKind",
    "add_criterion",
    "make_application",
    "make_call",
    "make_cohort",
    "make_network",
    "make_org",
    "make_user",
]
