"""kill -9 of the parsing worker part-way: no version, no partial file, and a retry succeeds."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psutil
import pytest

from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.services.uploads import process_upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    sensor_csv,
    upload_file,
)

pytestmark = pytest.mark.django_db

ROWS = 200_000


def _worker_pids() -> list[int]:
    return [
        child.pid
        for child in psutil.Process().children()
        if "datacollab.datasets.ingest.worker" in " ".join(child.cmdline())
    ]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize("phase", ["check-text", "validate", "write"])
def test_sigkill_of_the_worker_leaves_no_version_and_a_retry_succeeds(ingest_dirs, phase):
    owner, dataset = owner_and_dataset()
    upload = upload_file(
        actor=owner, dataset=dataset, path=sensor_csv(ingest_dirs / "big.csv", ROWS)
    )
    killed: list[int] = []

    def kill_when(reached: str) -> None:
        # Runs in the parent as the worker announces each phase: the child is mid-work.
        if reached == phase and not killed:
            for pid in _worker_pids():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    assert process_upload(upload_id=upload.pk, on_progress=kill_when) is None

    assert len(killed) == 1
    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED
    assert upload.error == (
        "The worker stopped before it finished (SIGKILL). Nothing was published; try again."
    )
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 0
    assert _files(ingest_dirs / "store") == []
    # The received file waits for the retry; the worker's half-written files are gone.
    assert _files(ingest_dirs / "uploads") == [Path(upload.path)]

    version = process_upload(upload_id=upload.pk)

    upload.refresh_from_db()
    assert upload.status == Upload.Status.PUBLISHED
    assert (version.number, version.row_count) == (1, ROWS)
    assert _files(ingest_dirs / "store") == [ingest_dirs / "store" / version.storage_key]
