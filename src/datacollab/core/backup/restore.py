"""`restore_backup`: an archive into an empty deployment, all or nothing.

Two passes over the archive. The first writes nothing: it checks the manifest (format, this
deployment's migrations, its audit keys, that it is empty) and the SHA-256 of every member, so
a changed byte anywhere refuses the restore before anything is touched. The second writes each
file under its key (checked again as it is read), then loads every row in one transaction,
checks the result (counts, the audit chain, every checksummed file) and only then commits.
If anything fails, the transaction rolls back and the files this run wrote are deleted; a
crash instead leaves them as orphans no row names, which a second restore reuses or replaces.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tarfile
import tempfile
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.backup import archive, tables
from datacollab.core.backup.areas import Area, area, area_names, sources, spool
from datacollab.core.backup.manifest import (
    MANIFEST,
    SUMS,
    Manifest,
    secret_key_id,
)
from datacollab.core.backup.progress import Progress, Silent
from datacollab.core.backup.restore_check import check, numbered, reading
from datacollab.core.errors import DomainError


@dataclass
class RestoreReport:
    counts: dict[str, int]
    files: int
    file_bytes: int
    reused: int
    replaced: int
    audit_entries: int
    versions_checked: int
    notes: list[str] = field(default_factory=list)


def restore_backup(*, archive_path: Path, progress: Progress | None = None) -> RestoreReport:
    progress = progress or Silent()
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise DomainError(_("%(path)s is not a file.") % {"path": archive_path})
    manifest, sums = check(archive_path, progress)
    return _apply(archive_path, manifest, sums, progress)


def _apply(
    path: Path, manifest: Manifest, sums: dict[str, str], progress: Progress
) -> RestoreReport:
    written: list[tuple[Area, str]] = []
    outcome = {"reused": 0, "replaced": 0}
    places = {name: area(name) for name in area_names()}
    sizes = {entry.member: entry.size for entry in manifest.files}
    try:
        with reading(), tempfile.TemporaryDirectory(prefix="datacollab-restore-") as work:
            stream = archive.members(path)
            progress.stage(_("Writing files"), sum(sizes.values()))
            pending = None
            for tar, member in stream:
                if member.name == MANIFEST:
                    continue
                if not member.name.startswith("files/"):
                    pending = (tar, member)
                    break
                _write_file(tar, member, places, sums, Path(work), written, outcome)
                progress.advance(sizes.get(member.name, 0))
            try:
                report = _load(stream, pending, manifest, sums, progress)
            finally:
                stream.close()
    except BaseException:
        for place, key in written:
            with contextlib.suppress(Exception):
                place.delete(key)
        raise
    report.files = len(manifest.files)
    report.file_bytes = sum(sizes.values())
    report.reused, report.replaced = outcome["reused"], outcome["replaced"]
    if manifest.secret_key_id != secret_key_id():
        report.notes.append(
            _(
                "SECRET_KEY differs from the one of the deployment the backup comes from: "
                "people must log in again, and links already mailed (password resets, "
                "e-mail checks, reply addresses) no longer work."
            )
        )
    return report


def _write_file(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    places: dict[str, Area],
    sums: dict[str, str],
    work: Path,
    written: list[tuple[Area, str]],
    outcome: dict[str, int],
) -> None:
    _files, name, key = member.name.split("/", 2)
    place = places[name]
    handle = tar.extractfile(member)
    assert handle is not None
    local, digest = spool(handle, work)
    try:
        if digest != sums[member.name]:
            raise DomainError(
                _("%(file)s changed since the archive was checked: nothing was restored.")
                % {"file": member.name}
            )
        if place.exists(key):
            # No row names it (the deployment is empty): a leftover of an interrupted restore.
            if _digest(place, key) == digest:
                outcome["reused"] += 1
                return
            outcome["replaced"] += 1
            place.delete(key)
        place.save(key, local)
        written.append((place, key))
    finally:
        local.unlink(missing_ok=True)


def _digest(place: Area, key: str) -> str:
    digest = hashlib.sha256()
    with place.open(key) as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _load(
    stream: Generator[tuple[tarfile.TarFile, tarfile.TarInfo], None, None],
    pending: tuple[tarfile.TarFile, tarfile.TarInfo] | None,
    manifest: Manifest,
    sums: dict[str, str],
    progress: Progress,
) -> RestoreReport:
    labels = dict(numbered(manifest))
    fixes = _path_fixes(manifest)
    loaded: list[type[Model]] = []
    progress.stage(_("Loading the tables"), len(manifest.tables))
    with transaction.atomic():
        _clear_seeded()
        current = pending
        while current is not None:
            tar, member = current
            if member.name == SUMS:
                break
            position = int(PurePosixPath(member.name).name.split("-", 1)[0])
            model = apps.get_model(labels[position])
            handle = tar.extractfile(member)
            assert handle is not None
            reader = _Hashing(handle)
            text = io.TextIOWrapper(io.BufferedReader(reader), encoding="utf-8")
            tables.load(model, text, fixes.get(model))
            if reader.digest.hexdigest() != sums[member.name]:
                raise DomainError(
                    _("%(file)s changed since the archive was checked: nothing was restored.")
                    % {"file": member.name}
                )
            loaded.append(model)
            progress.advance()
            current = next(stream, None)
        tables.reset_sequences(loaded)
        ContentType.objects.clear_cache()
        try:
            connection.check_constraints()
        except IntegrityError as exc:
            raise DomainError(
                _("The archive's rows point at rows it lacks (%(error)s): nothing was restored.")
                % {"error": exc}
            ) from exc
        report = _verify(manifest, progress)
        audit.record(
            action="backup.restored",
            details={"backup_created_at": manifest.created_at, "rows": sum(report.counts.values())},
        )
    return report


class _Hashing(io.RawIOBase):
    """A readable raw stream over a tar member that hashes what passes (for TextIOWrapper)."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        block = self.handle.read(len(buffer))
        self.digest.update(block)
        buffer[: len(block)] = block
        return len(block)


