from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    # Uploaded files go to a per-test folder; tasks run at once so tests see their effects.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
