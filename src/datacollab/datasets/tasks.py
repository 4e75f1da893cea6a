"""Background work of the datasets app. Tasks take primitive ids and call one service."""

from __future__ import annotations

from django_tasks import task

from datacollab.datasets.services.uploads import process_upload


@task()
def process_upload_task(upload_id: int) -> int | None:
    """Parse, validate and publish one upload; safe to run again (a published upload is kept)."""
    version = process_upload(upload_id=upload_id)
    return version.pk if version is not None else None
