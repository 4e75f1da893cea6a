"""Every private upload is stored under an unguessable key and served the one safe way."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.files import FieldFile

from datacollab.core.errors import NotFound
from datacollab.core.private_files import private_file_response, private_key

# FileFields that may keep a guessable key, each with the reason it is not private.
PUBLIC_FILE_FIELDS = {
    # A published report's frozen PDF: published to everyone, and read into the report view's
    # response by the service (no URL serves MEDIA_ROOT), so its key is never shown anyway.
    "reports.ReportRevision.pdf": "published report, public by publication",
}
UNGUESSABLE = re.compile(r"private/[a-z-]+/[A-Za-z0-9_-]{43}/budget\.pdf")


def _file_fields() -> list[tuple[str, models.FileField]]:
    return [
        (f"{model._meta.app_label}.{model.__name__}.{field.name}", field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


def test_every_file_field_stores_under_an_unguessable_private_key():
    guessable = {}
    for label, field in _file_fields():
        if label in PUBLIC_FILE_FIELDS:
            continue
        upload_to = field.upload_to
        keys = [upload_to(None, "budget.pdf") for _ in range(2)] if callable(upload_to) else []
        if not (keys and all(UNGUESSABLE.fullmatch(key) for key in keys) and keys[0] != keys[1]):
            guessable[label] = keys or upload_to
    assert guessable == {}


def test_allow_list_names_only_fields_that_exist():
    assert set(PUBLIC_FILE_FIELDS) - {label for label, _field in _file_fields()} == set()


def test_private_key_is_random_per_upload_and_keeps_a_safe_name():
    first, second = private_key("learnings", "../../etc/passwd"), private_key("learnings", "x")

    assert (
        bool(re.fullmatch(r"private/learnings/[A-Za-z0-9_-]{43}/passwd", first)),
        first.split("/")[2] != second.split("/")[2],
    ) == (True, True)


def _stored(name: str, content: bytes) -> FieldFile:
    field = models.FileField(name="file")
    return FieldFile(
        None, field, default_storage.save(private_key("tests", name), ContentFile(content))
    )


def test_private_file_response_is_a_download_that_is_never_sniffed_nor_cached():
    response = private_file_response(
        _stored("budget.pdf", b"%PDF-1.7"),
        filename="Budget été.pdf",
        content_type="application/pdf",
    )

    assert (
        response["Content-Disposition"],
        response["Content-Type"],
        response["X-Content-Type-Options"],
        response["Cache-Control"],
        b"".join(response.streaming_content),
    ) == (
        "attachment; filename*=utf-8''Budget%20%C3%A9t%C3%A9.pdf",
        "application/pdf",
        "nosniff",
        "private, no-store",
        b"%PDF-1.7",
    )


def test_private_file_response_with_accel_redirect_leaves_the_bytes_to_the_web_server(settings):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    stored = _stored("budget.pdf", b"%PDF-1.7")

    response = private_file_response(stored, filename="budget.pdf", content_type="application/pdf")

    assert (
        response["X-Accel-Redirect"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
        response["Cache-Control"],
        response.content,
    ) == (
        f"/_private/{stored.name}",
        'attachment; filename="budget.pdf"',
        "nosniff",
        "private, no-store",
        b"",
    )


def test_private_file_response_for_a_file_missing_from_storage_is_not_found():
    field = models.FileField(name="file")

    with pytest.raises(NotFound):
        private_file_response(
            FieldFile(None, field, "private/tests/gone/budget.pdf"),
            filename="budget.pdf",
            content_type="application/pdf",
        )
