"""Publishing an immutable dataset version: the file goes to storage first, the row last.

Readers only ever find versions through their rows, so a version is visible exactly when its
row commits, and by then its file is whole. A crash before the commit leaves at most an
unreferenced file, which nobody can reach and `datasets-gc` (remove_orphan_files) deletes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.datasets.models import Dataset, DatasetVersion, Upload
from datacollab.datasets.rules import is_owner
from datacollab.datasets.storage import (
    StorageFull,
    delete_version_file,
    no_space,
    publish_no_space_message,
    save_version_file,
    version_key,
    version_storage,
)

CHUNK = 1024 * 1024


def _describe(parquet: Path) -> tuple[str, int, int]:
    """(sha256, rows, bytes) of a Parquet file; refuses anything that is not one."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        rows = int(pq.ParquetFile(parquet).metadata.num_rows)
    except (pa.ArrowException, OSError) as exc:
        raise DomainError(_("The version file is not a readable Parquet file: %s") % exc) from exc
    digest = hashlib.sha256()
    with parquet.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest(), rows, parquet.stat().st_size


def _remove_unreferenced(key: str) -> None:
    try:
        if not DatasetVersion.objects.filter(storage_key=key).exists():
            delete_version_file(key)
    except Exception:  # noqa: S110 - the original error matters more; gc collects the file
        pass


def publish_parquet(
    *,
    actor: Any,
    dataset: Dataset,
    parquet: Path,
    schema: dict[str, Any],
    report: dict[str, Any],
    source_name: str,
    source_format: str,
    detected: dict[str, Any],
    upload: Upload | None = None,
) -> DatasetVersion:
    """Make `parquet` the dataset's next version, whole or not at all; owners only.

    Publishing the same upload twice returns the version it already made.
    """
    if not is_owner(actor, dataset):
        raise NotAllowed(_("Only members of the owning organisation may publish versions."))
    checksum, rows, size = _describe(parquet)
    written: str | None = None
    try:
        with transaction.atomic():
            # Serialise publishers of one dataset, so "last + 1" is taken once.
            Dataset.objects.select_for_update().only("pk").get(pk=dataset.pk)
            if upload is not None:
                upload = Upload.objects.select_for_update().get(pk=upload.pk)
                existing = DatasetVersion.objects.filter(upload=upload).first()
                if existing is not None:
                    return existing
            last = DatasetVersion.objects.filter(dataset=dataset).aggregate(n=Max("number"))["n"]
            number = (last or 0) + 1
            key = version_key(dataset_id=dataset.pk, number=number, checksum=checksum)
            try:
                written = save_version_file(parquet, key)
            except OSError as exc:
                # save_version_file removed its temporary file: nothing half-written remains.
                if no_space(exc):
                    raise StorageFull(publish_no_space_message()) from exc
                raise
            version = DatasetVersion.objects.create(
                dataset=dataset,
                number=number,
                storage_key=written,
                row_count=rows,
                byte_size=size,
                checksum=checksum,
                schema=schema,
                report=report,
                source_name=source_name[:255],
                source_format=source_format[:10],
                detected=detected,
                upload=upload,
                created_by=actor,
            )
            if upload is not None:
                upload.status = Upload.Status.PUBLISHED
                upload.error = ""
                upload.report = report
                upload.detected = detected
                upload.save(update_fields=["status", "error", "report", "detected", "updated_at"])
            audit.record(
                action="dataset.version_published",
                actor=actor,
                obj=dataset,
                details={
                    "version": number,
                    "rows": rows,
                    "bytes": size,
                    "checksum": checksum,
                    "source": source_name[:255],
                    "upload": upload.pk if upload is not None else None,
                },
            )
    except BaseException:
        # The row did not commit, so nothing refers to the file: remove it now rather than
        # leave it to datasets-gc (best effort; a kill here leaves it for gc).
        if written is not None:
            _remove_unreferenced(written)
        raise
    return version


def _stored_keys(storage: Any, folder: str) -> list[str]:
    # Listing, not exists(): on S3 a folder is only a key prefix, which exists() never finds.
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    keys = [f"{folder}/{name}" for name in files]
    for directory in directories:
        keys.extend(_stored_keys(storage, f"{folder}/{directory}"))
    return keys


def remove_orphan_files(*, older_than: dt.timedelta, dry_run: bool = False) -> list[str]:
    """Delete what no row refers to: version files of failed publishes, half-written temporary
    files, parsing work folders and received files of uploads that are gone or published.

    Only things older than `older_than`, so nothing a running publish or worker still uses.
    Returns what was (or, with dry_run, would be) removed.
    """
    cutoff = timezone.now() - older_than
    removed: list[str] = []
    storage = version_storage()
    keys = _stored_keys(storage, "datasets")
    referenced = set(
        DatasetVersion.objects.filter(storage_key__in=keys).values_list("storage_key", flat=True)
    )
    for key in keys:
        if key not in referenced and storage.get_modified_time(key) < cutoff:
            removed.append(f"storage: {key}")
            if not dry_run:
                storage.delete(key)
    upload_dir = Path(settings.DATASETS_UPLOAD_DIR)
    cutoff_ts = cutoff.timestamp()
    work = upload_dir / "work"
    for folder in sorted(work.iterdir()) if work.is_dir() else []:
        if folder.stat().st_mtime < cutoff_ts:
            removed.append(f"work: {folder}")
            if not dry_run:
                shutil.rmtree(folder, ignore_errors=True)
    waiting = set(
        Upload.objects.exclude(status=Upload.Status.PUBLISHED).values_list("path", flat=True)
    )
    waiting |= set(Upload.objects.exclude(draft_path="").values_list("draft_path", flat=True))
    for path in sorted(upload_dir.glob("*/*")) if upload_dir.is_dir() else []:
        if path.parent == work or not path.is_file() or str(path) in waiting:
            continue
        if path.stat().st_mtime < cutoff_ts:
            removed.append(f"upload: {path}")
            if not dry_run:
                path.unlink(missing_ok=True)
    return removed
