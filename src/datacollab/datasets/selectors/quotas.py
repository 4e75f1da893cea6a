"""Reads about storage and row limits: what a person or a collaboration holds, a dataset's limit.

Storage held = the versions published (their Parquet bytes) plus the uploads whose received
file is still on the server (waiting, processing, or refused and kept for a retry).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from datacollab.datasets.ingest.limits import MB
from datacollab.datasets.models import Dataset, DatasetVersion, Upload


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
