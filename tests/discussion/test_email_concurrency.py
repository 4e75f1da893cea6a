"""Digests run at the same moment (two cron hosts, a retried task) still mail each person once.

Threads share a real, committed database: SQLite in a file (IMMEDIATE transactions queue the
writers) or PostgreSQL (`scripts/with-postgres.sh`), where the preference row lock does it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connections

from datacollab.discussion.models import Notification
from datacollab.discussion.services import reply, send_digests, start_thread


@pytest.fixture
def race_db(audit_triggers_lifted: None, transactional_db: None) -> None:
    """A committed database that threads share (request it before `world`)."""


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as error:  # asserted on below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_digests_mail_each_person_once(race_db, world):
    thread = start_thread(actor=world.alice, channel=world.channel, title="Race", body="One")
    reply(actor=world.bob, thread=thread, body="Two")
    mail.outbox = []

    results = _race([send_digests, send_digests, send_digests])

    assert [type(r) for r in results] == [int, int, int]
    assert sum(results) == 3
    assert Counter(m.to[0] for m in mail.outbox) == {
        "alice@example.org": 1,
        "bob@example.org": 1,
        "convener@example.org": 1,
    }
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
