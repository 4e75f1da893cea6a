"""Message pages: compose, per-recipient preview, the confirmation count, send, unsubscribe."""

from __future__ import annotations

import pytest
from django.core import mail as outbox
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from datacollab.communications.models import MailPreference, Message
from datacollab.communications.services import create_message
from tests import factories
from tests import factories_events as events

pytestmark = pytest.mark.django_db


def _cohort():
    cohort = events.current_cohort(name="Cargo bikes")
    amina = events.make_participant(cohort, email="amina@example.org", display_name="Amina")
    ben = events.make_participant(cohort, email="ben@example.org", display_name="Ben")
    return cohort, amina, ben


def test_compose_page_saves_a_draft_and_shows_a_preview(convener, login):
    cohort, _amina, _ben = _cohort()
    client = login(convener)

    response = client.post(
        "/messages/new/",
        {
            "groups": [f"cohort:{cohort.pk}"],
            "category": "announcement",
            "subject": "Welcome, {name}",
            "body": "Dear {name}, see you soon.",
        },
    )

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/messages/{message.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Welcome, Amina" in page
    assert "Dear Amina, see you soon." in page


def test_compose_page_shows_unknown_placeholder_on_the_field(convener, login):
    cohort, _amina, _ben = _cohort()

    response = login(convener).post(
        "/messages/new/",
        {
            "groups": [f"cohort:{cohort.pk}"],
            "category": "announcement",
            "subject": "Hi",
            "body": "Dear {nom}",
        },
    )

    assert response.status_code == 400
    assert "{nom} is not a placeholder this message can use." in response.content.decode()
    assert Message.objects.count() == 0


def test_preview_shows_the_chosen_recipients_mail(convener, login):
    cohort, _amina, ben = _cohort()
    message = create_message(
        actor=convener,
        groups=[f"cohort:{cohort.pk}"],
        category="announcement",
        subject="Hi {name}",
        body="Body for {name}.",
    )

    page = login(convener).get(f"/messages/{message.pk}/?recipient={ben.pk}").content.decode()

    assert "Hi Ben" in page
    assert "Body for Ben." in page
    assert "Hi Amina" not in page


def test_send_page_confirms_the_count_then_sends(
    convener, login, django_capture_on_commit_callbacks
):
    cohort, _amina, _ben = _cohort()
    message = create_message(
        actor=convener,
        groups=[f"cohort:{cohort.pk}"],
        category="announcement",
        subject="Hi {name}",
        body="Body.",
    )
    client = login(convener)

    confirm = client.get(f"/messages/{message.pk}/send/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/messages/{message.pk}/send/")

    assert "This message will be sent to 2 people." in confirm
    assert response.status_code == 302
    assert sorted(m.subject for m in outbox.outbox) == ["Hi Amina", "Hi Ben"]


def test_message_pages_refuse_a_participant(login):
    _c, amina, _ben = _cohort()

    assert login(amina).get("/messages/").status_code == 403
    assert login(amina).get("/messages/new/").status_code == 403


def test_one_click_unsubscribe_works_without_login_or_csrf(db):
    user = factories.make_user(email="amina@example.org")
    MailPreference.objects.create(user=user, token="amina-token")
    client = Client(enforce_csrf_checks=True)

    shown = client.get("/messages/unsubscribe/amina-token/")
    response = client.post("/messages/unsubscribe/amina-token/", {"List-Unsubscribe": "One-Click"})

    assert shown.status_code == 200
    assert MailPreference.objects.get(user=user).announcements is False
    assert response.status_code == 200
    assert "a…@example.org no longer receives announcements." in response.content.decode()


def test_unsubscribe_with_a_wrong_token_is_not_found(db):
    assert Client().post("/messages/unsubscribe/nope/").status_code == 404


def test_message_list_queries_do_not_grow_with_messages(convener, login):
    _cohort()
    client = login(convener)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/messages/").status_code == 200
        return len(queries)

    create_message(
        actor=convener, groups=["alumni"], category="announcement", subject="A", body="B"
    )
    one = count()
    for n in range(5):
        create_message(
            actor=convener, groups=["alumni"], category="announcement", subject=f"S{n}", body="B"
        )

    assert count() == one


def test_settings_page_stops_and_resumes_announcements(login):
    user = factories.make_user(email="amina@example.org")
    client = login(user)

    client.post("/messages/settings/", {})
    stopped = MailPreference.objects.get(user=user).announcements
    client.post("/messages/settings/", {"announcements": "on"})

    assert stopped is False
    assert MailPreference.objects.get(user=user).announcements is True
    assert client.get("/messages/settings/").status_code == 200
