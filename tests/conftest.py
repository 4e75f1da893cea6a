from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    # Uploaded files go to a per-test folder; tasks run at once so tests see their effects.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Dataset versions and uploads, too, never land in the developer's var/.
    settings.DATASETS_UPLOAD_DIR = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "datasets")},
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Signed audit checkpoints, too (core/audit_checkpoints.py).
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    # Kept copies of versions on S3 (datasets/kept_copies.py).
    settings.DATASETS_S3_CACHE_DIR = tmp_path / "kept-versions"


@pytest.fixture
def convener(db):
    return factories.make_user(email="convener@example.org", roles=["convener"])


@pytest.fixture
def reviewer(db):
    return factories.make_user(email="reviewer@example.org", roles=["reviewer"])


@pytest.fixture
def applicant(db):
    return factories.make_user(email="applicant@example.org", roles=["participant"])


@pytest.fixture
def login():
    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


_triggers = importlib.import_module("datacollab.core.migrations.0002_audit_append_only")
_themes = importlib.import_module("datacollab.learnings.migrations.0002_programme_themes")


def _run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture
def audit_triggers_lifted(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Lift the audit log's append-only triggers around a transactional test.

    Such a test ends by emptying every table, which the triggers refuse. Request this fixture
    BEFORE `transactional_db` or `live_server` so the triggers come back after that flush.
    """
    vendor = connection.vendor
    with django_db_blocker.unblock():
        _run_sql(_triggers.SQLITE_REVERSE if vendor == "sqlite" else _triggers.POSTGRES_REVERSE)
    yield
    with django_db_blocker.unblock():
        _run_sql(_triggers.SQLITE if vendor == "sqlite" else _triggers.POSTGRES)
        # The closing flush also emptied the rows that migrations seed (the programme's
        # themes); put them back so tests that run later in this process see a migrated DB.
        _themes.add_themes(django_apps, None)
        connection.close()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Spanish leaves Spanish active in the thread (LocaleMiddleware activates,
    nothing deactivates): without this, a later test calling a service outside any request
    reads its messages in whatever language the last request chose."""
    yield
    translation.deactivate()
