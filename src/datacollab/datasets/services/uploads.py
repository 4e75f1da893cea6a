"""Receiving files and turning them into versions: the same path for the web page, API and CLI.

`receive_upload` streams the file to DATASETS_UPLOAD_DIR in chunks under the size limit and
records an Upload. `process_upload` parses it in the resource-limited worker and publishes the
typed Parquet. It is deliberately not one transaction: the worker may run for minutes, so the
upload's status is written in short transactions around it, and publishing is atomic on its own.
Processing the same upload again (a retry, or a second run after a crash) is safe.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.datasets.ingest.lease import this_process
from datacollab.datasets.ingest.limits import MB, Limits
from datacollab.datasets.ingest.messages import refusal_message
from datacollab.datasets.ingest.runner import run_worker
from datacollab.datasets.models import Dataset, DatasetVersion, Upload
from datacollab.datasets.rules import is_owner
from datacollab.datasets.schema_limits import SchemaLimits, check_schema_structure
from datacollab.datasets.selectors.uploads import worker_stopped, worker_stopped_message
from datacollab.datasets.services.quotas import check_quota, remaining, row_limit
from datacollab.datasets.services.versions import publish_parquet
from datacollab.datasets.tableschema import SchemaError, parse_schema

CHUNK = 1 * MB
RETRYABLE = {Upload.Status.FAILED, Upload.Status.INVALID}
# Refusals a retry may overcome (the worker's trouble, or a row limit the owner may raise):
# the received file is kept for DATASETS_UPLOAD_RETENTION_HOURS. Any other refusal is about
# what the file is, so the file is removed at once.
KEPT_FOR_RETRY = {
    "crashed",
    "timeout",
    "cpu-time",
    "out-of-memory",
    "internal",
    "too-many-rows",
    "too-many-lines",
}


class TooLarge(DomainError):
    status = 413


def _format_size(size: int) -> str:
    if size >= 1024 * MB and size % (1024 * MB) == 0:
        return _("%(n)s GB") % {"n": size // (1024 * MB)}
    if size >= MB:
        return _("%(n)s MB") % {"n": round(size / MB, 1)}
    return _("%(n)s bytes") % {"n": size}


def too_large_message() -> str:
    limit = int(settings.DATASETS_MAX_UPLOAD_BYTES)
    return _(
        "The file is larger than the upload limit of %(limit)s. Compress it (.csv.gz), split "
        "it, or ask the operator to raise DATASETS_MAX_UPLOAD_BYTES."
    ) % {"limit": _format_size(limit)}


def _chunks(stream: Any) -> Iterable[bytes]:
    if hasattr(stream, "chunks"):  # Django's UploadedFile: memory or its own temporary file
        yield from stream.chunks(CHUNK)
        return
    while block := stream.read(CHUNK):
        yield block


def check_given_schema(schema: Any) -> None:
    """Refuse a Table Schema that cannot be used, listing every problem.

    Its size, depth and field count are bounded first, so the checks after are cheap.
    """
    check_schema_structure(schema, SchemaLimits.from_settings())
    try:
        parse_schema(schema)
    except SchemaError as exc:
        raise DomainError(
            _("The schema cannot be used: %(problems)s.") % {"problems": "; ".join(exc.problems)},
            field="schema",
        ) from exc


def _upload_dir() -> Path:
    return Path(settings.DATASETS_UPLOAD_DIR)


def receive_upload(
    *,
    actor: Any,
    dataset: Dataset,
    stream: Any,
    name: str,
    size_hint: int | None = None,
    enqueue: bool = True,
    schema: dict[str, Any] | None = None,
) -> Upload:
    """Store the file (never whole in memory) and record it; processing follows on commit.

    `stream` is a binary file object or a Django UploadedFile. `enqueue=False` leaves the
    processing to the caller (the ingest command runs it in the foreground). `schema`, a Table
    Schema kept with the upload, is validated against instead of an inferred one (retries too).
    """
    if not is_owner(actor, dataset):
        raise NotAllowed(_("Only members of the owning organisation may upload data."))
    limit = int(settings.DATASETS_MAX_UPLOAD_BYTES)
    if size_hint is not None and size_hint > limit:
        raise TooLarge(too_large_message())
    if schema is not None:
        check_given_schema(schema)
    check_quota(actor=actor, dataset=dataset, size=size_hint or 0)
    room = remaining(actor=actor, dataset=dataset)
    folder = _upload_dir() / str(dataset.pk)
    folder.mkdir(parents=True, exist_ok=True)
    safe_name = get_valid_filename(Path(name).name)[:100] or "upload"
    final = folder / f"{uuid.uuid4().hex}-{safe_name}"
    partial = final.with_name(final.name + ".part")
    size = 0
    try:
        with partial.open("wb") as sink:
            for block in _chunks(stream):
                size += len(block)
                if size > limit:
                    raise TooLarge(too_large_message())
                if size > room:  # no size given: the quota stops the stream as it comes
                    check_quota(actor=actor, dataset=dataset, size=size)
                sink.write(block)
            sink.flush()
            os.fsync(sink.fileno())
        if size == 0:
            raise DomainError(_("The file is empty."))
        os.replace(partial, final)
        with transaction.atomic():
            upload = Upload.objects.create(
                dataset=dataset,
                original_name=Path(name).name[:255] or "upload",
                path=str(final),
                byte_size=size,
                created_by=actor,
                schema=schema,
            )
            audit.record(
                action="dataset.upload_received",
                actor=actor,
                obj=dataset,
                details={
                    "upload": upload.pk,
                    "name": upload.original_name,
                    "bytes": size,
                    "schema_given": schema is not None,
                },
            )
            if enqueue:
                _enqueue(upload.pk)
    except BaseException:
        partial.unlink(missing_ok=True)
        final.unlink(missing_ok=True)
        raise
    return upload


def _enqueue(upload_id: int) -> None:
    from datacollab.datasets.tasks import process_upload_task

    transaction.on_commit(lambda: process_upload_task.enqueue(upload_id))


def _finish(upload: Upload, **fields: Any) -> None:
    """Record an outcome, unless a concurrent run already published this upload."""
    fields["updated_at"] = timezone.now()
    Upload.objects.filter(pk=upload.pk).exclude(status=Upload.Status.PUBLISHED).update(**fields)
    for key, value in fields.items():
        setattr(upload, key, value)


def _published_version(upload: Upload) -> DatasetVersion | None:
    return DatasetVersion.objects.filter(upload=upload).first()


def process_upload(
    *,
    upload_id: int,
    schema: dict[str, Any] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> DatasetVersion | None:
    """Parse, validate and publish one upload; None when refused or invalid (see the Upload).

    `schema` (a Table Schema) replaces the inferred one (default: the one given with the upload,
    if any). A bad file never raises: the reason
    is stored on the Upload for the owner to read.
    """
    upload = Upload.objects.select_related("dataset", "created_by").filter(pk=upload_id).first()
    if upload is None:
        raise NotFound(_("There is no such upload."))
    if upload.status == Upload.Status.PUBLISHED:
        return _published_version(upload)
    dataset = upload.dataset
    source = Path(upload.path)
    if not source.is_file():
        _finish(
            upload,
            status=Upload.Status.FAILED,
            error=_("The received file is no longer on the server: upload it again."),
        )
        return None
    if not is_owner(upload.created_by, dataset):
        _finish(
            upload,
            status=Upload.Status.FAILED,
            error=_("%(who)s is no longer a member of the owning organisation.")
            % {"who": upload.created_by},
        )
        return None
    if schema is None:
        schema = upload.schema
    runner = this_process()
    _finish(
        upload,
        status=Upload.Status.PROCESSING,
        error="",
        report=None,
        runner_host=runner.host,
        runner_pid=runner.pid,
        runner_started=runner.started,
        lease_expires_at=_lease_end(),
    )
    work = _upload_dir() / "work" / f"{upload.pk}-{uuid.uuid4().hex[:8]}"
    try:
        outcome = run_worker(
            source=source,
            name=upload.original_name,
            work_dir=work,
            limits=Limits.from_settings(max_rows=row_limit(dataset)),
            schema=schema,
            on_progress=on_progress,
            on_tick=lambda: _renew_lease(upload.pk),
            tick_seconds=_lease_seconds() / 4,
        )
        if outcome.status == "refused":
            assert outcome.refusal is not None
            keep = outcome.refusal.get("code") in KEPT_FOR_RETRY
            _finish(
                upload,
                status=Upload.Status.FAILED,
                error=refusal_message(outcome.refusal),
                detected=outcome.detected,
                **({} if keep else {"path": ""}),
            )
            if not keep:
                # Nothing in this file can become a version: it leaves the disk (and the
                # quota) now rather than waiting for datasets-gc.
                source.unlink(missing_ok=True)
            return None
        if outcome.status == "invalid":
            _finish(
                upload,
                status=Upload.Status.INVALID,
                report=outcome.report,
                detected=outcome.detected,
            )
            return None
        assert outcome.parquet is not None and outcome.schema is not None
        try:
            version = publish_parquet(
                actor=upload.created_by,
                dataset=dataset,
                parquet=outcome.parquet,
                schema=outcome.schema,
                report=outcome.report or {},
                source_name=upload.original_name,
                source_format=str(outcome.detected.get("format", "")),
                detected=outcome.detected,
                upload=upload,
            )
        except DomainError as exc:
            _finish(upload, status=Upload.Status.FAILED, error=exc.message)
            return None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # The version holds the data now; the received copy is no longer needed.
    transaction.on_commit(lambda: source.unlink(missing_ok=True))
    return version


def _lease_seconds() -> int:
    return max(4, int(settings.DATASETS_WORKER_LEASE_SECONDS))


def _lease_end() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=_lease_seconds())


def _renew_lease(upload_id: int) -> None:
    """Called by the runner as it waits on the worker: still here, for another lease."""
    Upload.objects.filter(pk=upload_id, status=Upload.Status.PROCESSING).update(
        lease_expires_at=_lease_end()
    )


@transaction.atomic
def retry_upload(*, actor: Any, upload: Upload) -> Upload:
    """Process a refused, invalid or interrupted upload again, in the background."""
    upload = Upload.objects.select_for_update().select_related("dataset").get(pk=upload.pk)
    if not is_owner(actor, upload.dataset):
        raise NotAllowed(_("Only members of the owning organisation may retry an upload."))
    # A run whose process was killed (or whose lease ran out) may be retried at once.
    interrupted = worker_stopped(upload)
    if upload.status not in RETRYABLE and not interrupted:
        raise Conflict(
            _("This upload is %(status)s: only a refused or invalid upload can be retried.")
            % {"status": upload.get_status_display().lower()}
        )
    if not Path(upload.path).is_file():
        raise Conflict(_("The received file is no longer on the server: upload it again."))
    upload.status = Upload.Status.RECEIVED
    upload.error = ""
    upload.save(update_fields=["status", "error", "updated_at"])
    audit.record(
        action="dataset.upload_retried",
        actor=actor,
        obj=upload.dataset,
        details={"upload": upload.pk, **({"worker_stopped": True} if interrupted else {})},
    )
    _enqueue(upload.pk)
    return upload


DISCARDABLE = {Upload.Status.FAILED, Upload.Status.INVALID}


@transaction.atomic
def discard_upload(*, actor: Any, upload: Upload) -> Upload:
    """Remove the received file of a refused or invalid upload (freeing quota); its record
    and reason stay. A stopped run may be discarded too."""
    upload = Upload.objects.select_for_update().select_related("dataset").get(pk=upload.pk)
    if not is_owner(actor, upload.dataset):
        raise NotAllowed(_("Only members of the owning organisation may remove an upload."))
    stopped = worker_stopped(upload)
    if upload.status not in DISCARDABLE and not stopped:
        raise Conflict(
            _("This upload is %(status)s: only a refused or invalid upload's file can be removed.")
            % {"status": upload.get_status_display().lower()}
        )
    if not upload.path:
        raise Conflict(_("The file of this upload has already been removed."))
    path = Path(upload.path)
    upload.path = ""
    if stopped:
        upload.status = Upload.Status.FAILED
        upload.error = worker_stopped_message()
    upload.save(update_fields=["path", "status", "error", "updated_at"])
    audit.record(
        action="dataset.upload_discarded",
        actor=actor,
        obj=upload.dataset,
        details={"upload": upload.pk, "bytes": upload.byte_size},
    )
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return upload


def collect_uploads(*, retention: dt.timedelta, dry_run: bool = False) -> list[str]:
    """`datasets-gc`: remove the files of refused and invalid uploads, and of abandoned ones
    (never processed, or whose worker stopped), untouched for longer than `retention`.

    An abandoned upload is marked refused with the reason. Returns what was removed.
    """
    cutoff = timezone.now() - retention
    removed: list[str] = []
    old = Upload.objects.exclude(path="").exclude(status=Upload.Status.PUBLISHED)
    for upload in old.filter(updated_at__lt=cutoff).order_by("pk"):
        abandoned = upload.status == Upload.Status.RECEIVED or worker_stopped(upload)
        if upload.status not in DISCARDABLE and not abandoned:
            continue  # still processing under a live runner
        removed.append(f"upload #{upload.pk} ({upload.get_status_display()}): {upload.path}")
        if dry_run:
            continue
        fields: dict[str, Any] = {"path": "", "updated_at": timezone.now()}
        if abandoned:
            fields |= {
                "status": Upload.Status.FAILED,
                "error": _("Abandoned: not processed within the retention time; upload it again."),
            }
        changed = (
            Upload.objects.filter(pk=upload.pk, path=upload.path, status=upload.status)
            .exclude(status=Upload.Status.PUBLISHED)
            .update(**fields)
        )
        if changed:
            Path(upload.path).unlink(missing_ok=True)
    return removed
