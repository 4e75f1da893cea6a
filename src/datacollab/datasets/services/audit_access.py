"""One audit entry per read of non-open data, whatever the channel (page, download, API, export)."""

from __future__ import annotations

from typing import Any

from datacollab.core import audit
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum

ACTION = "dataset.accessed"


def record_data_access(
    *,
    actor: Any,
    dataset: Dataset,
    version: DatasetVersion | int | None,
    channel: str,
) -> None:
    """Write `dataset.accessed` with the channel (e.g. "preview", "download.csv", "api.rows").

    Open data is not recorded: anyone may read it without an account, so an entry says nothing.
    Call it after the access rule allowed the read and before the data leaves.
    """
    if dataset.spectrum == Spectrum.OPEN:
        return
    number = version.number if isinstance(version, DatasetVersion) else version
    audit.record(
        action=ACTION,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        obj=dataset,
        details={"channel": channel, "version": number},
    )
