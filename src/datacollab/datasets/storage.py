"""Where version files live: one interface over the local filesystem and S3-compatible storage.

A file appears under its key only once it is complete: locally it is written under a temporary
name in the same folder, fsynced and renamed (rename is atomic on one filesystem), then the
folder is fsynced so the rename survives a power cut; on S3 an object becomes visible only when
its upload completes. A crash mid-write leaves at most a temporary file, never a partial file
under a key, and `datasets-gc` removes the leftovers.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError

if TYPE_CHECKING:
    from datacollab.datasets.models import DatasetVersion

TEMP_PREFIX = ".partial-"
CHUNK = 1024 * 1024
# A full disk, or the quota of the account the app runs as: the server's trouble, not the file's.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


class StorageFull(DomainError):
    """The server's disk (or its quota) had no room: nothing was kept. 507 Insufficient
    Storage, not a 500: the request was fine and may succeed once space is freed."""

    status = 507
    code = "storage_full"


def no_space(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in NO_SPACE


def upload_no_space_message() -> str:
    return _(
        "The server has no room left to store this file (its disk is full). Nothing was kept "
        "and nothing was published. Try again later or with a smaller file, and tell the "
        "site's operator."
    )


def publish_no_space_message() -> str:
    return _(
        "The server has no room left to store the new version (its disk is full). Nothing was "
        "published and the draft is kept: publish it again once the site's operator has freed "
        "space."
    )


def version_storage() -> Storage:
    return storages["datasets"]


def is_local(storage: Storage | None = None) -> bool:
    return isinstance(storage or version_storage(), FileSystemStorage)


def version_key(*, dataset_id: int, number: int, checksum: str) -> str:
    return f"datasets/{dataset_id}/v{number}-{checksum[:12]}.parquet"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_version_file(local: Path, key: str) -> str:
    """Store `local` under `key`, whole or not at all; returns the key actually used."""
    storage = version_storage()
    if not is_local(storage):
        with local.open("rb") as handle:
            return storage.save(key, File(handle, name=key))
    target = Path(storage.path(key))
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f"{TEMP_PREFIX}{uuid.uuid4().hex}-{target.name}"
    try:
        with local.open("rb") as source, temp.open("wb") as sink:
            shutil.copyfileobj(source, sink, CHUNK)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return key


def delete_version_file(key: str) -> None:
    storage = version_storage()
    if storage.exists(key):
        storage.delete(key)


@contextlib.contextmanager
def local_copy(version: DatasetVersion) -> Iterator[Path]:
    """A local path of the version's Parquet file for DuckDB; downloaded first when on S3."""
    storage = version_storage()
    if is_local(storage):
        yield Path(storage.path(version.storage_key))
        return
    with tempfile.TemporaryDirectory(prefix="datacollab-version-") as folder:
        path = Path(folder) / "version.parquet"
        with storage.open(version.storage_key, "rb") as source, path.open("wb") as sink:
            shutil.copyfileobj(source, sink, CHUNK)
        yield path
