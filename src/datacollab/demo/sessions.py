"""Sessions of the demo: the second cohort's four roundtables (invitations, attendance),
upcoming alumni and network sessions to RSVP to, and an expert's 1:1 support slots.

Rows are upserted by natural key (session slugs, (session, person), (expert, start) for past
slots). Upcoming sessions and slots are placed relative to the day of loading, like the open
call, so they stay upcoming: a later load moves them (raising a session's iCalendar sequence)
and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from datacollab.demo import content
from datacollab.demo.people import email
from datacollab.demo.roundtables import (
    GBIF,
    METABRAINZ,
    OCP,
    ROUNDTABLES,
    STEWARDS,
    WIKIMEDIA,
    WIKIRATE,
    Roundtable,
)
from datacollab.demo.rows import upsert
from datacollab.events.models import (
    Attendance,
    Audience,
    Booking,
    Invitation,
    Session,
    SessionKind,
    SupportSlot,
)
from datacollab.network.models import Cohort, Network
from datacollab.organisations.models import Organisation, User

LONDON = ZoneInfo("Europe/London")
ROUNDTABLE_START = time(15, 0)
ROUNDTABLE_LENGTH = timedelta(minutes=90)
# People who answered "no" to a roundtable they then missed; the others said yes.
RSVP_NO = "no"


@dataclass(frozen=True)
class Upcoming:
    slug: str
    title: str
    kind: str
    audience: str
    days_ahead: int
    at: time
    length: timedelta
    description: str
    place: str = "Online"
    video_url: str = ""
    contributors: tuple[str, ...] = ()
    theme: str = ""


UPCOMING = [
    Upcoming(
        slug="alumni-circle-what-changed-since-your-cohort",
        title="Alumni circle: what changed since your cohort?",
        kind=SessionKind.NETWORKING,
        audience=Audience.ALUMNI,
        days_ahead=9,
        at=time(15, 0),
        length=timedelta(hours=1),
        description=(
            "An informal hour for alumni of both cohorts: what you tried after the network, "
            "what worked, and who you would like to meet next. Bring one question for the group."
        ),
        video_url="https://meet.example.org/plndc-alumni-circle",
        theme="Alumni",
    ),
    Upcoming(
        slug="network-workshop-sustaining-open-data-infrastructure",
        title="Network workshop: sustaining open data infrastructure",
        kind=SessionKind.WORKSHOP,
        audience=Audience.NETWORK,
        days_ahead=23,
        at=time(14, 0),
        length=timedelta(hours=2),
        description=(
            "Alumni of the open data stewards cohort share what they learnt about paying for "
            "the infrastructure behind open data, for everyone in the network: participants, "
            "alumni, experts and the incoming third cohort."
        ),
        video_url="https://meet.example.org/plndc-workshop",
        contributors=(WIKIMEDIA, METABRAINZ),
        theme="Sustainable business model",
    ),
]
# Who has answered the upcoming invitations so far; the demo participant (GBIF) has not.
UPCOMING_ANSWERS = {
    "alumni-circle-what-changed-since-your-cohort": {WIKIRATE: "yes", OCP: "maybe"},
    "network-workshop-sustaining-open-data-infrastructure": {WIKIMEDIA: "yes", METABRAINZ: "yes"},
}


@dataclass(frozen=True)
class PastSlot:
    on: date
    at: time
    topic: str
    booked_by: str = ""
    question: str = ""


# During the second cohort (its participants were current then).
PAST_SLOTS = [
    PastSlot(
        date(2021, 11, 10),
        time(14, 0),
        "Measuring the reach of open data",
        booked_by=GBIF,
        question="How do other stewards measure the reach of their data beyond downloads?",
    ),
    PastSlot(date(2021, 12, 8), time(14, 0), "Open licences and attribution"),
    PastSlot(
        date(2022, 1, 12),
        time(14, 0),
        "Pricing services around open data",
        booked_by=WIKIRATE,
        question="Which paid services could we offer without closing any of our data?",
    ),
]
# Open to every current participant: (days ahead, hour in London, topic).
UPCOMING_SLOTS = [
    (3, time(10, 0), "Data governance and licensing"),
    (5, time(16, 0), "Sustainable business models for open data"),
    (10, time(10, 0), "Data governance and licensing"),
    (12, time(16, 0), "Privacy-preserving data sharing"),
]
SLOT_LENGTH = timedelta(minutes=45)


@dataclass(frozen=True)
class DemoSessions:
    roundtables: dict[str, Session]
    upcoming: dict[str, Session]


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON)


def _today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


def ensure_sessions(
    *, network: Network, cohort: Cohort, convener: User, expert: User, now: datetime
) -> DemoSessions:
    """Run inside the loader's transaction, after the cohorts and their contacts exist."""
    orgs = Organisation.objects.in_bulk(STEWARDS, field_name="slug")
    contacts = {u.email: u for u in User.objects.filter(email__in=[email(s) for s in STEWARDS])}
    people = {slug: contacts[email(slug)] for slug in STEWARDS}
    roundtables = _roundtables(network=network, cohort=cohort, convener=convener, orgs=orgs)
    _roundtable_people(roundtables, people=people, orgs=orgs, convener=convener)
    upcoming = _upcoming(network=network, convener=convener, orgs=orgs, now=now)
    _upcoming_invitations(upcoming, now=now)
    _support_slots(cohort=cohort, expert=expert, people=people, orgs=orgs, now=now)
    return DemoSessions(roundtables=roundtables, upcoming=upcoming)


