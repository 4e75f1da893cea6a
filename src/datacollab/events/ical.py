"""iCalendar (RFC 5545) for sessions and 1:1 bookings, built with the `icalendar` library.

Feeds carry no METHOD: they are published calendars, re-read whole by the client, so a
cancelled session stays in them with STATUS:CANCELLED and a raised SEQUENCE. Mails about a
booking are iTIP messages (RFC 5546): METHOD:REQUEST when it is booked, METHOD:CANCEL (same UID,
higher SEQUENCE) when it is cancelled.

Every event's start and end carry the organiser's zone (TZID), and each zone used gets its
VTIMEZONE, so clients show the right local time even across daylight-saving changes.

RFC 5545 (3.4, 3.6) requires at least one component in a calendar, so a feed with no event yet
(a new cohort, a person invited to nothing) carries the VTIMEZONE of the site's zone alone: a
valid, empty calendar that clients subscribe to and later fill.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vText

from datacollab.events.models import Booking, Session

PRODID = "-//datacollab//Sessions and 1:1 support//EN"
UID_DOMAIN = "datacollab"


def uid_of(obj: Session | Booking) -> str:
    """Stable for the object's whole life: calendar clients match updates by it."""
    return f"{obj.uid}@{UID_DOMAIN}"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _text(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def session_event(session: Session, *, url: str = "") -> Event:
    zone = _zone(session.timezone)
    event = Event()
    event.add("uid", uid_of(session))
    # No METHOD in a feed: DTSTAMP is then when the event was last revised (RFC 5545 3.8.7.2).
    event.add("dtstamp", _utc(session.updated_at))
    event.add("created", _utc(session.created_at))
    event.add("last-modified", _utc(session.updated_at))
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", session.title)
    event.add("status", "CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED")
    event.add("categories", [session.get_kind_display()])
    event.add("description", _text(session.theme, session.description, session.video_url, url))
    location = session.place or session.video_url
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    event.add("transp", "OPAQUE")
    return event


def booking_summary(booking: Booking) -> str:
    return _("1:1 support: %(expert)s and %(participant)s") % {
        "expert": booking.slot.expert,
        "participant": booking.participant,
    }


def booking_event(booking: Booking, *, dtstamp: datetime | None = None) -> Event:
    slot = booking.slot
    zone = _zone(slot.timezone)
    modified = booking.cancelled_at or booking.created_at
    event = Event()
    event.add("uid", uid_of(booking))
    event.add("dtstamp", _utc(dtstamp or modified))
    event.add("created", _utc(booking.created_at))
    event.add("last-modified", _utc(modified))
    event.add("sequence", booking.sequence)
    event.add("dtstart", slot.starts_at.astimezone(zone))
    event.add("dtend", slot.ends_at.astimezone(zone))
    event.add("summary", booking_summary(booking))
    event.add("status", "CANCELLED" if booking.cancelled_at else "CONFIRMED")
    event.add("categories", [_("1:1 support")])
    event.add("description", _text(slot.topic, booking.question, slot.video_url))
    location = slot.place or slot.video_url
    if location:
        event.add("location", location)
    event.add("transp", "OPAQUE")
    return event


def _person(address: str, name: str, **params: str) -> vCalAddress:
    person = vCalAddress(f"mailto:{address}")
    person.params["CN"] = vText(name)
    for key, value in params.items():
        person.params[key] = vText(value)
    return person


def booking_message(booking: Booking, *, method: str) -> bytes:
    """The iTIP message mailed to both people: METHOD:REQUEST on booking, CANCEL on
    cancellation. DTSTAMP is now: when this message was made (RFC 5546 2.1.5)."""
    event = booking_event(booking, dtstamp=datetime.now(UTC))
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    event.add("organizer", _person(address or "noreply@localhost", name or "datacollab"))
    partstat = "DECLINED" if method == "CANCEL" else "ACCEPTED"
    for person in (booking.slot.expert, booking.participant):
        event.add(
            "attendee",
            _person(person.email, str(person), ROLE="REQ-PARTICIPANT", PARTSTAT=partstat),
        )
    return build_calendar([event], name=booking_summary(booking), method=method)


def _timezones(events: list[Event]) -> list[Timezone]:
    """A VTIMEZONE for each zone used, covering the whole years of the events' dates."""
    used: dict[str, list[date]] = {}
    for event in events:
        for key in ("dtstart", "dtend"):
            value = event.decoded(key)
            tzname = getattr(getattr(value, "tzinfo", None), "key", "UTC")
            if tzname != "UTC":
                used.setdefault(tzname, []).append(value.date())
    return [
        Timezone.from_tzid(
            name, first_date=date(min(days).year, 1, 1), last_date=date(max(days).year + 1, 1, 1)
        )
        for name, days in sorted(used.items())
    ]


def _placeholder_zone() -> Timezone:
    """The site's zone for the current year: the one component of an empty calendar."""
    year = django_timezone.now().year
    name = getattr(_zone(settings.TIME_ZONE), "key", "UTC")
    return Timezone.from_tzid(name, first_date=date(year, 1, 1), last_date=date(year + 1, 1, 1))


def build_calendar(
    events: Iterable[Event], *, name: str, method: str | None = None, refresh: bool = False
) -> bytes:
    """A VCALENDAR with the zones first, then the events. `refresh` adds the polling hint that
    subscribed feeds give (RFC 7986 REFRESH-INTERVAL and its widely read X- twin)."""
    events = list(events)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if refresh:
        calendar.add("refresh-interval", vDuration(timedelta(hours=1)))
        calendar["refresh-interval"].params["VALUE"] = "DURATION"
        calendar.add("x-published-ttl", vDuration(timedelta(hours=1)))
    for timezone in _timezones(events) if events else [_placeholder_zone()]:
        calendar.add_component(timezone)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
