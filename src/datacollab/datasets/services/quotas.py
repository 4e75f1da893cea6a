"""Storage quotas and row limits: what one person, or one data collaboration, may hold.

Storage held = the versions published (their Parquet bytes) plus the uploads whose received
file is still on the server (waiting, processing, or refused and kept for a retry). A received
file leaves the count once it is removed (published, refused for what it is, discarded by its
owner, or collected by `datasets-gc` after DATASETS_UPLOAD_RETENTION_HOURS).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError
from datacollab.datasets.models import Dataset
from datacollab.datasets.selectors.quotas import (
    collaboration_use,
    format_bytes,
    person_use,
    row_limit,
)

__all__ = ["QuotaExceeded", "check_quota", "person_use", "remaining", "row_limit"]


class QuotaExceeded(DomainError):
    status = 413
    code = "quota_exceeded"


def _free(setting: str) -> str:
    # Translated when refused (not at import, which would fix the language of the first
    # process to load this module). Drafts count as well as refused uploads: both are discarded
    # with the button on the upload's page.
    return _(
        "Free space by discarding the drafts and refused uploads you no longer need (the "
        "button on each upload's page), or ask the operator to raise %(setting)s."
    ) % {"setting": setting}


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
            + _free("DATASETS_QUOTA_PERSON_BYTES"),
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
            + _free("DATASETS_QUOTA_COLLABORATION_BYTES"),
            field="file",
        )


def remaining(*, actor: Any, dataset: Dataset) -> int:
    """Bytes the person may still upload to `dataset` (the smaller of the two quotas)."""
    left = int(settings.DATASETS_QUOTA_PERSON_BYTES) - person_use(actor)
    if dataset.collaboration_id is not None:
        group_left = int(settings.DATASETS_QUOTA_COLLABORATION_BYTES)
        left = min(left, group_left - collaboration_use(dataset.collaboration_id))
    return max(0, left)