def _clear_seeded() -> None:
    """Rows the target's migrations wrote: the archive brings its own, with its ids."""
    for label in reversed(tables.SEEDED):
        apps.get_model(label)._base_manager.all().delete()


def _path_fixes(manifest: Manifest) -> dict[type[Model], Callable[[Model], None]]:
    """Rows holding absolute paths (waiting uploads) get this deployment's folder instead."""
    fixes: dict[type[Model], Callable[[Model], None]] = {}
    for source in sources():
        place = area(source.area)
        if not place.holds_paths:
            continue
        old_root = manifest.area_roots.get(source.area, "")

        def fix(obj: Model, place: Area = place, old: str = old_root, names=source.fields) -> None:
            for name in names:
                value = getattr(obj, name)
                if value:
                    key = os.path.relpath(value, old) if old else value
                    setattr(obj, name, place.value_of(PurePosixPath(key).as_posix()))

        fixes[apps.get_model(source.model)] = fix
    return fixes


def _verify(manifest: Manifest, progress: Progress) -> RestoreReport:
    """Inside the transaction: the same counts, an audit log that verifies, every file whose row
    records a checksum read back from storage and matching it."""
    counts = tables.counts([apps.get_model(label) for label in manifest.tables])
    differ = sorted(label for label in manifest.tables if counts[label] != manifest.counts[label])
    if differ:
        raise DomainError(
            _("After loading, these tables do not hold the archive's row counts: %(tables)s")
            % {"tables": ", ".join(differ)}
        )
    result = audit.verify()
    if not result.ok:
        first = "; ".join(problem.message for problem in result.problems[:3])
        raise DomainError(
            _(
                "The restored audit log does not verify (%(problems)s). If a checkpoint file in "
                "AUDIT_CHECKPOINT_DIR saw entries newer than this backup, the archive is older "
                "than that checkpoint: keep the file as a record, move it aside, and restore "
                "again. Nothing was restored."
            )
            % {"problems": first}
        )
    checked = 0
    checked_sources = [source for source in sources() if source.checksum_field]
    progress.stage(_("Checking every version's checksum"), None)
    for source in checked_sources:
        place = area(source.area)
        model = apps.get_model(source.model)
        columns = [*source.fields, source.checksum_field]
        for row in model._base_manager.order_by("pk").values_list(*columns).iterator(2000):
            for value in row[:-1]:
                if value and _digest(place, place.key_of(str(value))) != row[-1]:
                    raise DomainError(
                        _("%(file)s does not match its checksum after the restore.")
                        % {"file": value}
                    )
            checked += 1
            progress.advance()
    return RestoreReport(
        counts=counts,
        files=0,
        file_bytes=0,
        reused=0,
        replaced=0,
        audit_entries=result.entries,
        versions_checked=checked,
        notes=list(result.notes),
    )
