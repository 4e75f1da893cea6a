"""Attendance: the convener's sheet for one session, and rates per session and organisation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from datacollab.events.models import Attendance, Audience, Invitation, Session
from datacollab.network.models import Cohort, CohortMembership
from datacollab.network.selectors.participation import cohort_people
from datacollab.organisations.models import Membership, Organisation, User


def expected_people(session: Session) -> QuerySet[User]:
    """Who the attendance sheet lists: the invitees, the people of the session's cohort (for a
    cohort session), and anyone already recorded."""
    ids = set(Invitation.objects.filter(session=session).values_list("user_id", flat=True))
    ids |= set(Attendance.objects.filter(session=session).values_list("user_id", flat=True))
    if session.audience == Audience.COHORT and session.cohort is not None:
        ids |= set(cohort_people(session.cohort).values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids).order_by("display_name", "email")


def organisations_for(session: Session, users: Iterable[User]) -> dict[int, Organisation | None]:
    """The organisation each person attends for: one of the session's cohort if they have one,
    else a primary contributor, else a member of any cohort, else their first by name."""
    user_ids = [user.pk for user in users]
    memberships = (
        Membership.objects.filter(user_id__in=user_ids)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    in_cohort = (
        set(
            CohortMembership.objects.filter(cohort=session.cohort).values_list(
                "organisation_id", flat=True
            )
        )
        if session.cohort_id
        else set()
    )
    contributors = set(session.contributors.values_list("pk", flat=True))
    in_any_cohort = set(
        CohortMembership.objects.filter(
            organisation_id__in={m.organisation_id for m in memberships}
        ).values_list("organisation_id", flat=True)
    )
    ranked: dict[int, list[tuple[int, Organisation]]] = defaultdict(list)
    for membership in memberships:
        org_id = membership.organisation_id
        rank = 0 if org_id in in_cohort else 1 if org_id in contributors else 2
        rank = rank if rank < 2 or org_id in in_any_cohort else 3
        ranked[membership.user_id].append((rank, membership.organisation))
    return {
        pk: min(ranked[pk], key=lambda item: item[0])[1] if ranked[pk] else None for pk in user_ids
    }


@dataclass(frozen=True)
class SheetRow:
    person: User
    organisation: Organisation | None
    response: str
    attended: bool | None  # None: not recorded yet


def attendance_sheet(session: Session) -> list[SheetRow]:
    """One row per expected person, with their answer and what was recorded."""
    people = list(expected_people(session))
    orgs = organisations_for(session, people)
    responses = dict(Invitation.objects.filter(session=session).values_list("user_id", "response"))
    recorded = {
        a.user_id: a
        for a in Attendance.objects.filter(session=session).select_related("organisation")
    }
    rows = []
    for person in people:
        record = recorded.get(person.pk)
        rows.append(
            SheetRow(
                person=person,
                organisation=record.organisation if record else orgs[person.pk],
                response=responses.get(person.pk, ""),
                attended=record.attended if record else None,
            )
        )
    return rows


def _rate(attended: int, recorded: int) -> float | None:
    return attended / recorded if recorded else None


def _percent(rate: float | None) -> int | None:
    return None if rate is None else round(rate * 100)


@dataclass(frozen=True)
class SessionRate:
    session: Session
    attended: int  # people recorded as present
    recorded: int  # people recorded, present or absent
    rate: float | None  # attended / recorded; None when nothing was recorded

    @property
    def percent(self) -> int | None:
        return _percent(self.rate)


@dataclass(frozen=True)
class OrganisationRate:
    organisation: Organisation
    attended: int  # person-sessions present
    recorded: int  # person-sessions recorded
    rate: float | None  # attended / recorded
    sessions_present: int  # sessions where at least one of its people was present
    sessions_held: int  # the cohort's sessions with attendance recorded
    session_rate: float | None  # sessions_present / sessions_held

    @property
    def percent(self) -> int | None:
        return _percent(self.rate)

    @property
    def session_percent(self) -> int | None:
        return _percent(self.session_rate)


@dataclass(frozen=True)
class AttendanceRates:
    cohort: Cohort
    sessions: list[SessionRate]
    organisations: list[OrganisationRate]
    attended: int
    recorded: int

    @property
    def rate(self) -> float | None:
        return _rate(self.attended, self.recorded)

    @property
    def percent(self) -> int | None:
        return _percent(self.rate)


def attendance_rates(cohort: Cohort) -> AttendanceRates:
    """Attendance of `cohort`'s own sessions (audience "cohort", not cancelled).

    - `sessions`: every such session that has started, in time order, with the people
      recorded present (`attended`) out of the people recorded (`recorded`); `rate` is
      attended / recorded, a float in [0, 1], or None while nothing is recorded.
    - `organisations`: every member organisation of the cohort (by name). `attended` /
      `recorded` count person-sessions of its people (the organisation kept on each record);
      `session_rate` is the share of sessions with attendance recorded (`sessions_held`) at
      which at least one of its people was present (`sessions_present`). Rates are None when
      there is nothing to divide by.
    - `attended`, `recorded` and `rate`: the cohort's totals over person-sessions.
    No permission check: callers (the convener's pages) check `can_manage_sessions`.
    """
    sessions = list(
        Session.objects.filter(
            cohort=cohort,
            audience=Audience.COHORT,
            status=Session.Status.SCHEDULED,
            starts_at__lte=timezone.now(),
        ).order_by("starts_at", "pk")
    )
    records = list(
        Attendance.objects.filter(session__in=sessions).values_list(
            "session_id", "organisation_id", "attended"
        )
    )
    per_session: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    per_org: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    present_at: dict[int, set[int]] = defaultdict(set)
    for session_id, org_id, attended in records:
        per_session[session_id][1] += 1
        per_session[session_id][0] += int(attended)
        if org_id is not None:
            per_org[org_id][1] += 1
            per_org[org_id][0] += int(attended)
            if attended:
                present_at[org_id].add(session_id)
    held = sum(1 for s in sessions if per_session[s.pk][1])
    members = Organisation.objects.filter(cohort_memberships__cohort=cohort).order_by("name")
    return AttendanceRates(
        cohort=cohort,
        sessions=[
            SessionRate(
                session=s,
                attended=per_session[s.pk][0],
                recorded=per_session[s.pk][1],
                rate=_rate(*per_session[s.pk]),
            )
            for s in sessions
        ],
        organisations=[
            OrganisationRate(
                organisation=org,
                attended=per_org[org.pk][0],
                recorded=per_org[org.pk][1],
                rate=_rate(*per_org[org.pk]),
                sessions_present=len(present_at[org.pk]),
                sessions_held=held,
                session_rate=_rate(len(present_at[org.pk]), held),
            )
            for org in members
        ],
        attended=sum(count[0] for count in per_session.values()),
        recorded=sum(count[1] for count in per_session.values()),
    )
