from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from datacollab.core import audit
from datacollab.core.models import AuditEntry
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list[object]) -> None:
    """Tamper as a database administrator would: around the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
        else:
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)


def _three_entries() -> list[AuditEntry]:
    actor = make_user()
    org = make_org()
    return [
        audit.record(action=f"thing.done{i}", actor=actor, obj=org, details={"i": i})
        for i in range(3)
    ]


def test_audit_chain_links_each_entry_to_the_previous():
    entries = _three_entries()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert audit.verify().ok is True


def test_audit_entry_update_refused_by_database():
    entry = _three_entries()[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")


def test_audit_entry_delete_refused_by_database():
    entry = _three_entries()[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_audit_verify_detects_edited_entry():
    entries = _three_entries()
    _tamper("UPDATE core_auditentry SET action = %s WHERE seq = %s", ["forged", entries[1].seq])
    result = audit.verify()
    assert [(p.seq, p.message) for p in result.problems] == [
        (2, "content does not match its hash (edited)")
    ]


def test_audit_verify_detects_deleted_middle_entry():
    _three_entries()
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [2])
    result = audit.verify()
    assert [(p.seq, p.message) for p in result.problems] == [
        (3, "entries 2..2 are missing (deleted)"),
        (3, "link to the previous entry is broken"),
    ]


def test_audit_verify_detects_truncated_tail():
    _three_entries()
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [3])
    result = audit.verify()
    assert [p.message for p in result.problems] == [
        "head records 3 entries but the chain ends at 2 (entries deleted from the end)"
    ]


def test_audit_verify_command_ok(capsys):
    _three_entries()
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith("audit log OK: 3 entries, head ")


def test_audit_verify_command_fails_on_tampering(capsys):
    _three_entries()
    _tamper("UPDATE core_auditentry SET details = %s WHERE seq = %s", ['{"i": 99}', 1])
    with pytest.raises(CommandError, match="FAILED verification: first bad entry: 1; 1 problem"):
        call_command("audit", "verify")
    assert capsys.readouterr().err == "entry 1: content does not match its hash (edited)\n"
