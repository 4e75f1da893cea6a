"""The OpenAPI document says what the API does: who may call, which parameters, which errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from datacollab.datasets.models import Upload
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.datasets.factories_ingest import ingest_dirs_fixture  # noqa: F401 - used by name
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

PREFIX = "datacollab_datasets_api_"
JSON = "application/json; charset=utf-8"


def _operations(client: Client) -> dict[str, dict[str, Any]]:
    document = client.get("/api/v1/openapi.json").json()
    return {
        op["operationId"].removeprefix(PREFIX): op
        for item in document["paths"].values()
        for op in item.values()
    }


def _query_names(operation: dict[str, Any]) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


def test_document_lets_anyone_call_the_reading_operations(client):
    operations = _operations(client)

    anyone = sorted(name for name, op in operations.items() if {} in op["security"])

    assert anyone == [
        "datacollab_api_v1_calls_call_get",
        "datacollab_api_v1_calls_call_list",
        "datacollab_api_v1_learnings_learning_get",
        "datacollab_api_v1_learnings_learning_list",
        "datacollab_api_v1_network_cohort_get",
        "datacollab_api_v1_network_cohort_list",
        "datacollab_api_v1_network_organisation_list",
        "datacollab_api_v1_network_report_get",
        "datacollab_api_v1_network_report_list",
        "datacollab_api_v1_sessions_session_get",
        "datacollab_api_v1_sessions_session_list",
        "datacollab_privacy_api_aggregate_examples",
        "datacollab_privacy_api_aggregate_info",
        "dataset_get",
        "dataset_list",
        "version_diff",
        "version_download_csv",
        "version_download_parquet",
        "version_rows",
    ]
    assert operations["upload_create"]["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]
    # Running an aggregate query spends a person's budget: never anonymous.
    assert {} not in operations["datacollab_privacy_api_aggregate_run"]["security"]


def test_document_declares_every_query_parameter(client):
    operations = _operations(client)

    assert _query_names(operations["dataset_list"]) == ["limit", "offset"]
    assert _query_names(operations["version_rows"]) == [
        "limit",
        "offset",
        "sort",
        "fields",
        "filters",
    ]
    assert _query_names(operations["version_diff"]) == ["from", "to"]


def test_document_lists_401_and_422_with_their_json_shapes(client):
    operations = _operations(client)

    for name, operation in operations.items():
        responses = operation["responses"]
        assert {"401", "422"} <= set(responses), name
        assert responses["401"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }
        assert responses["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/InvalidInputOut"
        }


def test_document_requires_the_file_part_of_an_upload(client):
    body = _operations(client)["upload_create"]["requestBody"]["content"]["multipart/form-data"]

    assert body["schema"]["required"] == ["file"]
    assert body["schema"]["properties"]["file"]["format"] == "binary"


def test_non_integer_version_is_a_json_422(client):
    make_version(make_dataset(spectrum="open", slug="air"))

    response = client.get("/api/v1/datasets/air/versions/one/rows")

    assert (response.status_code, response["Content-Type"]) == (422, JSON)
    assert response.json()["error"] == "invalid_input"


def test_unknown_address_under_api_is_a_json_404(client):
    for path in (
        "/api/v1/datasets/a%2Fb/versions/1/rows",
        "/api/v1/nothing-here",
        "/api/v1/datasets/x/y",
    ):
        response = client.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, JSON)
        assert response.json()["error"] == "not_found"
    assert client.post("/api/v1/nothing-here").status_code == 404


def test_anonymous_reads_open_rows_as_the_document_says(client):
    make_version(make_dataset(spectrum="open", slug="air"))

    response = client.get("/api/v1/datasets/air/versions/1/rows?limit=2")

    assert (response.status_code, response.json()["total"]) == (200, 3)


def test_upload_file_part_without_filename_is_accepted(ingest_dirs):
    owner = make_user()
    dataset = make_dataset(owner=make_org(members=[owner]), spectrum="group", slug="pool")
    _, secret = make_token(owner)
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"\r\n\r\n'
        b"id,speed\r\n1,12.5\r\n\r\n--B--\r\n"
    )

    response = Client().generic(
        "POST",
        "/api/v1/datasets/pool/uploads",
        body,
        content_type="multipart/form-data; boundary=B",
        **bearer(secret),
    )

    assert response.status_code == 202
    upload = Upload.objects.get(dataset=dataset)
    assert (upload.original_name, upload.byte_size) == ("upload", len(b"id,speed\r\n1,12.5\r\n"))


def test_upload_with_a_named_file_part_still_works(ingest_dirs):
    owner = make_user()
    make_dataset(owner=make_org(members=[owner]), spectrum="group", slug="pool")
    _, secret = make_token(owner)
    part = SimpleUploadedFile("trips.csv", b"id,speed\n1,12.5\n", content_type="text/csv")

    response = Client().post("/api/v1/datasets/pool/uploads", {"file": part}, **bearer(secret))

    assert (response.status_code, response.json()["original_name"]) == (202, "trips.csv")
