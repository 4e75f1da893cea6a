"""Factories for the output report and dashboard tests: rows made directly, so the figures under
test do not depend on other apps' services (sessions, grants, selection) being in a given state."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from datacollab.collaborations.models import DataCollaboration
from datacollab.events.models import Attendance, Invitation, Session
from datacollab.network.models import (
    Application,
    Award,
    Call,
    Cohort,
    CohortMembership,
    Instalment,
    SelectionProposal,
)
from datacollab.organisations.models import Organisation, User
from tests import factories

_seq = itertools.count(1)


def make_member(cohort: Cohort, **org_fields: Any) -> Organisation:
    organisation = factories.make_org(**org_fields)
    CohortMembership.objects.create(cohort=cohort, organisation=organisation)
    return organisation


def make_person(organisation: Organisation, **user_fields: Any) -> User:
    user = factories.make_user(roles=["participant"], **user_fields)
    organisation.memberships.create(user=user)
    return user


def make_session(
    cohort: Cohort,
    *,
    title: str | None = None,
    kind: str = "roundtable",
    starts_at: datetime | None = None,
    contributors: list[Organisation] = (),  # type: ignore[assignment]
    **fields: Any,
) -> Session:
    n = next(_seq)
    starts_at = starts_at or datetime(2026, 2, 1, 14, 0, tzinfo=UTC) + timedelta(days=n)
    session = Session.objects.create(
        network=cohort.network,
        cohort=cohort,
        audience="cohort",
        kind=kind,
        slug=f"session-{n}",
        title=title or f"Roundtable {n}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        **fields,
    )
    session.contributors.set(contributors)
    return session


def attend(session: Session, user: User, *, attended: bool = True, invited: bool = True) -> None:
    """Record a person's attendance (for their first organisation), invited beforehand."""
    if invited:
        Invitation.objects.get_or_create(session=session, user=user)
    organisation = Organisation.objects.filter(memberships__user=user).first()
    Attendance.objects.create(
        session=session, user=user, organisation=organisation, attended=attended
    )


def make_award(
    cohort: Cohort,
    organisation: Organisation,
    *,
    amount: str = "20000.00",
    paid: int = 0,
    instalments: int = 2,
) -> Award:
    """An award in equal instalments, the first `paid` of them paid."""
    awarder = factories.make_user(roles=["convener"])
    award = Award.objects.create(
        cohort=cohort,
        organisation=organisation,
        identifier=f"360G-test-{cohort.slug}-{organisation.slug}",
        title=f"Grant to {organisation.name}",
        amount=Decimal(amount),
        currency=cohort.currency,
        awarded_on=date(2027, 1, 5),
        awarded_by=awarder,
    )
    part = (Decimal(amount) / instalments).quantize(Decimal("0.01"))
    for position in range(1, instalments + 1):
        Instalment.objects.create(
            award=award,
            position=position,
            due_on=date(2027, position, 1),
            amount=part,
            paid_on=date(2027, position, 2) if position <= paid else None,
        )
    return award


def make_proposal(
    call: Call, selected: list[Application], *, status: str = SelectionProposal.Status.PROPOSED
) -> SelectionProposal:
    return SelectionProposal.objects.create(
        call=call,
        created_by=factories.make_user(roles=["convener"]),
        status=status,
        result={
            "status": "optimal",
            "selected": [app.pk for app in selected],
            # The snapshot lists every candidate; the funnel must not read it.
            "candidates": [{"id": app.pk} for app in selected],
        },
    )


def make_collaboration(lead: Organisation, **fields: Any) -> DataCollaboration:
    n = next(_seq)
    return DataCollaboration.objects.create(
        slug=fields.pop("slug", f"collaboration-{n}"),
        name=fields.pop("name", f"Collaboration {n}"),
        challenge=fields.pop("challenge", "Sharing data about rivers."),
        lead=lead,
        **fields,
    )
