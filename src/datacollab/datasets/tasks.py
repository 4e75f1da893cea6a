"""Background work of the datasets app. Tasks take primitive ids and call one service."""

from __future__ import annotations

from django_tasks import task

from datacollab.datasets.services.uploads import process_upload


@task()
def process_upload_task(upload_id: int) -> str:
    """Parse and validate one upload into a draft; safe to run again (only a waiting upload is
    parsed). Returns the upload's status."""
    return str(process_upload(upload_id=upload_id).status)
