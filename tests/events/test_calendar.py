"""iCalendar feeds, parsed back with the icalendar library: UIDs, SEQUENCE, zones, cancellations."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from datacollab.core.models import AuditEntry
from datacollab.events.models import CalendarFeed
from datacollab.events.services.calendar import revoke_feed, rotate_feed
from datacollab.events.services.invitations import respond
from datacollab.events.services.sessions import cancel_session, update_session
from datacollab.events.services.support import book_slot, cancel_booking
from tests import factories
from tests.factories_events import (
    current_cohort,
    make_expert,
    make_participant,
    make_session,
    make_slot,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _feed(client, user):
    feed = rotate_feed(actor=user)
    response = client.get(reverse("calendar-feed-personal", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar):
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def cohort():
    return current_cohort(name="Cohort 3")


def test_personal_feed_valid_calendar_with_zones(client, convener, cohort):
    person = make_participant(cohort, timezone="Asia/Tokyo")
    london = make_session(
        actor=convener,
        cohort=cohort,
        title="Governance",
        starts_at=datetime(2030, 7, 1, 14, 0, tzinfo=LONDON),
        time_zone="Europe/London",
    )
    make_session(
        actor=convener,
        cohort=cohort,
        title="Business models",
        starts_at=datetime(2030, 8, 1, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo")),
        time_zone="America/Sao_Paulo",
    )
    calendar = _feed(client, person)
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == (
        "2.0",
        "-//datacollab//Sessions and 1:1 support//EN",
    )
    assert "METHOD" not in calendar
    assert sorted(tz["TZID"] for tz in calendar.walk("VTIMEZONE")) == [
        "America/Sao_Paulo",
        "Europe/London",
    ]
    event = _events(calendar)[f"{london.uid}@datacollab"]
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTSTART") == datetime(2030, 7, 1, 14, 0, tzinfo=LONDON)
    assert event.decoded("DTEND") == datetime(2030, 7, 1, 15, 30, tzinfo=LONDON)
    assert (str(event["SUMMARY"]), event["SEQUENCE"], str(event["STATUS"])) == (
        "Governance",
        0,
        "CONFIRMED",
    )
    assert str(event["URL"]) == f"http://testserver/sessions/{london.slug}/"
    for name in ("DTSTAMP", "LAST-MODIFIED", "CREATED"):
        assert event.decoded(name).utcoffset() == timedelta(0)


def test_personal_feed_session_move_keeps_uid_raises_sequence(client, convener, cohort):
    person = make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort)
    before = _events(_feed(client, person))[f"{session.uid}@datacollab"]
    new_start = session.starts_at + timedelta(days=2)
    update_session(
        actor=convener,
        session=session,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=1),
    )
    after_calendar = _feed(client, person)
    after = _events(after_calendar)[f"{session.uid}@datacollab"]
    assert len(after_calendar.walk("VEVENT")) == 1
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after.decoded("DTSTART") == new_start
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_personal_feed_cancelled_session_stays_cancelled(client, convener, cohort):
    person = make_participant(cohort)
    session = cancel_session(actor=convener, session=make_session(actor=convener, cohort=cohort))
    event = _events(_feed(client, person))[f"{session.uid}@datacollab"]
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)


def test_personal_feed_leaves_out_declined_and_invisible(client, convener, cohort):
    person = make_participant(cohort)
    declined = make_session(actor=convener, cohort=cohort, title="Declined")
    kept = make_session(actor=convener, cohort=cohort, title="Kept")
    make_session(actor=convener, cohort=current_cohort(), title="Other cohort")
    respond(actor=person, session=declined, response="no")
    assert list(_events(_feed(client, person))) == [f"{kept.uid}@datacollab"]


def test_personal_feed_booking_in_both_feeds_then_cancelled(client, cohort):
    expert = make_expert()
    person = make_participant(cohort)
    booking = book_slot(actor=person, slot=make_slot(expert=expert, timezone="Africa/Lagos"))
    uid = f"{booking.uid}@datacollab"
    for who in (expert, person):
        event = _events(_feed(client, who))[uid]
        assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CONFIRMED", 0)
        assert event["DTSTART"].params["TZID"] == "Africa/Lagos"
    cancel_booking(actor=person, booking=booking)
    for who in (expert, person):
        event = _events(_feed(client, who))[uid]
        assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)


def test_personal_feed_revoked_token_404(client, cohort):
    person = make_participant(cohort)
    token = rotate_feed(actor=person).token
    revoke_feed(actor=person)
    response = client.get(reverse("calendar-feed-personal", args=[token]))
    assert response.status_code == 404


def test_personal_feed_rotated_token_old_404_new_200(client, cohort):
    person = make_participant(cohort)
    old = rotate_feed(actor=person).token
    new = rotate_feed(actor=person).token
    assert old != new
    assert client.get(reverse("calendar-feed-personal", args=[old])).status_code == 404
    assert client.get(reverse("calendar-feed-personal", args=[new])).status_code == 200
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "calendar.feed_create",
        "calendar.feed_rotate",
    ]


def test_personal_feed_inactive_owner_404(client, cohort):
    person = make_participant(cohort)
    token = rotate_feed(actor=person).token
    person.is_active = False
    person.save()
    assert client.get(reverse("calendar-feed-personal", args=[token])).status_code == 404


def test_personal_feed_query_count(client, convener, cohort, django_assert_max_num_queries):
    person = make_participant(cohort)
    for n in range(10):
        make_session(actor=convener, cohort=cohort, title=f"S{n}")
    for _ in range(5):
        book_slot(actor=person, slot=make_slot(starts_at=datetime(2030, 1, 1 + _, tzinfo=LONDON)))
    token = rotate_feed(actor=person).token
    with django_assert_max_num_queries(6):
        response = client.get(reverse("calendar-feed-personal", args=[token]))
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 15


def test_cohort_feed_for_logged_in_member(login, convener, cohort):
    person = make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort)
    make_session(actor=convener, cohort=current_cohort(), title="Elsewhere")
    response = login(person).get(reverse("calendar-feed-cohort", args=[cohort.slug]))
    calendar = Calendar.from_ical(response.content)
    assert list(_events(calendar)) == [f"{session.uid}@datacollab"]
    assert str(calendar["X-WR-CALNAME"]) == "Sessions of Cohort 3"


def test_cohort_feed_with_personal_token(client, convener, cohort):
    person = make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort)
    token = rotate_feed(actor=person).token
    response = client.get(reverse("calendar-feed-cohort", args=[cohort.slug]), {"token": token})
    assert list(_events(Calendar.from_ical(response.content))) == [f"{session.uid}@datacollab"]


def test_cohort_feed_bad_token_404(client, cohort):
    response = client.get(reverse("calendar-feed-cohort", args=[cohort.slug]), {"token": "x"})
    assert response.status_code == 404


def test_cohort_feed_outsider_403(login, cohort):
    outsider = make_participant(current_cohort())
    response = login(outsider).get(reverse("calendar-feed-cohort", args=[cohort.slug]))
    assert response.status_code == 403
    assert (
        "The calendar of Cohort 3 is for its participants, experts and conveners."
        in response.content.decode()
    )


def test_cohort_feed_anonymous_redirected_to_login(client, cohort):
    response = client.get(reverse("calendar-feed-cohort", args=[cohort.slug]))
    assert (response.status_code, response.url.startswith(reverse("login"))) == (302, True)


def test_cohort_feed_unknown_cohort_404(login, convener):
    response = login(convener).get(reverse("calendar-feed-cohort", args=["nope"]))
    assert response.status_code == 404


def test_calendar_settings_create_rotate_revoke(login, cohort):
    person = make_participant(cohort)
    client = login(person)
    page = client.get(reverse("calendar-settings"))
    assert page.context["feed"] is None
    client.post(reverse("calendar-settings"), {"action": "rotate"})
    feed = CalendarFeed.objects.get(user=person)
    page = client.get(reverse("calendar-settings"))
    assert page.context["feed_url"] == f"http://testserver/sessions/feeds/personal/{feed.token}.ics"
    assert page.context["cohort_feeds"] == [
        (cohort, f"http://testserver/sessions/feeds/cohort/{cohort.slug}.ics?token={feed.token}")
    ]
    client.post(reverse("calendar-settings"), {"action": "revoke"})
    assert CalendarFeed.objects.filter(user=person).count() == 0


def test_calendar_settings_revoke_without_feed_404(login):
    response = login(factories.make_user()).post(reverse("calendar-settings"), {"action": "revoke"})
    assert response.status_code == 404
    assert "You have no calendar feed to revoke." in response.content.decode()


def test_calendar_settings_unknown_action_400(login):
    response = login(factories.make_user()).post(
        reverse("calendar-settings"), {"action": "explode"}
    )
    assert response.status_code == 400


def _structure(body: bytes) -> list[tuple[str, list[str]]]:
    """RFC 5545's shape, read from the lines themselves: the calendar's components, each with
    its own sub-components (a VTIMEZONE needs a STANDARD or DAYLIGHT)."""
    lines = body.decode().split("\r\n")
    assert (lines[0], lines[-2], lines[-1]) == ("BEGIN:VCALENDAR", "END:VCALENDAR", "")
    found: list[tuple[str, list[str]]] = []
    depth = 0
    for line in lines[1:-2]:
        if line.startswith("BEGIN:"):
            depth += 1
            if depth == 1:
                found.append((line[6:], []))
            else:
                found[-1][1].append(line[6:])
        elif line.startswith("END:"):
            depth -= 1
    return found


def _assert_valid_empty(body: bytes, zone: str) -> None:
    calendar = Calendar.from_ical(body)
    assert [c.errors for c in calendar.walk()] == [[] for _ in calendar.walk()]
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == (
        "2.0",
        "-//datacollab//Sessions and 1:1 support//EN",
    )
    assert calendar.walk("VEVENT") == []
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone]
    (timezone,) = calendar.walk("VTIMEZONE")
    for part in timezone.subcomponents:
        assert {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"} <= set(part)
    ((name, parts),) = _structure(body)
    assert name == "VTIMEZONE"
    assert parts != [] and set(parts) <= {"STANDARD", "DAYLIGHT"}


def test_cohort_feed_without_sessions_is_a_valid_calendar(login, convener, cohort):
    response = login(convener).get(reverse("calendar-feed-cohort", args=[cohort.slug]))

    assert response.status_code == 200
    _assert_valid_empty(response.content, "UTC")


def test_personal_feed_without_invitations_is_a_valid_calendar(client, cohort):
    person = make_participant(cohort)
    feed = rotate_feed(actor=person)

    response = client.get(reverse("calendar-feed-personal", args=[feed.token]))

    assert response.status_code == 200
    _assert_valid_empty(response.content, "UTC")


def test_empty_feed_carries_the_site_zone(settings, login, convener, cohort):
    settings.TIME_ZONE = "Europe/London"

    response = login(convener).get(reverse("calendar-feed-cohort", args=[cohort.slug]))

    _assert_valid_empty(response.content, "Europe/London")
    (timezone,) = Calendar.from_ical(response.content).walk("VTIMEZONE")
    assert {part.name for part in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_feed_with_a_utc_session_adds_no_placeholder_zone(login, convener, cohort):
    session = make_session(actor=convener, cohort=cohort)

    response = login(convener).get(reverse("calendar-feed-cohort", args=[cohort.slug]))

    assert session.timezone == "UTC"
    assert [name for name, _parts in _structure(response.content)] == ["VEVENT"]
