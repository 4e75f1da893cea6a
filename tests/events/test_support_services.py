"""1:1 support: publishing, withdrawing, booking, cancelling, and the mails with .ics files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from icalendar import Calendar

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.events.models import Booking, SupportSlot
from datacollab.events.services.support import (
    book_slot,
    cancel_booking,
    insert_booking,
    publish_slot,
    withdraw_slot,
)
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
def expert():
    return make_expert(display_name="Ada Expert", email="ada@example.org")


@pytest.fixture
def participant():
    return make_participant(
        current_cohort(name="Cohort 3"), display_name="Pat Participant", email="pat@example.org"
    )


def _ics(message):
    (part,) = message.attachments
    return part, Calendar.from_ical(part.get_payload(decode=True))


def test_publish_slot_by_expert(expert):
    slot = publish_slot(
        actor=expert,
        starts_at=at(5),
        ends_at=at(5, 15),
        time_zone="Africa/Nairobi",
        topic="Data licensing",
    )
    assert (slot.expert, slot.timezone, slot.topic, slot.withdrawn) == (
        expert,
        "Africa/Nairobi",
        "Data licensing",
        False,
    )
    assert AuditEntry.objects.filter(action="support.slot_publish").count() == 1


def test_publish_slot_by_participant_refused(participant):
    with pytest.raises(NotAllowed) as error:
        publish_slot(actor=participant, starts_at=at(5), ends_at=at(5, 15))
    assert error.value.message == "Only an expert can publish 1:1 support slots."


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (at(-1), at(-1, 15), "The slot must start in the future."),
        (at(1), at(1, 14, 5), "A slot lasts between 10 minutes and 4 hours."),
        (at(1), at(1, 19), "A slot lasts between 10 minutes and 4 hours."),
    ],
)
def test_publish_slot_bad_times_refused(expert, start, end, message):
    with pytest.raises(DomainError) as error:
        publish_slot(actor=expert, starts_at=start, ends_at=end)
    assert error.value.message == message


def test_publish_slot_overlapping_own_slot_refused(expert):
    make_slot(expert=expert, starts_at=at(2), timezone="UTC")
    with pytest.raises(DomainError) as error:
        publish_slot(actor=expert, starts_at=at(2, 14, 30), ends_at=at(2, 15), time_zone="UTC")
    assert error.value.message.startswith("This overlaps your slot of ")


def test_book_slot_creates_booking_and_mails_both_with_request(
    expert, participant, django_capture_on_commit_callbacks
):
    slot = make_slot(expert=expert)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_slot(actor=participant, slot=slot, question="How to license data?")
    assert (booking.participant, booking.organisation.name, booking.sequence) == (
        participant,
        participant.memberships.get().organisation.name,
        0,
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "pat@example.org"]
    part, calendar = _ics(mail.outbox[0])
    assert (part.get_content_type(), part.get_param("method")) == ("text/calendar", "REQUEST")
    (event,) = calendar.walk("VEVENT")
    assert (calendar["METHOD"], str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (
        "REQUEST",
        f"{booking.uid}@datacollab",
        0,
        "CONFIRMED",
    )
    assert sorted(str(a) for a in event["ATTENDEE"]) == [
        "mailto:ada@example.org",
        "mailto:pat@example.org",
    ]
    assert event.decoded("DTSTART") == slot.starts_at
    assert AuditEntry.objects.filter(action="support.book").count() == 1


def test_cancel_booking_frees_slot_and_mails_cancel_same_uid(
    expert, participant, django_capture_on_commit_callbacks
):
    slot = make_slot(expert=expert)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_slot(actor=participant, slot=slot)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(actor=expert, booking=booking, reason="Ill")
    booking.refresh_from_db()
    assert (booking.cancelled_by, booking.sequence) == (expert, 1)
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "pat@example.org"]
    assert mail.outbox[0].subject.startswith("Cancelled: 1:1 support on ")
    part, calendar = _ics(mail.outbox[0])
    (event,) = calendar.walk("VEVENT")
    assert (part.get_param("method"), calendar["METHOD"]) == ("CANCEL", "CANCEL")
    assert (str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (
        f"{booking.uid}@datacollab",
        1,
        "CANCELLED",
    )
    # The slot is free: someone else books it.
    other = make_participant(current_cohort())
    assert book_slot(actor=other, slot=slot).participant == other
    assert AuditEntry.objects.filter(action="support.cancel").count() == 1


def test_book_slot_already_booked_conflict(expert, participant):
    slot = make_slot(expert=expert)
    book_slot(actor=participant, slot=slot)
    with pytest.raises(Conflict) as error:
        book_slot(actor=make_participant(current_cohort()), slot=slot)
    assert error.value.message == (
        "This slot has just been booked by someone else: choose another slot."
    )
    assert Booking.objects.filter(slot=slot).count() == 1


def test_booking_constraint_refuses_second_live_booking(expert, participant):
    slot = make_slot(expert=expert)
    Booking.objects.create(slot=slot, participant=make_participant(current_cohort()))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=slot, participant=participant)


def test_insert_booking_lost_race_on_constraint_becomes_conflict(expert, participant):
    """A booking that slipped past the checks (a concurrent request) hits the constraint:
    the service answers Conflict, and the surrounding transaction stays usable."""
    slot = make_slot(expert=expert)
    Booking.objects.create(slot=slot, participant=make_participant(current_cohort()))
    with transaction.atomic():
        with pytest.raises(Conflict) as error:
            insert_booking(slot=slot, participant=participant, organisation=None, question="")
        assert Booking.objects.filter(slot=slot).count() == 1
    assert error.value.message == (
        "This slot has just been booked by someone else: choose another slot."
    )


def test_booking_cancelled_then_rebooked_allowed_by_constraint(expert, participant):
    slot = make_slot(expert=expert)
    first = Booking.objects.create(slot=slot, participant=participant)
    Booking.objects.filter(pk=first.pk).update(cancelled_at=at(0))
    Booking.objects.create(slot=slot, participant=participant)
    assert Booking.objects.filter(slot=slot).count() == 2


def test_book_slot_past_refused(expert, participant):
    slot = make_slot(expert=expert, starts_at=at(-1))
    with pytest.raises(DomainError) as error:
        book_slot(actor=participant, slot=slot)
    assert error.value.message == "This slot has already started or passed: choose a future slot."


@pytest.mark.parametrize("who", ["applicant", "alumnus", "reviewer"])
def test_book_slot_by_non_participant_refused(expert, who):
    person = {
        "applicant": lambda: factories.make_user(roles=["participant"]),
        "alumnus": lambda: make_participant(ended_cohort()),
        "reviewer": lambda: factories.make_user(roles=["reviewer"]),
    }[who]()
    with pytest.raises(NotAllowed) as error:
        book_slot(actor=person, slot=make_slot(expert=expert))
    assert error.value.message == (
        "Only current participants of a cohort can book 1:1 support with an expert."
    )


def test_book_slot_of_other_cohort_refused(expert, participant):
    slot = make_slot(expert=expert, cohort=current_cohort(name="Cohort 4"))
    with pytest.raises(NotAllowed) as error:
        book_slot(actor=participant, slot=slot)
    assert error.value.message == "This slot is for the current participants of Cohort 4 only."


def test_book_slot_withdrawn_conflict(expert, participant):
    slot = make_slot(expert=expert, withdrawn=True)
    with pytest.raises(Conflict) as error:
        book_slot(actor=participant, slot=slot)
    assert error.value.message == "The expert has withdrawn this slot: choose another slot."


def test_book_slot_own_slot_refused(expert):
    with pytest.raises(DomainError) as error:
        book_slot(actor=expert, slot=make_slot(expert=expert))
    assert error.value.message == "You cannot book your own slot."


def test_book_slot_overlapping_own_booking_refused(participant):
    book_slot(actor=participant, slot=make_slot(starts_at=at(3)))
    with pytest.raises(DomainError) as error:
        book_slot(actor=participant, slot=make_slot(starts_at=at(3, 14, 30)))
    assert error.value.message.startswith("You already have a 1:1 conversation at that time (")


def test_book_slot_question_too_long_refused(expert, participant):
    with pytest.raises(DomainError) as error:
        book_slot(actor=participant, slot=make_slot(expert=expert), question="?" * 2001)
    assert error.value.message == "The question is too long (2000 characters at most)."


def test_withdraw_slot_unbooked(expert):
    slot = withdraw_slot(actor=expert, slot=make_slot(expert=expert))
    assert slot.withdrawn is True
    assert AuditEntry.objects.filter(action="support.slot_withdraw").count() == 1


def test_withdraw_slot_booked_conflict(expert, participant):
    slot = make_slot(expert=expert)
    book_slot(actor=participant, slot=slot)
    with pytest.raises(Conflict) as error:
        withdraw_slot(actor=expert, slot=slot)
    assert error.value.message == (
        "This slot is booked: cancel the booking first (the participant is told by email)."
    )


def test_withdraw_slot_by_other_expert_refused(expert):
    with pytest.raises(NotAllowed) as error:
        withdraw_slot(actor=make_expert(), slot=make_slot(expert=expert))
    assert error.value.message == "Only the expert who published a slot can withdraw it."


def test_cancel_booking_by_stranger_refused(expert, participant):
    booking = book_slot(actor=participant, slot=make_slot(expert=expert))
    with pytest.raises(NotAllowed) as error:
        cancel_booking(actor=make_participant(current_cohort()), booking=booking)
    assert error.value.message == "Only the participant or the expert can cancel this booking."


def test_cancel_booking_twice_conflict(expert, participant):
    booking = book_slot(actor=participant, slot=make_slot(expert=expert))
    cancel_booking(actor=participant, booking=booking)
    with pytest.raises(Conflict) as error:
        cancel_booking(actor=participant, booking=booking)
    assert error.value.message == "This booking is already cancelled."


def test_cancel_booking_started_refused(expert, participant):
    slot = make_slot(expert=expert)
    booking = book_slot(actor=participant, slot=slot)
    SupportSlot.objects.filter(pk=slot.pk).update(
        starts_at=at(-1), ends_at=at(-1) + timedelta(hours=1)
    )
    with pytest.raises(DomainError) as error:
        cancel_booking(actor=participant, booking=booking)
    assert error.value.message == (
        "This conversation has already started: it can no longer be cancelled."
    )


def test_booking_mail_for_cancelled_booking_sends_no_request(
    expert, participant, django_capture_on_commit_callbacks
):
    from datacollab.events.services.support import send_booking_mail

    booking = book_slot(actor=participant, slot=make_slot(expert=expert))
    cancel_booking(actor=participant, booking=booking)
    assert send_booking_mail(booking_id=booking.pk, method="REQUEST") == 0
    assert send_booking_mail(booking_id=booking.pk, method="CANCEL") == 2
