"""Real concurrent bookings: threads, one database connection each, one barrier.

The slot row lock (PostgreSQL) or the IMMEDIATE write lock (SQLite) queues the bookers; each
then sees the booking of the one before. The partial unique constraint would catch any that
slipped through. Either way: one booking, the others a Conflict with a clear message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from datacollab.core.errors import Conflict
from datacollab.events.models import Booking, SupportSlot
from datacollab.events.services.support import book_slot, withdraw_slot
from tests.factories_events import current_cohort, make_expert, make_participant, make_slot


@pytest.fixture
def race_db(audit_triggers_lifted: None, transactional_db: None) -> None:
    """A real, committed database that threads share."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "in-memory SQLite fails a second writer at once instead of queueing it: set "
            "SQLITE_TEST_NAME to a file (the default); PostgreSQL always runs it"
        )


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as error:  # each thread's outcome, success or refusal, is asserted on
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _book(person: Any, slot: SupportSlot) -> Callable[[], Booking]:
    return lambda: book_slot(actor=person, slot=slot, question="Help")


def test_book_slot_concurrent_bookers_only_one_succeeds(race_db):
    cohort = current_cohort()
    slot = make_slot(expert=make_expert())
    people = [make_participant(cohort) for _ in range(4)]
    results = _race([_book(person, slot) for person in people])
    bookings = [r for r in results if isinstance(r, Booking)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert (len(bookings), len(conflicts)) == (1, 3), results
    assert Booking.objects.filter(slot=slot, cancelled_at__isnull=True).count() == 1
    assert {c.message for c in conflicts} == {
        "This slot has just been booked by someone else: choose another slot."
    }


def test_book_slot_same_person_twice_at_once_books_once(race_db):
    slot = make_slot(expert=make_expert())
    person = make_participant(current_cohort())
    results = _race([_book(person, slot), _book(person, slot)])
    assert sorted(type(r).__name__ for r in results) == ["Booking", "Conflict"], results
    assert Booking.objects.filter(slot=slot).count() == 1


def test_book_and_withdraw_at_once_never_leaves_withdrawn_slot_booked(race_db):
    expert = make_expert()
    slot = make_slot(expert=expert)
    person = make_participant(current_cohort())
    results = _race([_book(person, slot), lambda: withdraw_slot(actor=expert, slot=slot)])
    slot.refresh_from_db()
    booked = Booking.objects.filter(slot=slot, cancelled_at__isnull=True).exists()
    assert (slot.withdrawn, booked) in {(True, False), (False, True)}, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
