"""Versions stored on S3, kept on the app's local disk once fetched, for the web's reads.

A version's file never changes (a new file is a new version, under a key holding its
checksum), so a copy fetched once stays right. Before this, every rows API request, CSV
download and Parquet download of a version on S3 fetched the whole object again (the rows API
is a quarter of the load mix: about 25 ms of CPU a request in the app for the 1 MB file, and
moto's or the store's work besides; docs/benchmarks.md, "`bench/load.py`"). Kept here, a
version's copy is a stable local path, so the rows API also keeps its rows in memory
(rows_cache, as with local storage) and a Parquet download is sent from the file.

The copies live in DATASETS_S3_CACHE_DIR (one folder per machine, shared by its processes),
within DATASETS_S3_CACHE_MB; past it the copies fetched longest ago are removed (0 turns the
whole thing off: temporary copies as before). A reader holds a shared `flock` on the copy
while it reads it and the remover takes an exclusive one without waiting, skipping a copy in
use; a reader that finds its copy removed or replaced between opening and locking fetches
it again. A copy is written under a temporary name and renamed into place, so a reader never
sees half a file; readers that find no copy at the same moment each fetch one (the last
rename wins, every copy whole): only at a version's first reads on a machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings

from datacollab.datasets import storage

if TYPE_CHECKING:
    from datacollab.datasets.models import DatasetVersion

TEMP_PREFIX = ".partial-"
ATTEMPTS = 3


def enabled() -> bool:
    """Whether reads of this deployment's versions go through kept copies (S3 and a budget)."""
    return not storage.is_local() and budget_bytes() > 0


def budget_bytes() -> int:
    return int(float(settings.DATASETS_S3_CACHE_MB) * 1024 * 1024)


def _folder() -> Path:
    folder = Path(settings.DATASETS_S3_CACHE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def copy_path(version: DatasetVersion) -> Path:
    # The key is unique per version file (dataset id, number, checksum): flattened to a name.
    return _folder() / version.storage_key.replace("/", "_")


def _fetch(version: DatasetVersion, path: Path) -> None:
    """Fetch the object into `path` (whole or not at all), then keep the folder in budget."""
    temp = path.parent / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
    try:
        opened = storage.version_storage().open(version.storage_key, "rb")
        with opened as source, temp.open("wb") as sink:
            shutil.copyfileobj(source, sink, storage.CHUNK)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    evict(keep=path)


def evict(*, keep: Path) -> list[Path]:
    """Remove the copies fetched longest ago until the folder fits its budget; never `keep`,
    never a copy a reader holds. The removed paths."""
    copies = []
    for entry in os.scandir(keep.parent):
        if entry.is_file() and not entry.name.startswith(TEMP_PREFIX):
            with contextlib.suppress(FileNotFoundError):
                stat = entry.stat()
                copies.append((stat.st_mtime, stat.st_size, Path(entry.path)))
    total = sum(size for _mtime, size, _path in copies)
    removed = []
    for _mtime, size, path in sorted(copies):
        if total <= budget_bytes():
            break
        if path == keep:
            continue
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            total -= size
            continue
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being read: left for a later turn
            path.unlink(missing_ok=True)
        total -= size
        removed.append(path)
    return removed


def open_copy(version: DatasetVersion) -> IO[bytes]:
    """The version's kept copy, open and held (shared lock) until closed; fetched if absent."""
    path = copy_path(version)
    for _attempt in range(ATTEMPTS):
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            _fetch(version, path)
            continue
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        try:
            same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return handle
        handle.close()  # removed or replaced between the open and the lock: again
    raise FileNotFoundError(str(path))
