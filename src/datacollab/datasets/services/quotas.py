"""Storage quotas and row limits: what one person, or one data collaboration, may hold.

Storage held = the versions published (their Parquet bytes) plus the uploads whose received
file is still on the server (waiting, processing, or refused and kept for a retry). A received
file leaves the count once it is removed (published, refused for what it is, discarded by its
owner, or collected by `datasets-gc` after DATASETS_UPLOAD_RETENTION_HOURS).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError
from datacollab.datasets.ingest.limits import MB
from datacollab.datasets.models import Dataset, DatasetVersion, Upload


class QuotaExceeded(DomainError):
    status = 413
    code = "quota_exceeded"


def row_limit(dataset: Dataset) -> int:
    """The most rows a version of `dataset` may have: its own limit, within the site's."""
    site_max = int(settings.DATASETS_MAX_ROWS_LIMIT)
    return min(int(dataset.max_rows or settings.DATASETS_DEFAULT_MAX_ROWS), site_max)


def _held(versions: Q, uploads: Q) -> int:
    version_bytes = DatasetVersion.objects.filter(versions).aggregate(n=Sum("byte_size"))["n"]
    waiting = (
        Upload.objects.filter(uploads)
        .exclude(status=Upload.Status.PUBLISHED)
        .exclude(path="")
        .aggregate(n=Sum("byte_size"))["n"]
    )
    return int(version_bytes or 0) + int(waiting or 0)


def person_use(person: Any) -> int:
    return _held(Q(created_by=person), Q(created_by=person))


def collaboration_use(collaboration_id: int) -> int:
    return _held(
        Q(dataset__collaboration_id=collaboration_id), Q(dataset__collaboration_id=collaboration_id)
    )


def format_bytes(size: int) -> str:
    if size >= 1024 * MB:
        return _("%(n)s GB") % {"n": round(size / (1024 * MB), 2)}
    if size >= MB:
        return _("%(n)s MB") % {"n": round(size / MB, 1)}
    return _("%(n)s bytes") % {"n": size}


_FREE = _(
    "Free space by removing the files of refused uploads (on each upload's page), or ask the "
    "operator to raise %(setting)s."
)


def check_quota(*, actor: Any, dataset: Dataset, size: int) -> None:
    """Refuse `size` more bytes past the person's or the collaboration's quota, saying the
    quota, the use and how to free space."""
    person_quota = int(settings.DATASETS_QUOTA_PERSON_BYTES)
    used = person_use(actor)
    if used + size > person_quota:
        raise QuotaExceeded(
            _(
                "This file (%(size)s) would take your storage past your quota of %(quota)s: "
                "you already use %(used)s. "
            )
            % {
                "size": format_bytes(size),
                "quota": format_bytes(person_quota),
                "used": format_bytes(used),
            }
            + _FREE % {"setting": "DATASETS_QUOTA_PERSON_BYTES"},
            field="file",
        )
    if dataset.collaboration_id is None:
        return
    group_quota = int(settings.DATASETS_QUOTA_COLLABORATION_BYTES)
    used = collaboration_use(dataset.collaboration_id)
    if used + size > group_quota:
        raise QuotaExceeded(
            _(
                "This file (%(size)s) would take the collaboration's storage past its quota "
                "of %(quota)s: its datasets already use %(used)s. "
            )
            % {
                "size": format_bytes(size),
                "quota": format_bytes(group_quota),
                "used": format_bytes(used),
            }
            + _FREE % {"setting": "DATASETS_QUOTA_COLLABORATION_BYTES"},
            field="file",
        )


def remaining(*, actor: Any, dataset: Dataset) -> int:
    """Bytes the person may still upload to `dataset` (the smaller of the two quotas)."""
    left = int(settings.DATASETS_QUOTA_PERSON_BYTES) - person_use(actor)
    if dataset.collaboration_id is not None:
        group_left = int(settings.DATASETS_QUOTA_COLLABORATION_BYTES)
        left = min(left, group_left - collaboration_use(dataset.collaboration_id))
    return max(0, left)
