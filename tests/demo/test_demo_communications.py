"""The demo's public webinar before the third call, its registrations, and a sent cohort
message (issue 13)."""

from __future__ import annotations

import pytest
from django.test import Client

from datacollab.communications.models import Message
from datacollab.demo.builder import load_demo
from datacollab.demo.communications import MESSAGE_SUBJECT, WEBINAR_SLUG
from datacollab.events.models import Registration, Session

pytestmark = pytest.mark.django_db


def test_demo_has_a_public_webinar_with_registrations_and_a_sent_cohort_message() -> None:
    load_demo()
    load_demo()  # re-running updates in place

    webinar = Session.objects.get(slug=WEBINAR_SLUG)
    message = Message.objects.get(subject=MESSAGE_SUBJECT)
    mails = list(message.mails.order_by("pk"))
    timetable = Client().get("/sessions/public/").content.decode()

    assert webinar.title in timetable
    assert "nadia.haddad@example.org" not in timetable
    assert sorted(
        Registration.objects.filter(session=webinar).values_list("status", flat=True)
    ) == [
        "confirmed",
        "confirmed",
        "confirmed",
        "pending",
    ]
    assert message.status == "sent"
    assert message.recipient_count == len(mails) > 0
    assert {m.status for m in mails} == {"sent"}
    assert "{name}" not in mails[0].subject
    assert mails[0].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
