"""Receiving files and parsing them into drafts: the same path for the web page, API and CLI.

`receive_upload` streams the file to DATASETS_UPLOAD_DIR in chunks under the size limit and
records an Upload. `process_upload` parses it in the resource-limited worker, checked against
the dataset's current schema, and keeps the typed Parquet as a draft for its owner to publish
(`upload_lifecycle.py`, where every move of an upload's life is checked). It is deliberately
not one transaction: the worker may run for minutes, so the upload's status is written in
short transactions around it. Processing the same upload again (a task delivered twice, or a
second run after a crash) is safe.
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
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import DomainError, NotAllowed, NotFound
from datacollab.datasets.ingest.carry import given_changes
from datacollab.datasets.ingest.lease import this_process
from datacollab.datasets.ingest.limits import MB, Limits
from datacollab.datasets.ingest.messages import refusal_message
from datacollab.datasets.ingest.runner import run_worker
from datacollab.datasets.models import Dataset, Upload
from datacollab.datasets.reading_messages import schema_problems_text
from datacollab.datasets.rules import is_owner
from datacollab.datasets.schema_limits import SchemaLimits, check_schema_structure
from datacollab.datasets.selectors.uploads import error_count, worker_stopped
from datacollab.datasets.services.quotas import check_quota, remaining, row_limit
from datacollab.datasets.services.upload_lifecycle import (
    MOVES,
    _enqueue,
    clean_options,
    current_version,
)
from datacollab.datasets.storage import StorageFull, no_space, upload_no_space_message
from datacollab.datasets.tableschema import SchemaError, parse_schema

CHUNK = 1 * MB
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
    # A wrong guess of the encoding or delimiter shows as these: the uploader may correct it.
    "bad-encoding",
    "no-encoding",
    "line-too-long",
    "csv-unreadable",
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
            _("The schema cannot be used: %(problems)s.")
            % {"problems": schema_problems_text(exc.problems)},
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
    encoding: str | None = None,
    delimiter: str | None = None,
    format: str | None = None,
) -> Upload:
    """Store the file (never whole in memory) and record it; processing follows on commit.

    `stream` is a binary file object or a Django UploadedFile. `enqueue=False` leaves the
    processing to the caller (the ingest command runs it in the foreground). `schema`, a Table
    Schema kept with the upload, is validated against instead of the current or an inferred
    one (retries too). `encoding`, `delimiter` and `format` correct the detection.
    """
    if not is_owner(actor, dataset):
        raise NotAllowed(_("Only members of the owning organisation may upload data."))
    limit = int(settings.DATASETS_MAX_UPLOAD_BYTES)
    if size_hint is not None and size_hint > limit:
        raise TooLarge(too_large_message())
    if schema is not None:
        check_given_schema(schema)
    options = clean_options(encoding=encoding, delimiter=delimiter, format=format)
    check_quota(actor=actor, dataset=dataset, size=size_hint or 0)
    room = remaining(actor=actor, dataset=dataset)
    folder = _upload_dir() / str(dataset.pk)
    folder.mkdir(parents=True, exist_ok=True)
    safe_name = get_valid_filename(Path(name).name)[:100] or "upload"
    final = folder / f"{uuid.uuid4().hex}-{safe_name}"
    partial = final.with_name(final.name + ".part")
    size = 0
    recorded = False  # the row and its audit entry are written; only the COMMIT is left
    try:
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
        except OSError as exc:
            # A full disk is a refusal the uploader can act on, not a server error; the
            # partial file is removed below, which gives the space back.
            if no_space(exc):
                raise StorageFull(upload_no_space_message()) from exc
            raise
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
                options=options,
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
                    "options": options,
                },
            )
            if enqueue:
                _enqueue(upload.pk)
            recorded = True
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        # A database error once the row was written came from the COMMIT itself: the
        # connection broke (PostgreSQL stopped, a failover) and whether the row committed is
        # unknown. Removing the file then could leave a committed upload without its file;
        # keeping it leaves at worst a file no row refers to, which datasets-gc removes.
        if not (recorded and isinstance(exc, DatabaseError)):
            final.unlink(missing_ok=True)
        raise
    return upload


def _finish(upload: Upload, status: str, **fields: Any) -> bool:
    """Record the worker's outcome, unless the upload left `processing` meanwhile (discarded,
    or taken over by another run): the move processing -> `status` of the lifecycle."""
    assert status in MOVES[Upload.Status.PROCESSING]
    fields |= {"status": status, "updated_at": timezone.now()}
    with transaction.atomic():
        changed = Upload.objects.filter(
            pk=upload.pk, status=Upload.Status.PROCESSING, runner_pid=upload.runner_pid
        ).update(**fields)
        for key, value in fields.items():
            setattr(upload, key, value)
        if changed:
            audit.record(
                action="dataset.upload_parsed",
                actor=upload.created_by,
                obj=upload.dataset,
                details={
                    "upload": upload.pk,
                    "status": status,
                    "errors": error_count(fields.get("report")),
                    "changes": fields.get("changes") or {},
                    "options": upload.options,
                },
            )
    return bool(changed)


def _start(upload: Upload) -> bool:
    """The move received -> processing, taken by one run only (a stopped run's task, delivered
    again, takes its upload over)."""
    runner = this_process()
    fields = {
        "status": Upload.Status.PROCESSING,
        "error": "",
        "report": None,
        "runner_host": runner.host,
        "runner_pid": runner.pid,
        "runner_started": runner.started,
        "lease_expires_at": _lease_end(),
        "updated_at": timezone.now(),
    }
    waiting = Upload.objects.filter(pk=upload.pk, status=upload.status)
    if upload.status == Upload.Status.PROCESSING:
        waiting = waiting.filter(runner_pid=upload.runner_pid)
    if not waiting.update(**fields):
        return False
    for key, value in fields.items():
        setattr(upload, key, value)
    return True


def _draft_file(upload: Upload) -> Path:
    return Path(upload.path).with_name(Path(upload.path).name + ".draft.parquet")


def process_upload(
    *,
    upload_id: int,
    schema: dict[str, Any] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> Upload:
    """Parse one received upload into a draft, checked against the dataset's current schema
    (ingest/carry.py); nothing is published (see upload_lifecycle.publish_upload).

    `schema` (a Table Schema) is validated against instead (default: the one given with the
    upload, if any). A bad file never raises: the reason is stored on the Upload. Running it
    for an upload that is not waiting (already parsed, published, discarded) changes nothing.
    """
    upload = Upload.objects.select_related("dataset", "created_by").filter(pk=upload_id).first()
    if upload is None:
        raise NotFound(_("There is no such upload."))
    waiting = upload.status == Upload.Status.RECEIVED or worker_stopped(upload)
    if not waiting or not _start(upload):
        return upload
    dataset = upload.dataset
    source = Path(upload.path)
    if not source.is_file():
        _finish(
            upload,
            Upload.Status.FAILED,
            error=_("The received file is no longer on the server: upload it again."),
        )
        return upload
    if not is_owner(upload.created_by, dataset):
        _finish(
            upload,
            Upload.Status.FAILED,
            error=_("%(who)s is no longer a member of the owning organisation.")
            % {"who": upload.created_by},
        )
        return upload
    if schema is None:
        schema = upload.schema
    base = current_version(dataset)
    work = _upload_dir() / "work" / f"{upload.pk}-{uuid.uuid4().hex[:8]}"
    try:
        outcome = run_worker(
            source=source,
            name=upload.original_name,
            work_dir=work,
            limits=Limits.from_settings(max_rows=row_limit(dataset)),
            schema=schema,
            current_schema=base.schema if base is not None and schema is None else None,
            options=upload.options or {},
            on_progress=on_progress,
            on_tick=lambda: _renew_lease(upload.pk),
            tick_seconds=_lease_seconds() / 4,
        )
        if outcome.status == "refused":
            assert outcome.refusal is not None
            keep = outcome.refusal.get("code") in KEPT_FOR_RETRY
            _finish(
                upload,
                Upload.Status.FAILED,
                error=refusal_message(outcome.refusal),
                detected=outcome.detected,
                **({} if keep else {"path": ""}),
            )
            if not keep:
                # Nothing in this file can become a version: it leaves the disk (and the
                # quota) now rather than waiting for datasets-gc.
                source.unlink(missing_ok=True)
            return upload
        changes = outcome.changes
        if schema is not None and base is not None:
            changes = given_changes(base.schema, schema)
        draft = ""
        if outcome.status == "valid":
            assert outcome.parquet is not None
            os.replace(outcome.parquet, _draft_file(upload))
            draft = str(_draft_file(upload))
        moved = _finish(
            upload,
            Upload.Status.DRAFT if draft else Upload.Status.INVALID,
            report=outcome.report,
            detected=outcome.detected,
            preview={**(outcome.preview or {}), "row_count": outcome.rows},
            draft_schema=outcome.schema,
            changes=changes,
            base_version=base,
            draft_path=draft,
        )
        if draft and not moved:
            Path(draft).unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return upload


def _lease_seconds() -> int:
    return max(4, int(settings.DATASETS_WORKER_LEASE_SECONDS))


def _lease_end() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=_lease_seconds())


def _renew_lease(upload_id: int) -> None:
    """Called by the runner as it waits on the worker: still here, for another lease."""
    Upload.objects.filter(pk=upload_id, status=Upload.Status.PROCESSING).update(
        lease_expires_at=_lease_end()
    )


def collect_uploads(*, retention: dt.timedelta, dry_run: bool = False) -> list[str]:
    """`datasets-gc`: remove the files of drafts, refused uploads and abandoned ones (never
    parsed, or whose worker stopped) untouched for longer than `retention`.

    A draft left unpublished is discarded; an abandoned upload is marked refused with the
    reason; a refused one keeps its reason. Returns what was removed.
    """
    cutoff = timezone.now() - retention
    removed: list[str] = []
    old = Upload.objects.exclude(path="", draft_path="").exclude(
        status__in=[Upload.Status.PUBLISHED, Upload.Status.DISCARDED]
    )
    for upload in old.filter(updated_at__lt=cutoff).order_by("pk"):
        abandoned = upload.status == Upload.Status.RECEIVED or worker_stopped(upload)
        if upload.status == Upload.Status.PROCESSING and not abandoned:
            continue  # still parsing under a live runner
        files = [p for p in (upload.path, upload.draft_path) if p]
        removed.append(f"upload #{upload.pk} ({upload.get_status_display()}): {files[0]}")
        if dry_run:
            continue
        fields: dict[str, Any] = {"path": "", "draft_path": "", "updated_at": timezone.now()}
        if abandoned:
            fields |= {
                "status": Upload.Status.FAILED,
                "error": _("Abandoned: not processed within the retention time; upload it again."),
            }
        elif upload.status in (Upload.Status.DRAFT, Upload.Status.INVALID):
            fields |= {
                "status": Upload.Status.DISCARDED,
                "error": _("Discarded: not published within the retention time."),
            }
        assert fields.get("status", upload.status) in MOVES[upload.status] | {upload.status}
        with transaction.atomic():
            changed = Upload.objects.filter(
                pk=upload.pk, path=upload.path, status=upload.status
            ).update(**fields)
            if changed:
                audit.record(
                    action="dataset.upload_collected",
                    obj=upload.dataset,
                    details={"upload": upload.pk, "status": fields.get("status", upload.status)},
                )
        if changed:
            for path in files:
                Path(path).unlink(missing_ok=True)
    return removed
