"""Disk full during an upload (issue 15): a real ENOSPC from a small tmpfs mounted as the upload
and version storage folder, through the page, the API and publishing.

A refusal that says what is wrong and what to do (507, never a 500), nothing half-written (no
partial file, no row), the space given back, and the next upload that fits succeeds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from datacollab.core.models import AuditEntry
from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.services.upload_lifecycle import publish_upload
from datacollab.datasets.services.uploads import process_upload
from datacollab.datasets.storage import (
    StorageFull,
    publish_no_space_message,
    upload_no_space_message,
)
from tests.datasets.factories_ingest import owner_and_dataset, sensor_csv, upload_file
from tests.factories_api import bearer, make_token
from tests.ops.faults_helpers import CannotMount, files_under, free_bytes, noise_csv, small_disk

pytestmark = pytest.mark.slow

DISK_KB = 4096  # 4 MiB of storage for uploads and versions together
BIG = 6 * 1024 * 1024  # larger than the whole disk
SMALL = 64 * 1024


@pytest.fixture
def disk(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """The upload folder and the version storage on a 4 MiB tmpfs of their own."""
    try:
        with small_disk(tmp_path / "disk", DISK_KB) as mounted:
            settings.DATASETS_UPLOAD_DIR = mounted / "uploads"
            settings.STORAGES = {
                **settings.STORAGES,
                "datasets": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(mounted / "store")},
                },
            }
            # The server's limits allow the file: only the disk refuses it.
            settings.DATASETS_MAX_UPLOAD_BYTES = 64 * 1024 * 1024
            settings.DATASETS_QUOTA_PERSON_BYTES = 64 * 1024 * 1024
            settings.DATASETS_QUOTA_COLLABORATION_BYTES = 64 * 1024 * 1024
            settings.DATASETS_WORKER_CPU_SECONDS = 120
            yield mounted
    except CannotMount as exc:
        # Without root no filesystem can be made small; /dev/full would only fake the path.
        # As root (CI) a failed mount is a failure, never a skip.
        if os.geteuid() == 0:
            raise
        pytest.skip(f"a full disk needs a small tmpfs, which needs root: {exc}")


def _post_page(client: Client, slug: str, path: Path) -> Any:
    with path.open("rb") as handle:
        return client.post(reverse("dataset-upload", args=[slug]), {"file": handle})


def _post_api(client: Client, slug: str, path: Path, secret: str) -> Any:
    with path.open("rb") as handle:
        return client.post(f"/api/v1/datasets/{slug}/uploads", {"file": handle}, **bearer(secret))


@pytest.mark.django_db
def test_disk_full_on_the_upload_page_refuses_clearly_and_keeps_nothing(disk, tmp_path):
    owner, dataset = owner_and_dataset()
    client = Client()
    client.force_login(owner)
    before = free_bytes(disk)

    response = _post_page(client, dataset.slug, noise_csv(tmp_path / "big.csv", BIG))

    assert response.status_code == 507
    assert escape(upload_no_space_message()) in response.content.decode()
    assert Upload.objects.count() == 0
    assert AuditEntry.objects.filter(action="dataset.upload_received").count() == 0
    assert files_under(disk) == []
    assert free_bytes(disk) == before
    fits = _post_page(client, dataset.slug, noise_csv(tmp_path / "small.csv", SMALL))
    upload = Upload.objects.get()
    assert (fits.status_code, fits["Location"]) == (
        302,
        reverse("dataset-upload-status", args=[dataset.slug, upload.pk]),
    )
    assert files_under(disk) == [Path(upload.path)]


@pytest.mark.django_db
def test_disk_full_through_the_api_answers_507_and_keeps_nothing(disk, tmp_path):
    owner, dataset = owner_and_dataset()
    _, secret = make_token(owner)
    client = Client()
    before = free_bytes(disk)

    response = _post_api(client, dataset.slug, noise_csv(tmp_path / "big.csv", BIG), secret)

    assert response.status_code == 507
    assert response.json() == {
        "error": "storage_full",
        "message": upload_no_space_message(),
        "parameter": None,
        "action": None,
    }
    assert Upload.objects.count() == 0
    assert files_under(disk) == []
    assert free_bytes(disk) == before
    fits = _post_api(client, dataset.slug, noise_csv(tmp_path / "small.csv", SMALL), secret)
    assert (fits.status_code, fits.json()["status"]) == (202, "received")
    assert Upload.objects.count() == 1


@pytest.mark.django_db
def test_disk_full_while_publishing_keeps_the_draft_and_publishes_once_freed(disk, tmp_path):
    owner, dataset = owner_and_dataset()
    upload = upload_file(
        actor=owner, dataset=dataset, path=sensor_csv(tmp_path / "rows.csv", 20_000)
    )
    draft = process_upload(upload_id=upload.pk)
    assert draft.status == Upload.Status.DRAFT
    # Fill the disk so the version's copy cannot fit beside the draft.
    filler = disk / "filler"
    with filler.open("wb") as sink:
        sink.write(b"\0" * (free_bytes(disk) - 1024))
    kept = files_under(disk)

    with pytest.raises(StorageFull) as caught:
        publish_upload(actor=owner, upload=draft)

    assert (caught.value.status, caught.value.message) == (507, publish_no_space_message())
    assert DatasetVersion.objects.count() == 0
    assert files_under(disk) == kept  # no half-copied version, no temporary file
    draft.refresh_from_db()
    assert draft.status == Upload.Status.DRAFT
    filler.unlink()
    version = publish_upload(actor=owner, upload=draft)
    assert (version.number, version.row_count) == (1, 20_000)
    assert files_under(disk / "store") == [disk / "store" / version.storage_key]
