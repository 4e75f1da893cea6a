"""The backup reads every table from one snapshot, and does not hold the write lock meanwhile.

Run outside the test's own transaction (transactional), with a second connection (a thread)
writing while the snapshot is open, as the site would during a nightly backup.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from datacollab.core.backup.writer import read_snapshot
from datacollab.learnings.models import Tag


def _write_elsewhere(slug: str) -> list[str]:
    errors: list[str] = []

    def work() -> None:
        try:
            Tag.objects.create(slug=slug, name=slug)
        except Exception as exc:  # reported to the test, which fails on it
            errors.append(repr(exc))
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return errors


@pytest.mark.usefixtures("audit_triggers_lifted", "transactional_db")
def test_snapshot_does_not_see_a_write_made_while_it_is_open():
    with read_snapshot():
        before = Tag.objects.count()
        errors = _write_elsewhere("written-during-the-backup")
        during = Tag.objects.count()

    assert (errors, during) == ([], before)
    assert Tag.objects.count() == before + 1


@pytest.mark.usefixtures("audit_triggers_lifted", "transactional_db")
def test_snapshot_ends_without_leaving_a_transaction_open():
    with read_snapshot():
        Tag.objects.count()

    assert (connection.in_atomic_block, connection.get_autocommit()) == (False, True)
    assert _write_elsewhere("after-the-backup") == []
