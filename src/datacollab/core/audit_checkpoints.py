"""Signed checkpoints of the audit chain's head, kept outside the database.

A MAC stops anyone without the key from forging or editing entries, but someone who can write
to the database can still delete the newest entries and put back an older signed head, or
empty the log. A checkpoint (count, last hash, time, MAC) appended to a file the database
writer cannot reach pins every prefix it saw: `audit verify` fails unless the log still holds
each checkpoint's prefix unchanged. Point AUDIT_CHECKPOINT_DIR at storage the database's
users cannot write (another host, an append-only mount, object storage with retention).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from datacollab.core import audit_keys

FILE_NAME = "checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    count: int
    last_hash: str
    created_at: str
    key_id: str
    mac: str
    line: int = 0

    def message(self) -> str:
        return audit_keys.checkpoint_message(
            self.key_id, self.count, self.last_hash, self.created_at
        )


def path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def append(*, count: int, last_hash: str) -> Checkpoint:
    """Sign (count, last_hash) now and append it as one JSON line, synced to disk."""
    kid, key = audit_keys.current()
    created_at = timezone.now().isoformat()
    mac = audit_keys.sign(key, audit_keys.checkpoint_message(kid, count, last_hash, created_at))
    point = Checkpoint(count=count, last_hash=last_hash, created_at=created_at, key_id=kid, mac=mac)
    line = json.dumps(
        {
            "count": count,
            "last_hash": last_hash,
            "created_at": created_at,
            "key_id": kid,
            "mac": mac,
        },
        sort_keys=True,
    )
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # O_APPEND: a line shorter than a pipe buffer is written whole even with writers in parallel.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return point


def read() -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in the file, and a message per line that is not one."""
    target = path()
    if not target.exists():
        return [], []
    points: list[Checkpoint] = []
    bad: list[str] = []
    with target.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
                points.append(
                    Checkpoint(
                        count=int(data["count"]),
                        last_hash=str(data["last_hash"]),
                        created_at=str(data["created_at"]),
                        key_id=str(data["key_id"]),
                        mac=str(data["mac"]),
                        line=number,
                    )
                )
            except (ValueError, KeyError, TypeError):
                bad.append(f"checkpoint line {number} of {target} is not a checkpoint")
    return points, bad
