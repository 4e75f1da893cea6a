"""Public sessions: listing, registration without an account, confirm and cancel, capacity,
duplicates, throttling, the timetable and feed, and privacy of registrants' emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from datacollab.core.errors import Conflict, NotAllowed, NotFound
from datacollab.core.models import AuditEntry
from datacollab.events.models import Audience, Registration
from datacollab.events.services.public import (
    cancel_registration,
    confirm_registration,
    register,
    set_public,
)
from datacollab.events.services.sessions import cancel_session, update_session
from datacollab.organisations.services.throttle import Throttled
from tests import factories
from tests import factories_events as events

pytestmark = pytest.mark.django_db


@pytest.fixture
def webinar(convener):
    session = events.make_session(
        actor=convener,
        audience=Audience.NETWORK,
        title="Information webinar: third call",
        kind="workshop",
        video_url="https://video.example.org/webinar",
    )
    set_public(actor=convener, session=session, public=True, capacity=2)
    return session


@pytest.fixture
def registering(django_capture_on_commit_callbacks):
    """register(), then the on-commit callbacks that queue its mail."""

    def _register(session, email, name="Ana", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return register(session=session, name=name, email=email, **kwargs)

    return _register


def test_register_mails_a_confirm_link_and_an_ics(webinar, registering):
    result = registering(webinar, "Ana@Example.org", organisation="City of Lisbon")

    registration = result.registration
    (sent,) = outbox.outbox
    assert (registration.email, registration.status) == ("ana@example.org", "pending")
    assert sent.to == ["ana@example.org"]
    assert sent.subject == "Confirm your place: Information webinar: third call"
    assert f"/sessions/public/registration/{registration.token}/" in sent.body
    ((filename, calendar, mimetype),) = sent.attachments
    assert (filename, mimetype) == ("session.ics", "text/calendar")
    assert "SUMMARY:Information webinar: third call" in calendar


def test_register_twice_with_the_same_email_stores_one_and_mails_the_link_again(
    webinar, registering
):
    first = registering(webinar, "ana@example.org")
    again = registering(webinar, "ANA@example.org ")

    assert again.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1
    assert [m.subject for m in outbox.outbox] == [
        "Confirm your place: Information webinar: third call",
        "You are registered: Information webinar: third call",
    ]


def test_register_refuses_when_full_with_a_clear_message(webinar, registering):
    registering(webinar, "a@example.org")
    registering(webinar, "b@example.org")

    with pytest.raises(Conflict) as error:
        registering(webinar, "c@example.org")

    assert error.value.message == (
        "Sorry, Information webinar: third call is full: all 2 places are taken."
    )
    assert Registration.objects.count() == 2


def test_cancel_frees_a_place(webinar, registering):
    first = registering(webinar, "a@example.org").registration
    registering(webinar, "b@example.org")

    cancel_registration(token=first.token)
    third = registering(webinar, "c@example.org")

    assert third.registration.status == "pending"


def test_unconfirmed_registration_stops_holding_a_place_after_48_hours(webinar, registering):
    stale = registering(webinar, "a@example.org").registration
    registering(webinar, "b@example.org")
    Registration.objects.filter(pk=stale.pk).update(
        created_at=stale.created_at - timedelta(hours=49)
    )

    third = registering(webinar, "c@example.org")

    assert third.registration.status == "pending"
    with pytest.raises(Conflict) as error:
        confirm_registration(token=stale.token)
    assert error.value.message == (
        "Your place was released after 48 hours without confirmation, and the session is now full."
    )


def test_confirm_registration_confirms_and_refuses_a_cancelled_one(webinar, registering):
    registration = registering(webinar, "a@example.org").registration

    confirmed = confirm_registration(token=registration.token)
    cancel_registration(token=registration.token)

    assert confirmed.status == "confirmed"
    with pytest.raises(Conflict):
        confirm_registration(token=registration.token)


def test_register_refuses_a_session_that_is_not_public(convener, registering):
    session = events.make_session(actor=convener, audience=Audience.NETWORK)

    with pytest.raises(NotFound):
        registering(session, "a@example.org")


def test_register_refuses_a_session_made_private_again(convener, webinar, registering):
    set_public(actor=convener, session=webinar, public=False, capacity=None)

    with pytest.raises(NotFound):
        registering(webinar, "a@example.org")


def test_set_public_refuses_a_participant_and_is_audited(convener, webinar):
    participant = events.make_participant(events.current_cohort())

    with pytest.raises(NotAllowed):
        set_public(actor=participant, session=webinar, public=True, capacity=None)
    assert AuditEntry.objects.filter(action="session.public_listing_set").count() == 1


def test_register_is_throttled_per_client_address(webinar, registering, settings):
    settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS = 2
    webinar.public_listing.capacity = None
    webinar.public_listing.save()
    registering(webinar, "a@example.org", client_address="203.0.113.9")
    registering(webinar, "b@example.org", client_address="203.0.113.9")

    with pytest.raises(Throttled):
        registering(webinar, "c@example.org", client_address="203.0.113.9")
    assert Registration.objects.count() == 2


def test_timetable_and_page_work_anonymously_and_hide_emails(webinar, registering):
    registering(webinar, "secret.person@example.org", name="Secret Person")
    client = Client()

    timetable = client.get("/sessions/public/")
    page = client.get(f"/sessions/public/{webinar.slug}/")

    assert timetable.status_code == 200
    assert page.status_code == 200
    for response in (timetable, page):
        body = response.content.decode()
        assert "secret.person@example.org" not in body
        assert "Secret Person" not in body
    assert "1 place left" in page.content.decode()


def test_registration_form_registers_and_redirects(webinar, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            f"/sessions/public/{webinar.slug}/",
            {"name": "Ana", "email": "ana@example.org", "organisation": ""},
        )

    assert response.status_code == 302
    assert response["Location"] == f"/sessions/public/{webinar.slug}/registered/"
    assert len(outbox.outbox) == 1


def test_registration_form_shows_full_session_refusal(webinar, registering):
    registering(webinar, "a@example.org")
    registering(webinar, "b@example.org")

    page = Client().get(f"/sessions/public/{webinar.slug}/").content.decode()
    response = Client().post(
        f"/sessions/public/{webinar.slug}/", {"name": "C", "email": "c@example.org"}
    )

    assert "This session is full: all places are taken." in page
    assert response.status_code == 409


def test_registration_page_confirms_on_post_only(webinar, registering):
    registration = registering(webinar, "a@example.org").registration
    url = f"/sessions/public/registration/{registration.token}/"
    client = Client()

    client.get(url)
    registration.refresh_from_db()
    assert registration.status == "pending"
    client.post(url, {"action": "confirm"})
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    client.post(url, {"action": "cancel"})
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_public_feed_lists_public_sessions_only(convener, webinar):
    events.make_session(actor=convener, audience=Audience.NETWORK, title="Members only")

    feed = Client().get("/sessions/public/feed.ics").content.decode()

    assert "SUMMARY:Information webinar: third call" in feed
    assert "Members only" not in feed


def test_public_feed_keeps_a_cancelled_public_session_as_cancelled(convener, webinar):
    cancel_session(actor=convener, session=webinar, reason="Speaker ill")

    feed = Client().get("/sessions/public/feed.ics").content.decode()
    timetable = Client().get("/sessions/public/").content.decode()

    assert "STATUS:CANCELLED" in feed
    assert webinar.title not in timetable


def test_cancelling_a_public_session_mails_its_registrants_a_cancel(
    convener, webinar, registering, django_capture_on_commit_callbacks
):
    registering(webinar, "a@example.org")
    gone = registering(webinar, "b@example.org").registration
    cancel_registration(token=gone.token)
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(actor=convener, session=webinar, reason="Speaker ill")

    (sent,) = outbox.outbox
    assert (sent.to, sent.subject) == (
        ["a@example.org"],
        "Cancelled: Information webinar: third call",
    )
    calendar = sent.attachments[0][1]
    assert "METHOD:CANCEL" in calendar
    assert "STATUS:CANCELLED" in calendar


def test_moving_a_public_session_mails_its_registrants(
    convener, webinar, registering, django_capture_on_commit_callbacks
):
    registering(webinar, "a@example.org")
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        update_session(
            actor=convener,
            session=webinar,
            starts_at=webinar.starts_at + timedelta(days=1),
            ends_at=webinar.ends_at + timedelta(days=1),
        )

    assert [m.subject for m in outbox.outbox] == ["Changed: Information webinar: third call"]


def test_registrations_page_is_for_conveners(convener, login, webinar, registering):
    registering(webinar, "ana@example.org")
    participant = events.make_participant(events.current_cohort())

    page = login(convener).get(f"/sessions/{webinar.slug}/registrations/")

    assert page.status_code == 200
    assert "ana@example.org" in page.content.decode()
    assert login(participant).get(f"/sessions/{webinar.slug}/registrations/").status_code in (
        403,
        404,
    )


def test_registrations_page_queries_do_not_grow_with_registrations(
    convener, login, webinar, registering
):
    webinar.public_listing.capacity = None
    webinar.public_listing.save()
    client = login(convener)
    registering(webinar, "r0@example.org")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/sessions/{webinar.slug}/registrations/").status_code == 200
        return len(queries)

    one = count()
    for n in range(1, 6):
        registering(webinar, f"r{n}@example.org")

    assert count() == one


def test_public_settings_page_saves_a_capacity(convener, login, webinar):
    response = login(convener).post(
        f"/sessions/{webinar.slug}/public/", {"public": "on", "capacity": "40"}
    )

    webinar.public_listing.refresh_from_db()
    assert response.status_code == 302
    assert webinar.public_listing.capacity == 40


def test_anonymous_person_is_not_shown_a_private_session_page(db):
    assert factories is not None
    assert Client().get("/sessions/public/no-such-session/").status_code == 404
