"""Fixtures of the ops tests: JSON log capture, and an archive of a populated deployment for
the backup tests."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from datacollab.ops.log_format import ContextFilter, JsonFormatter
from tests.ops.backup_world import populate, row_counts, version_checksums


class JsonLines:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture
def json_log() -> Iterator[JsonLines]:
    """Log lines as production writes them (the settings' console handler writes to the real
    standard error, which the test cannot read): every logger, INFO and above."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    request_logger = logging.getLogger("datacollab.request")
    levels = (root.level, request_logger.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    request_logger.setLevel(logging.INFO)
    yield JsonLines(stream)
    root.removeHandler(handler)
    root.setLevel(levels[0])
    request_logger.setLevel(levels[1])


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
