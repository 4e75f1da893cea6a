"""Helpers for the ingest tests: per-test upload and storage folders, an owner and a dataset."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from datacollab.datasets.models import Dataset, Upload
from datacollab.datasets.services.uploads import receive_upload
from datacollab.organisations.models import User
from tests.factories import make_org, make_user
from tests.factories_data import make_dataset


@pytest.fixture(name="ingest_dirs")
def ingest_dirs_fixture(settings: Any, tmp_path: Path) -> Path:
    """Uploads and version files go to this test's own folder (removed with it)."""
    settings.DATASETS_UPLOAD_DIR = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "store")},
        },
    }
    settings.DATASETS_WORKER_CPU_SECONDS = 120
    return tmp_path


def owner_and_dataset(**fields: Any) -> tuple[User, Dataset]:
    owner = make_user()
    dataset = make_dataset(owner=make_org(members=[owner]), creator=owner, **fields)
    return owner, dataset


def upload_bytes(
    *, actor: User, dataset: Dataset, data: bytes, name: str = "data.csv", enqueue: bool = False
) -> Upload:
    return receive_upload(
        actor=actor, dataset=dataset, stream=io.BytesIO(data), name=name, enqueue=enqueue
    )


def upload_file(*, actor: User, dataset: Dataset, path: Path, name: str | None = None) -> Upload:
    with path.open("rb") as handle:
        return receive_upload(
            actor=actor, dataset=dataset, stream=handle, name=name or path.name, enqueue=False
        )


def sensor_csv(path: Path, rows: int, *, delimiter: str = ",") -> Path:
    """Rows of id, vehicle, speed, recorded (integer, string, number, date)."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(delimiter.join(["id", "vehicle", "speed", "recorded"]) + "\n")
        for i in range(1, rows + 1):
            values = [str(i), f"bike-{i % 7}", f"{(i % 250) / 10:.1f}", f"2025-03-{i % 28 + 1:02d}"]
            stream.write(delimiter.join(values) + "\n")
    return path


def parse_and_publish(upload: Upload, *, accept_schema_change: bool = False) -> Any:
    """Parse an upload into a draft and publish it, as its owner would on the draft page."""
    from datacollab.datasets.services.upload_lifecycle import publish_upload
    from datacollab.datasets.services.uploads import process_upload

    draft = process_upload(upload_id=upload.pk)
    return publish_upload(
        actor=draft.created_by, upload=draft, accept_schema_change=accept_schema_change
    )
