"""`create_backup`: the database and the files its rows name, from one snapshot, in one archive.

Consistency: every row is read inside one read transaction (REPEATABLE READ on PostgreSQL, a
deferred read transaction on SQLite's WAL), and the files copied are exactly those the rows of
that snapshot name. Versions and attachments are immutable, so a named file is the file the row
means; one that vanished since (purged by a later change) restarts the backup once from a new
snapshot, then fails with the file's name: an archive never holds a row without its file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.backup import archive, tables
from datacollab.core.backup.areas import (
    Area,
    HashingReader,
    OutsideArea,
    area,
    area_names,
    sources,
    unsupported_file_fields,
)
from datacollab.core.backup.manifest import MANIFEST, SUMS, FileEntry, Manifest, secret_key_id
from datacollab.core.backup.progress import Progress, Silent
from datacollab.core.errors import DomainError
from datacollab.core.models import AuditEntry, AuditHead


class FileVanished(Exception):
    def __init__(self, entry: FileEntry) -> None:
        super().__init__(f"{entry.area}: {entry.key}")
        self.entry = entry


@dataclass
class BackupReport:
    path: Path
    size: int
    rows: int
    tables: int
    files: int
    file_bytes: int
    orphans: dict[str, int]
    attempts: int
    counts: dict[str, int] = field(default_factory=dict)


@contextlib.contextmanager
def read_snapshot() -> Iterator[None]:
    """One consistent view of every table for the whole dump, without blocking writers."""
    if connection.in_atomic_block:
        # Already inside a transaction (a test, a caller's atomic): it is the snapshot.
        yield
        return
    if connection.vendor == "sqlite":
        # The settings make atomic() BEGIN IMMEDIATE, which would hold the write lock for the
        # whole dump; a deferred transaction reads one WAL snapshot and lets writers go on.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def create_backup(
    *, output: Path, force: bool = False, progress: Progress | None = None
) -> BackupReport:
    """Write the archive to `output` (temporary name, fsync, rename); refuse to overwrite one
    unless `force`."""
    progress = progress or Silent()
    output = Path(output).absolute()
    if output.exists() and not force:
        raise DomainError(
            _("%(path)s exists: give another name, or --force to replace it.") % {"path": output}
        )
    if not output.parent.is_dir():
        raise DomainError(_("The folder %(path)s does not exist.") % {"path": output.parent})
    unsupported = unsupported_file_fields()
    if unsupported:
        raise DomainError(
            _("These file fields use a storage the backup does not know: %(fields)s")
            % {"fields": ", ".join(unsupported)}
        )
    for attempt in (1, 2):
        try:
            report = _write(output, progress)
        except FileVanished as exc:
            if attempt == 2:
                raise DomainError(
                    _(
                        "The file %(file)s, named by a row of the database, vanished while the "
                        "backup ran, twice (something is deleting files): no archive was written."
                    )
                    % {"file": exc}
                ) from exc
            continue
        report.attempts = attempt
        audit.record(
            action="backup.created",
            details={
                "file": output.name,
                "rows": report.rows,
                "files": report.files,
                "orphans": report.orphans,
            },
        )
        return report
    raise AssertionError("unreachable")


def _write(output: Path, progress: Progress) -> BackupReport:
    partial = output.parent / f".{output.name}.{uuid.uuid4().hex}.partial"
    try:
        with tempfile.TemporaryDirectory(prefix=".datacollab-backup-", dir=output.parent) as work:
            manifest, dumps, expected = _dump(Path(work), progress)
            manifest.orphans = _orphans(manifest.files)
            file_bytes = _pack(partial, manifest, dumps, expected, progress)
        _commit(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(
        path=output,
        size=output.stat().st_size,
        rows=sum(manifest.counts.values()),
        tables=len(manifest.tables),
        files=len(manifest.files),
        file_bytes=file_bytes,
        orphans=manifest.orphans,
        attempts=1,
        counts=manifest.counts,
    )


def _dump(
    work: Path, progress: Progress
) -> tuple[Manifest, list[tuple[str, Path]], dict[tuple[str, str], str]]:
    models_ = tables.models_in_order()
    dumps: list[tuple[str, Path]] = []
    counts: dict[str, int] = {}
    with read_snapshot():
        progress.stage(_("Reading the database"), len(models_))
        for position, model in enumerate(models_, start=1):
            name = tables.file_name(position, model)
            path = work / Path(name).name
            with path.open("w", encoding="utf-8") as sink:
                counts[model._meta.label] = tables.dump(model, sink)
            dumps.append((name, path))
            progress.advance()
        files, expected = _referenced_files()
        key_ids = set(AuditEntry.objects.values_list("key_id", flat=True).distinct())
        key_ids |= set(AuditHead.objects.exclude(key_id="").values_list("key_id", flat=True))
        manifest = Manifest(
            created_at=timezone.now().isoformat(),
            database_vendor=connection.vendor,
            migrations=tables.migration_state(),
            counts=counts,
            tables=[model._meta.label for model in models_],
            files=files,
            audit_key_ids=sorted(key_ids - {""}),
            secret_key_id=secret_key_id(),
            area_roots={name: area(name).root() for name in area_names()},
        )
    return manifest, dumps, expected


def _referenced_files() -> tuple[list[FileEntry], dict[tuple[str, str], str]]:
    """Every file a row names (once), and the SHA-256 rows record for some of them."""
    found: dict[tuple[str, str], FileEntry] = {}
    expected: dict[tuple[str, str], str] = {}
    for source in sources():
        model = apps.get_model(source.model)
        place = area(source.area)
        columns = [*source.fields, *([source.checksum_field] if source.checksum_field else [])]
        for row in model._base_manager.order_by("pk").values_list(*columns).iterator(2000):
            for value in source.values(row[: len(source.fields)]):
                if not value:
                    continue
                try:
                    key = place.key_of(str(value))
                except OutsideArea as exc:
                    raise DomainError(
                        _("A %(model)s row names a file the backup cannot place: %(error)s")
                        % {"model": source.model, "error": exc}
                    ) from exc
                found.setdefault((source.area, key), FileEntry(area=source.area, key=key, size=0))
                if source.checksum_field:
                    expected[(source.area, key)] = str(row[-1])
    return [found[k] for k in sorted(found)], expected


def _orphans(files: list[FileEntry]) -> dict[str, int]:
    """Files in each area no row of the snapshot names: left out, and counted."""
    named = {(entry.area, entry.key) for entry in files}
    return {
        name: sum(1 for key in area(name).listing() if (name, key) not in named)
        for name in area_names()
    }


def _pack(
    partial: Path,
    manifest: Manifest,
    dumps: list[tuple[str, Path]],
    expected: dict[tuple[str, str], str],
    progress: Progress,
) -> int:
    sums: dict[str, str] = {}
    places: dict[str, Area] = {name: area(name) for name in area_names()}
    for entry in manifest.files:
        entry.size = _size(places[entry.area], entry)
    with partial.open("wb") as raw:
        tar, compressed = archive.open_writer(raw)
        sums[MANIFEST] = archive.add_bytes(tar, MANIFEST, manifest.to_json())
        progress.stage(_("Copying files"), sum(entry.size for entry in manifest.files))
        for entry in manifest.files:
            sums[entry.member] = _add_file(tar, places[entry.area], entry, expected, progress)
        progress.stage(_("Writing the tables"), len(dumps))
        for name, path in dumps:
            with path.open("rb") as handle:
                reader = HashingReader(handle)
                archive.add_stream(tar, name, path.stat().st_size, reader)
            sums[name] = reader.digest.hexdigest()
            progress.advance()
        archive.add_bytes(tar, SUMS, archive.sums_document(sums))
        tar.close()
        compressed.close()
        raw.flush()
        os.fsync(raw.fileno())
    return sum(entry.size for entry in manifest.files)


def _size(place: Area, entry: FileEntry) -> int:
    try:
        return place.size(entry.key)
    except Exception:
        if not place.exists(entry.key):
            raise FileVanished(entry) from None
        raise


def _add_file(
    tar: object,
    place: Area,
    entry: FileEntry,
    expected: dict[tuple[str, str], str],
    progress: Progress,
) -> str:
    try:
        handle = place.open(entry.key)
    except Exception:
        if not place.exists(entry.key):
            raise FileVanished(entry) from None
        raise
    with handle:
        reader = HashingReader(handle)
        try:
            archive.add_stream(tar, entry.member, entry.size, reader)  # type: ignore[arg-type]
        except OSError:
            if not place.exists(entry.key):
                raise FileVanished(entry) from None
            raise
    digest = reader.digest.hexdigest()
    want = expected.get((entry.area, entry.key))
    if want and want != digest:
        raise DomainError(
            _(
                "%(file)s does not match the checksum its row records: the stored file is "
                "damaged. No archive was written."
            )
            % {"file": entry.member}
        )
    progress.advance(entry.size)
    return digest


def _commit(partial: Path, output: Path) -> None:
    os.replace(partial, output)
    fd = os.open(output.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
