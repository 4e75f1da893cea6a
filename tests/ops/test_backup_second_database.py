"""Backup and restore across processes and databases: the archive of this test's database is
restored by the CLI into a second, empty deployment (a new SQLite file, new folders), which
verifies its audit log and serves the attachment; that deployment's own backup then comes back
here. When the suite runs on PostgreSQL this crosses vendors both ways (PostgreSQL -> SQLite,
SQLite -> PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction

import datacollab
from tests.ops.backup_world import (
    APPLICANT,
    PDF,
    domain_rows,
    download_attachment,
    populate,
    restore,
    row_counts,
    version_checksums,
)

pytestmark = pytest.mark.django_db

SOURCE = Path(datacollab.__file__).resolve().parents[1]
PROBE = """
import django, hashlib, sys
django.setup()
from django.test import Client
from django.urls import reverse
from datacollab.organisations.models import User
client = Client()
client.force_login(User.objects.get(email=sys.argv[1]))
response = client.get(reverse("application-file", args=[int(sys.argv[2]), int(sys.argv[3])]))
body = b"".join(response.streaming_content)
print(response.status_code, hashlib.sha256(body).hexdigest())
"""


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "AUDIT_HMAC_KEY_FILE"}
    env.update(
        PYTHONPATH=str(SOURCE),
        DJANGO_SETTINGS_MODULE="datacollab.config.settings",
        DATACOLLAB_ENV="development",
        DATACOLLAB_VAR_DIR=str(root / "var"),
        DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",
        MEDIA_ROOT=str(root / "media"),
        DATASETS_STORAGE="local",
        DATASETS_ROOT=str(root / "datasets"),
        DATASETS_UPLOAD_DIR=str(root / "uploads"),
        AUDIT_CHECKPOINT_DIR=str(root / "checkpoints"),
        AUDIT_HMAC_KEY=django_settings.AUDIT_HMAC_KEY,
        SECRET_KEY=django_settings.SECRET_KEY,
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    return env


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "datacollab", *args],
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def empty_sqlite(tmp_path_factory, django_db_setup, django_db_blocker) -> Path:
    """A migrated, empty deployment's SQLite database, made once and copied for each use: on
    SQLite, a copy of this run's freshly migrated test database; otherwise `migrate`."""
    root = tmp_path_factory.mktemp("template")
    if connection.vendor == "sqlite":
        with django_db_blocker.unblock():
            source = sqlite3.connect(connection.settings_dict["NAME"])
            with sqlite3.connect(root / "db.sqlite3") as copy:
                source.backup(copy)
            source.close()
        return root / "db.sqlite3"
    done = _cli(root, "migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    return root / "db.sqlite3"


def _sqlite_counts(path: Path) -> dict[str, int]:
    from django.apps import apps

    from datacollab.core.backup import tables

    found = {}
    with sqlite3.connect(path) as db:
        for model in tables.models_in_order():
            table = model._meta.db_table
            found[model._meta.label] = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    assert apps.ready
    return found


def _sqlite_version_checksums(path: Path, storage: Path) -> dict[int, tuple[str, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT id, storage_key, checksum FROM datasets_datasetversion"
        ).fetchall()
    return {
        pk: (checksum, hashlib.sha256((storage / key).read_bytes()).hexdigest())
        for pk, key, checksum in rows
    }


class _Undo(Exception):
    pass


def test_backup_restores_into_a_second_deployment_and_back(
    empty_sqlite, tmp_path, settings
) -> None:
    archive = tmp_path / "here.tar.gz"
    try:
        with transaction.atomic():
            world = populate()
            counts = row_counts()
            checksums = version_checksums()
            call_command("backup", "-o", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
            raise _Undo
    except _Undo:
        pass
    second = tmp_path / "second"
    second.mkdir()
    shutil.copy(empty_sqlite, second / "db.sqlite3")

    restored = _cli(second, "restore", str(archive))
    there = _sqlite_counts(second / "db.sqlite3")
    verified = _cli(second, "audit", "verify")
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, APPLICANT, str(world.application_id), str(world.question_id)],
        env=_env(second),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert restored.returncode == 0, restored.stderr
    assert there == counts | {
        "core.AuditEntry": counts["core.AuditEntry"] + 1,
        "search.Document": there["search.Document"],
    }
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"audit log OK: {there['core.AuditEntry']} entries")
    assert _sqlite_version_checksums(second / "db.sqlite3", second / "datasets") == checksums
    assert probe.stdout.split() == ["200", hashlib.sha256(PDF).hexdigest()], probe.stderr

    # ... and that deployment's own backup, made by its CLI, restores here.
    back = tmp_path / "there.tar.gz"
    made_there = _cli(second, "backup", "-o", str(back))
    assert made_there.returncode == 0, made_there.stderr
    assert domain_rows() == 0
    _point_files_at(settings, tmp_path / "third")

    output = restore(back)

    assert f"restored {sum(row_counts().values()) - 1} rows" in output
    assert download_attachment(world) == (200, PDF)
    assert version_checksums() == checksums
    # One entry for the restore there, one for the restore here; the backup there records
    # itself after its snapshot, so its entry is not in the archive.
    assert row_counts()["core.AuditEntry"] == counts["core.AuditEntry"] + 2


def _point_files_at(settings: Any, root: Path) -> None:
    settings.MEDIA_ROOT = root / "media"
    settings.DATASETS_UPLOAD_DIR = root / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "datasets")},
        },
    }
