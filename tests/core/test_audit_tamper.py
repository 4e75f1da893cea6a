"""Issue 9, finding 5: someone who can write to the database rewrites the audit log.

Each attack is done as a database writer would, with raw SQL around the append-only triggers
and the published hashing code (audit.compute_hash), but without the HMAC key, which is not
in the database. On the old, unkeyed chain all four verified.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from datacollab.core import audit, audit_checkpoints, audit_keys
from datacollab.core.models import AuditEntry, AuditHead
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def _sql(sql: str, params: list[object] | None = None) -> None:
    """Run SQL as a database administrator would: with the append-only triggers lifted."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        else:
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])


def _entries(n: int = 3) -> list[AuditEntry]:
    actor = make_user()
    org = make_org()
    return [
        audit.record(action=f"thing.done{i}", actor=actor, obj=org, details={"i": i})
        for i in range(n)
    ]


def _rehash_from(seq: int) -> None:
    """Recompute every hash from `seq` on, and the head: what the old chain could not catch."""
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else audit.GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = prev
        new_hash = audit.compute_hash(entry)
        _sql(
            "UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
            [prev, new_hash, entry.seq],
        )
        prev = new_hash
    count = AuditEntry.objects.count()
    _sql("UPDATE core_audithead SET count = %s, last_hash = %s", [count, prev])


def _problems() -> list[tuple[int | None, str]]:
    return [(p.seq, p.message) for p in audit.verify().problems]


def test_audit_honest_log_with_checkpoints_verifies():
    _entries(2)
    audit.checkpoint()
    _entries(2)
    audit.checkpoint()
    result = audit.verify()
    assert (result.ok, result.entries, result.checkpoints, result.notes) == (True, 4, 2, [])


def test_audit_entries_carry_key_id_and_mac():
    entry = _entries(1)[0]
    kid, key = audit_keys.current()
    assert entry.key_id == kid
    assert entry.mac == audit_keys.sign(key, audit_keys.entry_message(kid, 1, entry.hash))
    assert AuditHead.objects.get().mac != ""


def test_audit_attack_truncate_tail_and_fix_head_detected():
    entries = _entries(3)
    _sql("DELETE FROM core_auditentry WHERE seq = 3")
    _sql("UPDATE core_audithead SET count = 2, last_hash = %s", [entries[1].hash])
    assert _problems() == [(None, "head is not signed by the audit key (edited or put back)")]


def test_audit_attack_truncate_tail_and_put_back_an_older_signed_head_detected():
    # The writer kept a copy of the head as it was at 2 entries, MAC and all.
    _entries(2)
    old = AuditHead.objects.values("count", "last_hash", "key_id", "mac").get()
    audit.checkpoint()
    _entries(1)
    audit.checkpoint()
    _sql("DELETE FROM core_auditentry WHERE seq = 3")
    _sql(
        "UPDATE core_audithead SET count = %s, last_hash = %s, key_id = %s, mac = %s",
        [old["count"], old["last_hash"], old["key_id"], old["mac"]],
    )
    [(seq, message)] = _problems()
    assert seq == 3
    assert message.startswith("entries 3..3 are missing: the checkpoint of ")
    assert message.endswith(" saw 3 entries (deleted)")


def test_audit_attack_edit_and_recompute_later_hashes_detected():
    _entries(3)
    _sql("UPDATE core_auditentry SET details = %s WHERE seq = 2", ['{"i": 99}'])
    _rehash_from(2)
    assert _problems() == [
        (2, "MAC does not match (edited, or forged without the key)"),
        (3, "MAC does not match (edited, or forged without the key)"),
        (None, "head is not signed by the audit key (edited or put back)"),
    ]
    assert audit.verify().first_bad_entry == 2


def test_audit_attack_edit_with_copied_mac_columns_detected():
    # Copying another entry's key id and MAC does not help: the MAC binds seq and hash.
    entries = _entries(3)
    _sql("UPDATE core_auditentry SET details = %s WHERE seq = 3", ['{"i": 99}'])
    _rehash_from(3)
    _sql("UPDATE core_auditentry SET mac = %s WHERE seq = 3", [entries[1].mac])
    assert _problems()[0] == (3, "MAC does not match (edited, or forged without the key)")


@pytest.mark.parametrize("forged_mac", ["", "ab" * 32])
def test_audit_attack_append_forged_grant_awarded_detected(forged_mac):
    entries = _entries(3)
    forged = AuditEntry(
        seq=4,
        created_at=timezone.now(),
        actor_id=entries[0].actor_id,
        actor_label=entries[0].actor_label,
        action="grant.awarded",
        object_type="network.award",
        object_id="999",
        object_repr="Grant to Forged Ltd",
        details={"amount": "20000.00"},
        prev_hash=entries[2].hash,
        key_id=entries[2].key_id,
        mac=forged_mac,
    )
    forged.hash = audit.compute_hash(forged)
    forged.save(force_insert=True)
    _sql("UPDATE core_audithead SET count = 4, last_hash = %s", [forged.hash])
    expected = (
        "has no MAC (forged, or written around audit.record)"
        if not forged_mac
        else "MAC does not match (edited, or forged without the key)"
    )
    assert _problems() == [
        (4, expected),
        (None, "head is not signed by the audit key (edited or put back)"),
    ]


