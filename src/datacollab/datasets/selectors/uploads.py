"""Reads for the upload pages: owners only, and never more than a page of errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.datasets.ingest.lease import Runner, stopped
from datacollab.datasets.ingest.limits import Limits
from datacollab.datasets.models import Dataset, Upload
from datacollab.datasets.report_messages import shown_error
from datacollab.datasets.rules import is_owner
from datacollab.datasets.selectors.datasets import dataset_for

RECENT_UPLOADS = 20
SHOWN_ERRORS = 100


def owned_dataset(actor: Any, slug: str) -> Dataset:
    """The dataset if this person may manage it: 404 if they may not know it, 403 if not owner."""
    dataset = dataset_for(actor, slug)
    if not is_owner(actor, dataset):
        raise NotAllowed(_("Only members of the owning organisation may upload data."))
    return dataset


def worker_stopped_message() -> str:
    return _(
        "The worker stopped before it finished (its process was killed or its machine "
        "restarted). Nothing was published: retry the upload."
    )


def worker_stopped(upload: Upload, now: dt.datetime | None = None) -> bool:
    """A 'processing' upload whose runner is gone: its process died on this host, or its
    lease ran out. (Uploads from before leases: processing longer than any worker may.)"""
    if upload.status != Upload.Status.PROCESSING:
        return False
    now = now or timezone.now()
    if upload.runner_pid is None and upload.lease_expires_at is None:
        limit = Limits.from_settings().wall_seconds + 60
        return upload.updated_at < now - dt.timedelta(seconds=limit)
    runner = None
    if upload.runner_pid is not None:
        runner = Runner(upload.runner_host, upload.runner_pid, upload.runner_started)
    return stopped(runner, upload.lease_expires_at, now)


def shown(upload: Upload) -> Upload:
    """The upload as its pages and the API show it: a stopped run reads as refused (failed)
    with the reason, so the owner sees what happened and the retry button."""
    if worker_stopped(upload):
        upload.status = Upload.Status.FAILED
        upload.error = worker_stopped_message()
    return upload


def recent_uploads(dataset: Dataset) -> list[Upload]:
    return [
        shown(upload)
        for upload in Upload.objects.filter(dataset=dataset)
        .select_related("created_by", "version", "base_version")
        .order_by("-created_at")[:RECENT_UPLOADS]
    ]


def upload_of(dataset: Dataset, upload_id: int) -> Upload:
    upload = (
        Upload.objects.filter(dataset=dataset, pk=upload_id)
        .select_related("created_by", "version", "base_version")
        .first()
    )
    if upload is None:
        raise NotFound(_("There is no such upload."))
    return shown(upload)


def report_errors(report: dict[str, Any] | None, *, limit: int = SHOWN_ERRORS) -> list[dict]:
    """The first errors of a Frictionless report, for the errors table."""
    errors: list[dict[str, Any]] = list((report or {}).get("errors", []))
    for task in (report or {}).get("tasks", []):
        errors.extend(task.get("errors", []))
        if len(errors) >= limit:
            break
    return errors[:limit]


def shown_errors(report: dict[str, Any] | None, *, limit: int = SHOWN_ERRORS) -> list[dict]:
    """The first errors for a page: titles and messages in the reader's language (the API
    and the command line keep the stored English)."""
    return [shown_error(error) for error in report_errors(report, limit=limit)]


def error_count(report: dict[str, Any] | None) -> int:
    report = report or {}
    counted = report.get("stats", {}).get("errors")
    if isinstance(counted, int):
        return counted
    return len(report.get("errors", [])) + sum(
        len(task.get("errors", [])) for task in report.get("tasks", [])
    )
