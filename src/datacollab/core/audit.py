"""The append-only, hash-chained, keyed audit log: the only writer of AuditEntry.

Four layers, each catching what the one before cannot (docs/security.md):
1. database triggers refuse UPDATE, DELETE and TRUNCATE from the application;
2. each entry hashes its content and the previous hash, and a head row keeps the count and
   last hash: an edit, a gap or a cut tail shows, unless the tamperer recomputes the hashes;
3. each entry and the head carry an HMAC with a key that is not in the database
   (audit_keys.py): recomputed hashes and forged entries no longer verify;
4. signed checkpoints of the head, outside the database (audit_checkpoints.py): a log
   emptied, or cut back to an older signed head, no longer verifies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from datacollab.core import audit_checkpoints, audit_keys
from datacollab.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "seq": entry.seq,
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder
    ).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _lock_chain() -> AuditHead:
    """Serialise appends: one writer at a time extends the chain."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7251001)")
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    return head


def record(
    *,
    action: str,
    actor: Any = None,
    obj: Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the service's transaction, so it lands with the change."""
    # Round-trip details through JSON now, so the hash covers exactly what is stored.
    clean_details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    kid, key = audit_keys.current()
    with transaction.atomic():
        head = _lock_chain()
        entry = AuditEntry(
            seq=head.count + 1,
            created_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_label=(getattr(actor, "email", "") or str(actor or "system"))[:255],
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            details=clean_details,
            prev_hash=head.last_hash,
            key_id=kid,
        )
        entry.hash = compute_hash(entry)
        entry.mac = audit_keys.sign(key, audit_keys.entry_message(kid, entry.seq, entry.hash))
        entry.save(force_insert=True)
        head.count = entry.seq
        head.last_hash = entry.hash
        head.key_id = kid
        head.mac = audit_keys.sign(key, audit_keys.head_message(kid, head.count, head.last_hash))
        head.save(update_fields=["count", "last_hash", "key_id", "mac"])
        every = int(getattr(settings, "AUDIT_CHECKPOINT_EVERY", 0) or 0)
        if every and entry.seq % every == 0:
            from datacollab.core.tasks import write_audit_checkpoint

            # robust: a checkpoint that cannot be queued is logged, never fails the request
            # whose change is already committed.
            transaction.on_commit(write_audit_checkpoint.enqueue, robust=True)
    return entry


@dataclass(frozen=True)
class Problem:
    seq: int | None
    message: str


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    head_hash: str
    problems: list[Problem]
    checkpoints: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_entry(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None


def _entry_mac_problem(entry: AuditEntry) -> str | None:
    if not entry.mac:
        return "has no MAC (forged, or written around audit.record)"
    valid = audit_keys.check(
        entry.key_id, audit_keys.entry_message(entry.key_id, entry.seq, entry.hash), entry.mac
    )
    if valid is None:
        return f"is signed with key {entry.key_id!r}, which is not configured here"
    if not valid:
        return "MAC does not match (edited, or forged without the key)"
    return None


def _head_problems(head: AuditHead | None, count: int, last_hash: str) -> list[Problem]:
    if head is None:
        return [Problem(None, "chain head is missing")] if count else []
    if head.count != count:
        return [
            Problem(
                None,
                f"head records {head.count} entries but the chain ends at "
                f"{count} (entries deleted from the end)",
            )
        ]
    if head.last_hash != last_hash:
        return [Problem(None, "head hash does not match the last entry")]
    if count == 0 and not head.mac:
        return []  # never written to
    valid = audit_keys.check(
        head.key_id, audit_keys.head_message(head.key_id, head.count, head.last_hash), head.mac
    )
    if valid is None:
        return [Problem(None, f"head is signed with key {head.key_id!r}, not configured here")]
    if not valid:
        return [Problem(None, "head is not signed by the audit key (edited or put back)")]
    return []


def verify() -> VerifyResult:
    """Walk the whole chain; report every edited, deleted, inserted, forged or truncated entry,
    and every external checkpoint whose prefix the log no longer holds."""
    problems: list[Problem] = []
    points, bad_lines = audit_checkpoints.read()
    problems.extend(Problem(None, message) for message in bad_lines)
    pinned: dict[int, list[audit_checkpoints.Checkpoint]] = {}
    for point in points:
        valid = audit_keys.check(point.key_id, point.message(), point.mac)
        if not valid:
            problems.append(
                Problem(None, f"checkpoint line {point.line} is not signed by a known audit key")
            )
        else:
            pinned.setdefault(point.count, []).append(point)
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                Problem(entry.seq, f"entries {expected_seq}..{entry.seq - 1} are missing (deleted)")
            )
        if entry.prev_hash != prev:
            problems.append(Problem(entry.seq, "link to the previous entry is broken"))
        if compute_hash(entry) != entry.hash:
            problems.append(Problem(entry.seq, "content does not match its hash (edited)"))
        mac_problem = _entry_mac_problem(entry)
        if mac_problem:
            problems.append(Problem(entry.seq, mac_problem))
        for point in pinned.pop(entry.seq, []):
            if point.last_hash != entry.hash:
                problems.append(
                    Problem(
                        entry.seq,
                        f"differs from the checkpoint of {point.created_at} "
                        "(the log was rewritten up to here)",
                    )
                )
        prev = entry.hash
        expected_seq = entry.seq + 1
    last_seq = expected_seq - 1
    beyond = [seq for seq in pinned if seq > last_seq]
    for seq in sorted(seq for seq in pinned if 0 < seq <= last_seq):
        problems.append(
            Problem(seq, f"is missing, but the checkpoint of {pinned[seq][0].created_at} saw it")
        )
    if beyond:
        seen = max(beyond)
        problems.append(
            Problem(
                last_seq + 1,
                f"entries {last_seq + 1}..{seen} are missing: the checkpoint of "
                f"{pinned[seen][0].created_at} saw {seen} entries (deleted)",
            )
        )
    problems.extend(_head_problems(AuditHead.objects.filter(id=1).first(), last_seq, prev))
    notes = []
    if not points:
        notes.append(
            f"no checkpoint in {audit_checkpoints.path()}: a log emptied or cut back to an "
            "older head cannot be detected; run `datacollab audit checkpoint` regularly"
        )
    return VerifyResult(
        entries=count,
        head_hash=prev,
        problems=problems,
        checkpoints=len(points),
        notes=notes,
    )


class AuditTampered(Exception):
    """The head is not one audit.record signed: refuse to checkpoint it."""


def checkpoint() -> audit_checkpoints.Checkpoint:
    """Export a signed checkpoint of the head, after checking the head is one we signed.

    Only the head and the last entry are checked (cheap enough to run every N entries);
    `datacollab audit checkpoint` runs a full `verify` first.
    """
    head = AuditHead.objects.filter(id=1).first()
    if head is None or head.count == 0:
        return audit_checkpoints.append(count=0, last_hash=GENESIS)
    problems = [p.message for p in _head_problems(head, head.count, head.last_hash)]
    last = AuditEntry.objects.filter(seq=head.count).first()
    if last is None or last.hash != head.last_hash:
        problems.append(f"entry {head.count}, the head's last entry, is missing or different")
    elif mac_problem := _entry_mac_problem(last):
        problems.append(f"entry {head.count} {mac_problem}")
    if problems:
        raise AuditTampered("; ".join(problems))
    return audit_checkpoints.append(count=head.count, last_hash=head.last_hash)
