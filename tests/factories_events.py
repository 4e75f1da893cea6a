"""Factories for sessions and 1:1 support: real rows through the real services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from datacollab.events.models import Audience, Session, SupportSlot
from datacollab.events.services.sessions import create_session
from datacollab.network.models import Cohort, CohortMembership
from datacollab.organisations.models import Organisation, User
from tests import factories


def current_cohort(**fields: Any) -> Cohort:
    """A cohort running today (its people are current participants, not alumni)."""
    today = timezone.localdate()
    fields.setdefault("starts_on", today - timedelta(days=30))
    fields.setdefault("ends_on", today + timedelta(days=150))
    return factories.make_cohort(**fields)


def ended_cohort(**fields: Any) -> Cohort:
    """A cohort that has ended (its people are alumni)."""
    fields.setdefault("starts_on", date(2021, 10, 1))
    fields.setdefault("ends_on", date(2022, 3, 31))
    return factories.make_cohort(**fields)


def make_participant(
    cohort: Cohort, *, organisation: Organisation | None = None, **user_fields: Any
) -> User:
    """A person whose organisation is a member of `cohort`."""
    user = factories.make_user(roles=["participant"], **user_fields)
    if organisation is None:
        organisation = factories.make_org(members=[user])
        CohortMembership.objects.create(cohort=cohort, organisation=organisation)
    else:
        organisation.memberships.create(user=user)
        CohortMembership.objects.get_or_create(cohort=cohort, organisation=organisation)
    return user


def make_expert(**user_fields: Any) -> User:
    return factories.make_user(roles=["expert"], **user_fields)


def at(days: float, hour: int = 14, minute: int = 0) -> datetime:
    """An aware UTC datetime `days` from today at hour:minute."""
    base = timezone.now().replace(hour=hour, minute=minute, second=0, microsecond=0)
    return base + timedelta(days=days)


def make_session(
    *,
    actor: User | None = None,
    cohort: Cohort | None = None,
    audience: str = Audience.COHORT,
    starts_at: datetime | None = None,
    hours: float = 1.5,
    **fields: Any,
) -> Session:
    """A session made by the real service (a convener is made if none is given)."""
    actor = actor or factories.make_user(roles=["convener"])
    if audience == Audience.COHORT and cohort is None:
        cohort = current_cohort()
    starts_at = starts_at or at(7)
    fields.setdefault("kind", "roundtable")
    fields.setdefault("title", "Value and impact of open data")
    return create_session(
        actor=actor,
        network=factories.make_network(),
        audience=audience,
        cohort=cohort,
        starts_at=starts_at,
        ends_at=fields.pop("ends_at", None) or starts_at + timedelta(hours=hours),
        **fields,
    )


def make_slot(
    *,
    expert: User | None = None,
    starts_at: datetime | None = None,
    minutes: int = 45,
    **fields: Any,
) -> SupportSlot:
    """A slot created directly (past slots too, which the service refuses)."""
    starts_at = starts_at or at(3)
    fields.setdefault("timezone", "Europe/London")
    fields.setdefault("topic", "Data governance")
    return SupportSlot.objects.create(
        expert=expert or make_expert(),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **fields,
    )
