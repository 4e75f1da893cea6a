"""Fixtures of the backup tests: an archive of a populated deployment, then undone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.ops.backup_world import populate, row_counts, version_checksums


class _Undo(Exception):
    pass


@pytest.fixture
def made(db, tmp_path, settings) -> dict[str, Any]:
    """A backup of a populated deployment, which is then undone (the database left empty)."""
    archive = tmp_path / "backup.tar.gz"
    facts: dict[str, Any] = {}
    try:
        with transaction.atomic():
            facts["world"] = populate()
            facts["counts"] = row_counts()
            facts["checksums"] = version_checksums()
            call_command("backup", "-o", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
            raise _Undo
    except _Undo:
        pass
    facts["archive"] = archive
    return facts


@pytest.fixture
def new_folders(tmp_path, settings) -> Path:
    """Point media, version storage and the upload folder at empty folders (a new host)."""
    root = tmp_path / "restored"
    settings.MEDIA_ROOT = root / "media"
    settings.DATASETS_UPLOAD_DIR = root / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "datasets")},
        },
    }
    return root
