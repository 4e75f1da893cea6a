"""1:1 support pages: listing, publishing, booking, cancelling, withdrawing, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.events.models import Booking, SupportSlot
from datacollab.events.services.support import book_slot
from tests import factories
from tests.factories_events import (
    at,
    current_cohort,
    ended_cohort,
    make_expert,
    make_participant,
    make_slot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant():
    return make_participant(current_cohort())


def test_support_home_participant_sees_open_slots(login, participant):
    expert = make_expert()
    open_slot = make_slot(expert=expert, starts_at=at(2))
    book_slot(actor=make_participant(current_cohort()), slot=make_slot(expert=expert))
    make_slot(expert=expert, starts_at=at(4), withdrawn=True)
    make_slot(expert=expert, starts_at=at(-1))
    make_slot(expert=expert, starts_at=at(5), cohort=current_cohort())
    response = login(participant).get(reverse("support-home"))
    assert response.status_code == 200
    assert response.context["open_slots"] == [open_slot]


def test_support_home_expert_sees_own_slots_with_booking(login, participant):
    expert = make_expert()
    slot = make_slot(expert=expert)
    book_slot(actor=participant, slot=slot, question="Licences?")
    response = login(expert).get(reverse("support-home"))
    (shown,) = response.context["my_slots"]
    assert [b.participant for b in shown.live_bookings] == [participant]
    assert "Licences?" in response.content.decode()


def test_support_home_alumnus_told_booking_is_for_participants(login):
    response = login(make_participant(ended_cohort())).get(reverse("support-home"))
    assert "Booking 1:1 support is for the current participants of a cohort." in (
        response.content.decode()
    )


def test_support_home_query_count(login, participant, django_assert_max_num_queries):
    experts = [make_expert() for _ in range(3)]
    for n in range(12):
        make_slot(expert=experts[n % 3], starts_at=at(n + 1))
    for n in range(3):
        book_slot(actor=participant, slot=make_slot(expert=experts[n], starts_at=at(20 + n)))
    client = login(participant)
    with django_assert_max_num_queries(9):  # +1: the menu asks whether the person books 1:1 support
        response = client.get(reverse("support-home"))
    assert (len(response.context["open_slots"]), len(response.context["my_bookings"])) == (12, 3)


def test_support_home_expert_query_count(login, django_assert_max_num_queries):
    expert = make_expert()
    for n in range(10):
        slot = make_slot(expert=expert, starts_at=at(n + 1))
        if n % 2:
            book_slot(actor=make_participant(current_cohort()), slot=slot)
    client = login(expert)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("support-home"))
    assert len(response.context["my_slots"]) == 10


def test_slot_create_page_by_expert(login):
    expert = make_expert()
    response = login(expert).post(
        reverse("support-slot-create"),
        {
            "starts_at": "2030-05-04T09:00",
            "ends_at": "2030-05-04T09:45",
            "time_zone": "Asia/Kolkata",
            "topic": "Open licences",
        },
    )
    assert response.status_code == 302
    slot = SupportSlot.objects.get()
    assert (slot.starts_at, slot.timezone) == (
        datetime(2030, 5, 4, 3, 30, tzinfo=UTC),
        "Asia/Kolkata",
    )


def test_slot_create_page_by_participant_refused(login, participant):
    response = login(participant).get(reverse("support-slot-create"))
    assert response.status_code == 403
    assert "Only an expert can publish 1:1 support slots." in response.content.decode()


def test_slot_book_page_books_and_mails(login, participant, django_capture_on_commit_callbacks):
    slot = make_slot()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(participant).post(
            reverse("support-slot-book", args=[slot.pk]), {"question": "Funding?"}
        )
    assert response.status_code == 302
    assert Booking.objects.get().question == "Funding?"
    assert len(mail.outbox) == 2


def test_slot_book_page_already_booked_409(login, participant):
    slot = make_slot()
    book_slot(actor=make_participant(current_cohort()), slot=slot)
    response = login(participant).post(reverse("support-slot-book", args=[slot.pk]), {})
    assert response.status_code == 409
    assert (
        "This slot has just been booked by someone else: choose another slot."
        in response.content.decode()
    )


def test_slot_book_page_past_slot_400(login, participant):
    slot = make_slot(starts_at=at(-2))
    response = login(participant).post(reverse("support-slot-book", args=[slot.pk]), {})
    assert response.status_code == 400
    assert "This slot has already started or passed: choose a future slot." in (
        response.content.decode()
    )


def test_slot_book_page_non_participant_403(login):
    slot = make_slot()
    response = login(factories.make_user(roles=["participant"])).post(
        reverse("support-slot-book", args=[slot.pk]), {}
    )
    assert response.status_code == 403
    assert "Only current participants of a cohort can book 1:1 support with an expert." in (
        response.content.decode()
    )
    assert Booking.objects.count() == 0


def test_slot_book_page_unknown_slot_404(login, participant):
    response = login(participant).get(reverse("support-slot-book", args=[999999]))
    assert response.status_code == 404
    assert "There is no 1:1 support slot 999999." in response.content.decode()


def test_booking_cancel_page_by_participant_frees_slot(login, participant):
    booking = book_slot(actor=participant, slot=make_slot())
    response = login(participant).post(reverse("support-booking-cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert (response.status_code, booking.cancelled_by) == (302, participant)
    assert login(participant).get(reverse("support-home")).context["open_slots"] == [booking.slot]


def test_booking_cancel_page_by_stranger_403(login, participant):
    booking = book_slot(actor=participant, slot=make_slot())
    response = login(make_participant(current_cohort())).post(
        reverse("support-booking-cancel", args=[booking.pk])
    )
    assert response.status_code == 403
    assert "Only the participant or the expert can cancel this booking." in (
        response.content.decode()
    )


def test_slot_withdraw_page_booked_409(login, participant):
    expert = make_expert()
    slot = make_slot(expert=expert)
    book_slot(actor=participant, slot=slot)
    response = login(expert).post(reverse("support-slot-withdraw", args=[slot.pk]))
    assert response.status_code == 409
    assert "This slot is booked: cancel the booking first" in response.content.decode()


def test_slot_withdraw_page_get_not_allowed(login):
    expert = make_expert()
    slot = make_slot(expert=expert)
    response = login(expert).get(reverse("support-slot-withdraw", args=[slot.pk]))
    assert response.status_code == 405


# The expert directory: search box, filters, open slots.


@pytest.fixture
def experts():
    esi = make_expert(
        display_name="Esi Mensah",
        expertise="data trusts, governance",
        working_languages=["en", "tw"],
        countries=["GH"],
        bio="Helped three cities set up data trusts.",
    )
    juan = make_expert(
        display_name="Juan Pérez",
        expertise="GIS, geospatial",
        working_languages=["es", "en"],
        countries=["CO"],
    )
    amina = make_expert(
        display_name="Amina Yusuf", expertise="privacy", working_languages=["sw"], countries=["KE"]
    )
    make_slot(expert=amina, topic="Differential privacy for counts", starts_at=at(2))
    return {"esi": esi, "juan": juan, "amina": amina}


def _names(response) -> list[str]:
    return [str(entry.person) for entry in response.context["entries"]]


def test_expert_directory_lists_every_expert_with_topics_and_open_slots(
    login, participant, experts
):
    response = login(participant).get(reverse("support-experts"))

    assert response.status_code == 200
    assert _names(response) == ["Amina Yusuf", "Esi Mensah", "Juan Pérez"]
    amina = response.context["entries"][0]
    assert amina.topics == ["privacy", "Differential privacy for counts"]
    assert [slot.topic for slot in amina.slots] == ["Differential privacy for counts"]
    page = response.content.decode()
    assert "Open 1:1 slots:" in page
    assert f'href="{reverse("support-slot-book", args=[amina.slots[0].pk])}"' in page
    assert "3 experts of 3" in page


def test_expert_directory_search_matches_every_word(login, participant, experts):
    client = login(participant)

    by_bio = client.get(reverse("support-experts"), {"q": "cities trusts"})
    by_accentless_name = client.get(reverse("support-experts"), {"q": "perez"})
    by_slot_topic = client.get(reverse("support-experts"), {"q": "differential"})
    nobody = client.get(reverse("support-experts"), {"q": "trusts geospatial"})

    assert _names(by_bio) == ["Esi Mensah"]
    assert _names(by_accentless_name) == ["Juan Pérez"]
    assert _names(by_slot_topic) == ["Amina Yusuf"]
    assert _names(nobody) == []
    assert "No expert matches" in nobody.content.decode()


def test_expert_directory_filters_by_country_and_topic(login, participant, experts):
    client = login(participant)

    kenya = client.get(reverse("support-experts"), {"country": "KE"})
    gis = client.get(reverse("support-experts"), {"topic": "GIS"})
    both = client.get(reverse("support-experts"), {"topic": "GIS", "country": "CO"})

    assert _names(kenya) == ["Amina Yusuf"]
    assert _names(gis) == ["Juan Pérez"]
    assert _names(both) == ["Juan Pérez"]


def test_expert_directory_neither_shows_nor_searches_private_languages(login, participant, experts):
    client = login(participant)

    page = client.get(reverse("support-experts"))
    by_language = client.get(reverse("support-experts"), {"q": "Twi"})

    # Nobody chose to show theirs (tests/organisations/test_shown_languages.py: when they do).
    assert page.context["form"].fields["language"].choices == [("", "Any")]
    assert ("Twi" in page.content.decode(), _names(by_language)) == (False, [])


def test_expert_directory_unknown_filter_value_is_a_400_with_everyone(login, participant, experts):
    response = login(participant).get(reverse("support-experts"), {"country": "ZZ"})

    assert response.status_code == 400
    assert _names(response) == ["Amina Yusuf", "Esi Mensah", "Juan Pérez"]
    assert "not offered any more" in response.content.decode()


def test_expert_directory_hides_slots_of_another_cohort(login, participant, experts):
    other = current_cohort()
    make_slot(expert=experts["esi"], topic="Trust deeds", starts_at=at(3), cohort=other)

    response = login(participant).get(reverse("support-experts"), {"q": "esi"})

    assert [entry.slots for entry in response.context["entries"]] == [[]]


def test_expert_directory_query_count_does_not_grow_with_experts_or_slots(login, participant):
    client = login(participant)
    make_slot(expert=make_expert(expertise="a", countries=["KE"]), starts_at=at(1))
    client.get(reverse("support-experts"), {"q": "a"})  # warm the session and caches

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("support-experts"), {"q": "a", "country": "KE"})
    for n in range(8):
        expert = make_expert(expertise=f"topic {n}", countries=["KE"])
        make_slot(expert=expert, starts_at=at(1 + n))
        make_slot(expert=expert, starts_at=at(20 + n))
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("support-experts"), {"q": "topic", "country": "KE"})

    assert (len(response.context["entries"]), len(large)) == (8, len(small))