def _roundtables(
    *, network: Network, cohort: Cohort, convener: User, orgs: dict[str, Organisation]
) -> dict[str, Session]:
    sessions, _created = upsert(
        Session,
        key=("slug",),
        rows=[_roundtable_row(rt, network, cohort, convener) for rt in ROUNDTABLES],
        existing=Session.objects.filter(slug__in=[rt.slug for rt in ROUNDTABLES]),
    )
    by_slug = {slug: session for (slug,), session in sessions.items()}
    through = Session.contributors.through
    upsert(
        through,
        key=("session_id", "organisation_id"),
        rows=[
            {"session_id": by_slug[rt.slug].pk, "organisation_id": orgs[slug].pk}
            for rt in ROUNDTABLES
            for slug in rt.contributors
            if slug in orgs
        ],
        existing=through.objects.filter(session__in=list(by_slug.values())),
    )
    return by_slug


def _roundtable_row(
    rt: Roundtable, network: Network, cohort: Cohort, convener: User
) -> dict[str, object]:
    starts_at = _at(rt.on, ROUNDTABLE_START)
    return {
        "slug": rt.slug,
        "network_id": network.pk,
        "audience": Audience.COHORT,
        "cohort_id": cohort.pk,
        "kind": SessionKind.ROUNDTABLE,
        "title": rt.title,
        "theme": rt.theme_label,
        "description": rt.description,
        "starts_at": starts_at,
        "ends_at": starts_at + ROUNDTABLE_LENGTH,
        "timezone": "Europe/London",
        "place": "Online",
        "reflective_questions": "\n".join(rt.questions),
        "minutes": rt.minutes,
        "status": Session.Status.SCHEDULED,
        "created_by_id": convener.pk,
    }


def _roundtable_people(
    roundtables: dict[str, Session],
    *,
    people: dict[str, User],
    orgs: dict[str, Organisation],
    convener: User,
) -> None:
    invitations = []
    attendances = []
    for rt in ROUNDTABLES:
        session = roundtables[rt.slug]
        for slug, person in people.items():
            came = slug not in rt.absent
            invitations.append(
                {
                    "session_id": session.pk,
                    "user_id": person.pk,
                    "response": Invitation.Response.YES if came else RSVP_NO,
                    "responded_at": session.starts_at - timedelta(days=5),
                }
            )
            attendances.append(
                {
                    "session_id": session.pk,
                    "user_id": person.pk,
                    "organisation_id": orgs[slug].pk,
                    "attended": came,
                    "recorded_by_id": convener.pk,
                }
            )
    scope = list(roundtables.values())
    upsert(
        Invitation,
        key=("session_id", "user_id"),
        rows=invitations,
        existing=Invitation.objects.filter(session__in=scope),
    )
    upsert(
        Attendance,
        key=("session_id", "user_id"),
        rows=attendances,
        existing=Attendance.objects.filter(session__in=scope),
    )


def _upcoming(
    *, network: Network, convener: User, orgs: dict[str, Organisation], now: datetime
) -> dict[str, Session]:
    today = _today(now)
    existing = Session.objects.in_bulk([u.slug for u in UPCOMING], field_name="slug")
    sessions: dict[str, Session] = {}
    for spec in UPCOMING:
        starts_at = _at(today + timedelta(days=spec.days_ahead), spec.at)
        values = {
            "network": network,
            "audience": spec.audience,
            "cohort": None,
            "kind": spec.kind,
            "title": spec.title,
            "theme": spec.theme,
            "description": spec.description,
            "starts_at": starts_at,
            "ends_at": starts_at + spec.length,
            "timezone": "Europe/London",
            "place": spec.place,
            "video_url": spec.video_url,
            "status": Session.Status.SCHEDULED,
        }
        session = existing.get(spec.slug)
        if session is None:
            session = Session.objects.create(slug=spec.slug, created_by=convener, **values)
        else:
            changed = [name for name, value in values.items() if getattr(session, name) != value]
            if changed:
                for name in changed:
                    setattr(session, name, values[name])
                # Calendars notice a moved session only when its sequence goes up.
                session.sequence += 1
                session.save(update_fields=[*changed, "sequence", "updated_at"])
        session.contributors.add(*[orgs[s] for s in spec.contributors if s in orgs])
        sessions[spec.slug] = session
    return sessions


