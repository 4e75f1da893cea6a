"""Reads for the upload pages: owners only, and never more than a page of errors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.datasets.models import Dataset, Upload
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


def recent_uploads(dataset: Dataset) -> list[Upload]:
    return list(
        Upload.objects.filter(dataset=dataset)
        .select_related("created_by", "version")
        .order_by("-created_at")[:RECENT_UPLOADS]
    )


def upload_of(dataset: Dataset, upload_id: int) -> Upload:
    upload = (
        Upload.objects.filter(dataset=dataset, pk=upload_id)
        .select_related("created_by", "version")
        .first()
    )
    if upload is None:
        raise NotFound(_("There is no such upload."))
    return upload


def report_errors(report: dict[str, Any] | None, *, limit: int = SHOWN_ERRORS) -> list[dict]:
    """The first errors of a Frictionless report, for the errors table."""
    errors: list[dict[str, Any]] = list((report or {}).get("errors", []))
    for task in (report or {}).get("tasks", []):
        errors.extend(task.get("errors", []))
        if len(errors) >= limit:
            break
    return errors[:limit]


def error_count(report: dict[str, Any] | None) -> int:
    report = report or {}
    counted = report.get("stats", {}).get("errors")
    if isinstance(counted, int):
        return counted
    return len(report.get("errors", [])) + sum(
        len(task.get("errors", [])) for task in report.get("tasks", [])
    )