def test_audit_attack_delete_everything_including_head_detected():
    _entries(3)
    audit.checkpoint()
    _sql("DELETE FROM core_auditentry")
    _sql("DELETE FROM core_audithead")
    [(seq, message)] = _problems()
    assert seq == 1
    assert message.startswith("entries 1..3 are missing: the checkpoint of ")


def test_audit_delete_everything_without_checkpoint_says_it_cannot_tell():
    # The documented limit: with no checkpoint outside the database, an empty log is empty.
    _entries(3)
    _sql("DELETE FROM core_auditentry")
    _sql("DELETE FROM core_audithead")
    result = audit.verify()
    assert result.ok is True
    assert len(result.notes) == 1
    assert result.notes[0].startswith("no checkpoint in ")


def test_audit_attack_forged_checkpoint_line_detected():
    _entries(1)
    audit.checkpoint()
    path = audit_checkpoints.path()
    line = json.loads(path.read_text().splitlines()[0])
    line["count"] = 0
    with path.open("a") as handle:
        handle.write(json.dumps(line) + "\n" + "not json\n")
    assert _problems() == [
        (None, f"checkpoint line 3 of {path} is not a checkpoint"),
        (None, "checkpoint line 2 is not signed by a known audit key"),
    ]


def test_audit_checkpoint_refuses_a_head_it_did_not_sign():
    entries = _entries(3)
    _sql("DELETE FROM core_auditentry WHERE seq = 3")
    _sql("UPDATE core_audithead SET count = 2, last_hash = %s", [entries[1].hash])
    with pytest.raises(audit.AuditTampered, match="head is not signed by the audit key"):
        audit.checkpoint()
    assert audit_checkpoints.path().exists() is False


def test_audit_checkpoint_file_is_append_only_json_lines_mode_600():
    _entries(2)
    first = audit.checkpoint()
    second = audit.checkpoint()
    path: Path = audit_checkpoints.path()
    lines = [json.loads(raw) for raw in path.read_text().splitlines()]
    assert [(x["count"], x["last_hash"]) for x in lines] == [
        (2, first.last_hash),
        (2, second.last_hash),
    ]
    assert sorted(lines[0]) == ["count", "created_at", "key_id", "last_hash", "mac"]
    assert path.stat().st_mode & 0o777 == 0o600


def test_audit_rotated_key_still_verifies_old_entries(settings):
    _entries(2)
    old_key = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY = "a-new-key-" + "9" * 54
    settings.AUDIT_HMAC_RETIRED_KEYS = [old_key]
    _entries(1)
    assert audit.verify().ok is True
    key_ids = list(AuditEntry.objects.order_by("seq").values_list("key_id", flat=True))
    assert key_ids[0] == key_ids[1] == audit_keys.key_id(old_key)
    assert key_ids[2] == audit_keys.key_id(settings.AUDIT_HMAC_KEY)


def test_audit_unknown_key_is_a_problem(settings):
    _entries(1)
    old_id = audit_keys.key_id(settings.AUDIT_HMAC_KEY)
    settings.AUDIT_HMAC_KEY = "another-key-" + "1" * 52
    assert _problems() == [
        (1, f"is signed with key {old_id!r}, which is not configured here"),
        (None, f"head is signed with key {old_id!r}, not configured here"),
    ]


def test_audit_checkpoint_every_n_entries_by_the_task(settings, django_capture_on_commit_callbacks):
    settings.AUDIT_CHECKPOINT_EVERY = 2
    for n in range(1, 6):
        # Each record commits on its own, as each service call does.
        with django_capture_on_commit_callbacks(execute=True):
            audit.record(action=f"thing.done{n}")
    points, bad = audit_checkpoints.read()
    assert ([p.count for p in points], bad) == ([2, 4], [])


def test_audit_verify_command_names_first_bad_entry(capsys):
    _entries(3)
    _sql("UPDATE core_auditentry SET details = %s WHERE seq = 2", ['{"i": 99}'])
    _rehash_from(2)
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify")
    assert str(raised.value) == (
        "audit log FAILED verification: first bad entry: 2; 3 problem(s) in 3 entries"
    )
    assert capsys.readouterr().err.splitlines()[0] == (
        "entry 2: MAC does not match (edited, or forged without the key)"
    )


def test_audit_checkpoint_command_writes_after_verifying(capsys):
    _entries(2)
    call_command("audit", "checkpoint")
    out = capsys.readouterr().out
    assert out.startswith(f"checkpoint written to {audit_checkpoints.path()}: 2 entries, head ")
    call_command("audit", "verify")
    assert capsys.readouterr().out.endswith("1 checkpoint(s) hold\n")


def test_audit_checkpoint_command_refuses_a_tampered_log():
    _entries(2)
    _sql("UPDATE core_auditentry SET action = 'forged' WHERE seq = 1")
    with pytest.raises(CommandError, match="first bad entry: 1"):
        call_command("audit", "checkpoint")
    assert audit_checkpoints.path().exists() is False