def _upcoming_invitations(upcoming: dict[str, Session], *, now: datetime) -> None:
    """Everyone of the audience among the demo's cohort contacts is invited; a few answered."""
    alumni = list(
        User.objects.filter(
            memberships__organisation__cohort_memberships__cohort__slug__in=[
                content.FIRST.slug,
                content.SECOND.slug,
            ],
            email__endswith=f"@{content.DOMAIN}",
        )
        .distinct()
        .order_by("email")
    )
    rows = []
    for slug, session in upcoming.items():
        answers = UPCOMING_ANSWERS.get(slug, {})
        answered_at = session.starts_at - timedelta(days=7)
        for person in alumni:
            answer = answers.get(person.email.split("@", 1)[0])
            rows.append(
                {
                    "session_id": session.pk,
                    "user_id": person.pk,
                    # Kept as the person left it: a demo RSVP survives the next load.
                    **(
                        {"response": answer, "responded_at": min(answered_at, now)}
                        if answer
                        else {}
                    ),
                }
            )
    existing = {
        (i.session_id, i.user_id): i
        for i in Invitation.objects.filter(session__in=list(upcoming.values()))
    }
    missing = [row for row in rows if (row["session_id"], row["user_id"]) not in existing]
    Invitation.objects.bulk_create([Invitation(**row) for row in missing])


def _support_slots(
    *,
    cohort: Cohort,
    expert: User,
    people: dict[str, User],
    orgs: dict[str, Organisation],
    now: datetime,
) -> None:
    past, _created = upsert(
        SupportSlot,
        key=("expert_id", "starts_at"),
        rows=[
            {
                "expert_id": expert.pk,
                "cohort_id": cohort.pk,
                "starts_at": _at(slot.on, slot.at),
                "ends_at": _at(slot.on, slot.at) + SLOT_LENGTH,
                "timezone": "Europe/London",
                "topic": slot.topic,
                "video_url": "https://meet.example.org/plndc-support",
            }
            for slot in PAST_SLOTS
        ],
        existing=SupportSlot.objects.filter(expert=expert, cohort=cohort),
    )
    booked = [
        (past[(expert.pk, _at(slot.on, slot.at))], slot) for slot in PAST_SLOTS if slot.booked_by
    ]
    have = set(
        Booking.objects.filter(slot__in=[s for s, _spec in booked]).values_list(
            "slot_id", flat=True
        )
    )
    for row, spec in booked:
        if row.pk in have:
            continue
        booking = Booking.objects.create(
            slot=row,
            participant=people[spec.booked_by],
            organisation=orgs[spec.booked_by],
            question=spec.question,
        )
        # Booked a week ahead, as it happened; created_at is set on insert, so set it after.
        Booking.objects.filter(pk=booking.pk).update(created_at=row.starts_at - timedelta(days=7))
    _upcoming_slots(expert=expert, now=now)


def _upcoming_slots(*, expert: User, now: datetime) -> None:
    """Matched by position among the expert's network-wide slots, so a later load moves them
    rather than adding more; a booked slot is left where it is."""
    today = _today(now)
    slots = list(SupportSlot.objects.filter(expert=expert, cohort=None).order_by("pk"))
    booked = set(
        Booking.objects.filter(slot__in=slots, cancelled_at__isnull=True).values_list(
            "slot_id", flat=True
        )
    )
    for index, (days, at, topic) in enumerate(UPCOMING_SLOTS):
        starts_at = _at(today + timedelta(days=days), at)
        values = {
            "starts_at": starts_at,
            "ends_at": starts_at + SLOT_LENGTH,
            "timezone": "Europe/London",
            "topic": topic,
            "video_url": "https://meet.example.org/plndc-support",
            "withdrawn": False,
        }
        if index >= len(slots):
            SupportSlot.objects.create(expert=expert, cohort=None, **values)
            continue
        slot = slots[index]
        if slot.pk in booked:
            continue
        changed = [name for name, value in values.items() if getattr(slot, name) != value]
        if changed:
            for name in changed:
                setattr(slot, name, values[name])
            slot.save(update_fields=changed)
