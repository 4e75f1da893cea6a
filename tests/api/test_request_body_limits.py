"""Red-team finding 3, replayed over HTTP: a form body past Django's limits is a JSON refusal.

The replay of the schema attack with a field just past DATA_UPLOAD_MAX_MEMORY_SIZE (10 MiB)
or with thousands of form fields answered 500 (ninja's traceback page under DEBUG): Django
raises while the CSRF check or ninja's parameters read the body, before any view code runs.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from datacollab.datasets.models import Upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
)
from tests.factories_api import bearer, make_token

CSV = b"id,vehicle\n1,bike-1\n"


@pytest.fixture(params=["session", "token"])
def upload_client(request, db, ingest_dirs, settings):
    settings.DEBUG = True  # ninja answers an unhandled exception with a 500 only under DEBUG
    owner, dataset = owner_and_dataset(spectrum="group")
    client = Client(enforce_csrf_checks=True)
    headers: dict[str, str] = {}
    if request.param == "session":
        client.force_login(owner)
        client.get(f"/datasets/{dataset.slug}/")  # sets the CSRF cookie
        headers = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    else:
        headers = bearer(make_token(owner)[1])
    return client, dataset, headers


def test_upload_with_a_schema_field_past_the_body_limit_is_413_json(upload_client, settings):
    client, dataset, headers = upload_client
    schema = " " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    data = {"file": SimpleUploadedFile("bikes.csv", CSV), "schema": schema}
    response = client.post(f"/api/v1/datasets/{dataset.slug}/uploads", data, **headers)
    assert (response.status_code, response.json()) == (
        413,
        {
            "error": "request_too_large",
            "message": "The form fields of this request are more than 10485760 bytes: "
            "send data as a file part (multipart “file”), not as a field.",
        },
    )
    assert Upload.objects.count() == 0


def test_upload_with_5000_form_fields_is_400_json(upload_client):
    client, dataset, headers = upload_client
    data = {f"x{i}": "1" for i in range(5_000)} | {"file": SimpleUploadedFile("b.csv", CSV)}
    response = client.post(f"/api/v1/datasets/{dataset.slug}/uploads", data, **headers)
    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "too_many_fields",
            "message": "This request has more form fields or files than the API reads.",
        },
    )
    assert Upload.objects.count() == 0
