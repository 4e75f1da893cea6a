"""Migration core 0003 signs the entries written before the key existed, except edited ones."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from datacollab.core import audit
from datacollab.core.models import AuditEntry

pytestmark = pytest.mark.django_db

migration = importlib.import_module("datacollab.core.migrations.0003_audit_hmac")


class _Editor:
    """The two things sign_existing uses of a schema editor, on the test's own connection."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _make_legacy(n: int) -> None:
    # Entries as the release before 0003 wrote them: no key id, no MAC, head unsigned.
    for i in range(n):
        audit.record(action=f"old.thing{i}", details={"i": i})
    editor = _Editor()
    for sql in migration.SQLITE_LIFT if connection.vendor == "sqlite" else migration.POSTGRES_LIFT:
        editor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET key_id = '', mac = ''")
        cursor.execute("UPDATE core_audithead SET key_id = '', mac = ''")


def test_audit_migration_signs_legacy_entries():
    _make_legacy(3)
    assert [p.seq for p in audit.verify().problems] == [1, 2, 3, None]

    migration.sign_existing(apps, _Editor())

    assert audit.verify().ok is True


def test_audit_migration_leaves_an_already_edited_entry_unsigned():
    _make_legacy(3)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE seq = 2")

    migration.sign_existing(apps, _Editor())

    assert [(p.seq, p.message) for p in audit.verify().problems] == [
        (2, "content does not match its hash (edited)"),
        (2, "has no MAC (forged, or written around audit.record)"),
    ]


def test_audit_migration_puts_the_triggers_back():
    _make_legacy(1)
    migration.sign_existing(apps, _Editor())
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(action="forged")
