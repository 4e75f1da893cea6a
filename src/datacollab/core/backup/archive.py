"""The archive itself: a gzip-compressed tar written and read as a stream, one member at a time."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any

from datacollab.core import audit_keys

_SUMS_PREFIX = "backup-sums\x00"


def open_writer(raw: IO[bytes]) -> tuple[tarfile.TarFile, gzip.GzipFile]:
    # Level 6: Parquet is compressed already, so the last levels would cost time for nothing.
    compressed = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0)
    return tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT), compressed


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> str:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(data).hexdigest()


def add_stream(tar: tarfile.TarFile, name: str, size: int, handle: Any) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    tar.addfile(info, handle)


def members(path: Path) -> Generator[tuple[tarfile.TarFile, tarfile.TarInfo], None, None]:
    """Each member in archive order (a stream: read one before asking for the next)."""
    with tarfile.open(path, mode="r|gz") as tar:
        for member in tar:
            if not member.isfile():
                raise tarfile.TarError(f"{member.name} is not a regular file")
            yield tar, member


def sums_document(sums: dict[str, str]) -> bytes:
    """Every member's SHA-256, signed with the audit key: a restore that has the key (it needs it
    anyway to verify the audit log) can tell the archive was not rebuilt by someone without it."""
    kid, key = audit_keys.current()
    body = json.dumps(sums, sort_keys=True, separators=(",", ":"))
    mac = audit_keys.sign(key, _SUMS_PREFIX + kid + "\x00" + body)
    return json.dumps({"sha256": sums, "key_id": kid, "mac": mac}, indent=1).encode()


def read_sums(raw: bytes) -> tuple[dict[str, str], bool | None, str]:
    """(sums, whether the MAC holds (None: the key is not configured here), key id)."""
    data = json.loads(raw)
    sums = {str(name): str(digest) for name, digest in data["sha256"].items()}
    body = json.dumps(sums, sort_keys=True, separators=(",", ":"))
    kid = str(data["key_id"])
    valid = audit_keys.check(kid, _SUMS_PREFIX + kid + "\x00" + body, str(data["mac"]))
    return sums, valid, kid
