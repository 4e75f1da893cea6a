"""The append-only, hash-chained audit log: the only writer of AuditEntry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

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
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
        head.count = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["count", "last_hash"])
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

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> VerifyResult:
    """Walk the whole chain; report every edited, deleted, inserted or truncated entry."""
    problems: list[Problem] = []
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
        prev = entry.hash
        expected_seq = entry.seq + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None:
        if head.count != expected_seq - 1:
            problems.append(
                Problem(
                    None,
                    f"head records {head.count} entries but the chain ends at "
                    f"{expected_seq - 1} (entries deleted from the end)",
                )
            )
        elif head.last_hash != prev:
            problems.append(Problem(None, "head hash does not match the last entry"))
    elif count:
        problems.append(Problem(None, "chain head is missing"))
    return VerifyResult(entries=count, head_hash=prev, problems=problems)
