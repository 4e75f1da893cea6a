"""Uploads through the API: POST /api/v1/datasets/{slug}/uploads, its status and list endpoints."""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from datacollab.api.services.tokens import revoke_token
from datacollab.core.models import AuditEntry
from datacollab.datasets.models import DatasetVersion, Upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    upload_bytes,
)
from tests.datasets.hostile import corpus
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token

pytestmark = pytest.mark.django_db

CSV = b"id,vehicle,speed\n1,bike-1,12.5\n2,bike-2,20.0\n3,bike-3,7.25\n"


def _url(dataset) -> str:
    return f"/api/v1/datasets/{dataset.slug}/uploads"


def _parquet() -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"station": ["north", "south"], "pm25": [12.5, 8.0]}), buffer)
    return buffer.getvalue()


@pytest.fixture
def owner_token(ingest_dirs):
    owner, dataset = owner_and_dataset(spectrum="group")
    _, secret = make_token(owner)
    return owner, dataset, secret


def _post(client, dataset, secret, data: dict, capture) -> object:
    with capture(execute=True):
        return client.post(_url(dataset), data, **(bearer(secret) if secret else {}))


def test_upload_csv_with_a_token_makes_a_draft_then_publish_makes_a_version(
    owner_token, django_capture_on_commit_callbacks
):
    owner, dataset, secret = owner_token
    client = Client()
    response = _post(
        client,
        dataset,
        secret,
        {"file": SimpleUploadedFile("bikes.csv", CSV)},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 202
    created = response.json()
    assert (created["status"], created["original_name"], created["byte_size"]) == (
        "received",
        "bikes.csv",
        len(CSV),
    )
    status = client.get(created["url"], **bearer(secret))
    assert status.status_code == 200
    draft = status.json()
    assert (draft["status"], draft["version"], draft["actions"]) == (
        "draft",
        None,
        ["publish", "reparse", "discard"],
    )
    assert draft["preview"] == {
        "header": ["id", "vehicle", "speed"],
        "rows": [["1", "bike-1", "12.5"], ["2", "bike-2", "20.0"], ["3", "bike-3", "7.25"]],
        "row_count": 3,
    }
    assert (draft["checked_against_version"], draft["schema_changes"]) == (None, None)
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 0
    published = client.post(created["url"] + "/publish", **bearer(secret))
    assert published.status_code == 201
    body = published.json()
    assert (body["status"], body["actions"]) == ("published", [])
    assert body["detected"] == {
        "format": "csv",
        "compression": None,
        "encoding": "utf-8",
        "delimiter": ",",
        "sheet": None,
    }
    assert body["validation"] == {"valid": True, "error_count": 0, "errors": []}
    assert body["version"] == {
        "number": 1,
        "row_count": 3,
        "rows_url": f"http://testserver/api/v1/datasets/{dataset.slug}/versions/1/rows",
    }
    assert body["refusal"] is None
    version = DatasetVersion.objects.get(dataset=dataset)
    assert (version.created_by, version.source_name) == (owner, "bikes.csv")
    actions = list(
        AuditEntry.objects.filter(object_id=str(dataset.pk), action__startswith="dataset.")
        .order_by("seq")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("dataset.upload_received", owner.pk),
        ("dataset.upload_parsed", owner.pk),
        ("dataset.version_published", owner.pk),
    ]
    rows = client.get(body["version"]["rows_url"], **bearer(secret)).json()
    assert rows["rows"][0] == {"id": 1, "vehicle": "bike-1", "speed": 12.5}


def test_upload_parquet_with_a_token_publishes_a_version(
    owner_token, django_capture_on_commit_callbacks
):
    _, dataset, secret = owner_token
    response = _post(
        Client(),
        dataset,
        secret,
        {"file": SimpleUploadedFile("air.parquet", _parquet())},
        django_capture_on_commit_callbacks,
    )
    upload = Upload.objects.get(pk=response.json()["id"])
    assert (upload.status, upload.detected["format"]) == (Upload.Status.DRAFT, "parquet")
    published = Client().post(response.json()["url"] + "/publish", **bearer(secret))
    assert published.status_code == 201
    assert DatasetVersion.objects.get(dataset=dataset).row_count == 2


def test_upload_with_a_schema_validates_against_it(owner_token, django_capture_on_commit_callbacks):
    _, dataset, secret = owner_token
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "vehicle", "type": "string"},
            {"name": "speed", "type": "number", "constraints": {"maximum": 15}},
        ]
    }
    response = _post(
        Client(),
        dataset,
        secret,
        {"file": SimpleUploadedFile("bikes.csv", CSV), "schema": json.dumps(schema)},
        django_capture_on_commit_callbacks,
    )
    assert response.json()["schema_given"] is True
    body = Client().get(response.json()["url"], **bearer(secret)).json()
    assert body["status"] == "invalid"
    assert body["version"] is None
    assert body["validation"]["valid"] is False
    assert body["validation"]["error_count"] == 1
    error = body["validation"]["errors"][0]
    assert (error["type"], error["rowNumber"], error["fieldName"]) == (
        "constraint-error",
        3,
        "speed",
    )
    assert Upload.objects.get(pk=body["id"]).schema == schema


def test_upload_with_unusable_schema_is_refused_before_storing(owner_token):
    _, dataset, secret = owner_token
    data = {"file": SimpleUploadedFile("bikes.csv", CSV), "schema": '{"fields": []}'}
    response = Client().post(_url(dataset), data, **bearer(secret))
    assert response.status_code == 400
    assert response.json() == {
        "error": "refused",
        "message": "The schema cannot be used: the schema must have a non-empty `fields` list.",
        "parameter": "schema",
        "action": None,
    }
    assert Upload.objects.count() == 0


def test_upload_with_schema_that_is_not_json_is_refused(owner_token):
    _, dataset, secret = owner_token
    data = {"file": SimpleUploadedFile("bikes.csv", CSV), "schema": "{fields"}
    response = Client().post(_url(dataset), data, **bearer(secret))
    assert response.status_code == 400
    assert response.json()["parameter"] == "schema"
    assert response.json()["message"].startswith("The schema is not valid JSON:")


def test_upload_of_a_bad_file_ends_in_a_readable_refusal(
    owner_token, ingest_dirs, django_capture_on_commit_callbacks
):
    _, dataset, secret = owner_token
    data = corpus.fake_parquet(ingest_dirs).read_bytes()
    response = _post(
        Client(),
        dataset,
        secret,
        {"file": SimpleUploadedFile("fake.parquet", data)},
        django_capture_on_commit_callbacks,
    )
    body = Client().get(response.json()["url"], **bearer(secret)).json()
    assert (body["status"], body["status_label"], body["version"]) == ("failed", "Refused", None)
    assert body["refusal"].startswith("The file is named .parquet but is not a Parquet")
    assert DatasetVersion.objects.count() == 0


def test_upload_too_large_is_413_and_stores_nothing(owner_token, settings):
    _, dataset, secret = owner_token
    settings.DATASETS_MAX_UPLOAD_BYTES = 1000
    data = {"file": SimpleUploadedFile("big.csv", b"a,b\n" + b"1,2\n" * 500)}
    response = Client().post(_url(dataset), data, **bearer(secret))
    assert response.status_code == 413
    assert response.json() == {
        "error": "too_large",
        "message": "The file is larger than the upload limit of 1000 bytes. Compress it "
        "(.csv.gz), split it, or ask the operator to raise DATASETS_MAX_UPLOAD_BYTES.",
        "parameter": None,
        "action": None,
    }
    assert Upload.objects.count() == 0
    assert list((settings.DATASETS_UPLOAD_DIR).glob("**/*.csv*")) == []


def test_upload_without_a_file_is_400(owner_token):
    _, dataset, secret = owner_token
    response = Client().post(_url(dataset), {"schema": ""}, **bearer(secret))
    assert response.status_code == 400
    assert response.json()["parameter"] == "file"


def test_upload_of_an_empty_file_is_400(owner_token):
    _, dataset, secret = owner_token
    data = {"file": SimpleUploadedFile("empty.csv", b"")}
    response = Client().post(_url(dataset), data, **bearer(secret))
    assert (response.status_code, response.json()["message"]) == (400, "The file is empty.")


def test_upload_refused_to_a_reader_who_is_not_an_owner(ingest_dirs):
    _, dataset = owner_and_dataset(spectrum="open")
    reader = make_user()
    make_org(members=[reader])
    _, secret = make_token(reader)
    data = {"file": SimpleUploadedFile("bikes.csv", CSV)}
    response = Client().post(_url(dataset), data, **bearer(secret))
    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "message": "Only members of the owning organisation may upload data.",
        "parameter": None,
        "action": None,
    }
    assert Upload.objects.count() == 0


def test_upload_to_a_dataset_the_caller_may_not_see_is_404(ingest_dirs):
    _, dataset = owner_and_dataset(spectrum="closed")
    _, secret = make_token(make_user())
    data = {"file": SimpleUploadedFile("bikes.csv", CSV)}
    response = Client().post(_url(dataset), data, **bearer(secret))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert dataset.title not in response.text


def test_upload_with_a_revoked_token_is_401(owner_token):
    owner, dataset, secret = owner_token
    revoke_token(actor=owner, token_id=owner.api_tokens.get().pk)
    data = {"file": SimpleUploadedFile("bikes.csv", CSV)}
    response = Client().post(_url(dataset), data, **bearer(secret))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert Upload.objects.count() == 0


def test_upload_anonymous_is_401(ingest_dirs):
    _, dataset = owner_and_dataset(spectrum="open")
    data = {"file": SimpleUploadedFile("bikes.csv", CSV)}
    response = Client().post(_url(dataset), data)
    assert response.status_code == 401
    assert response.json() == {
        "error": "login_required",
        "message": "Log in, or send a personal API token: Authorization: Bearer <token>.",
        "parameter": None,
        "action": None,
    }
    assert Upload.objects.count() == 0


def test_upload_with_the_session_and_csrf_header(owner_token):
    owner, dataset, _ = owner_token
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    client.get("/datasets/")  # any page sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    data = {"file": SimpleUploadedFile("bikes.csv", CSV)}
    response = client.post(_url(dataset), data, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 202


def test_upload_status_of_another_dataset_is_404(owner_token):
    _, dataset, secret = owner_token
    other_owner, other = owner_and_dataset()
    upload = upload_bytes(actor=other_owner, dataset=other, data=CSV)
    response = Client().get(f"{_url(dataset)}/{upload.pk}", **bearer(secret))
    assert response.status_code == 404
    assert response.json()["message"] == "There is no such upload."


def test_upload_status_refused_to_a_reader_who_is_not_an_owner(ingest_dirs):
    owner, dataset = owner_and_dataset(spectrum="open")
    upload = upload_bytes(actor=owner, dataset=dataset, data=CSV)
    _, secret = make_token(make_user())
    response = Client().get(f"{_url(dataset)}/{upload.pk}", **bearer(secret))
    assert response.status_code == 403


def test_upload_list_shows_recent_uploads_in_few_queries(
    owner_token, django_assert_max_num_queries
):
    owner, dataset, secret = owner_token
    for n in range(6):
        upload_bytes(actor=owner, dataset=dataset, data=CSV, name=f"part-{n}.csv")
    client = Client()
    with django_assert_max_num_queries(8):
        response = client.get(_url(dataset), **bearer(secret))
    body = response.json()
    assert body["count"] == 6
    assert [u["original_name"] for u in body["results"]] == [
        f"part-{n}.csv" for n in range(5, -1, -1)
    ]


def test_dataset_list_api_in_few_queries(ingest_dirs, django_assert_max_num_queries):
    owner, _ = owner_and_dataset(spectrum="open")
    for _ in range(8):
        owner_and_dataset(spectrum="open")
    _, secret = make_token(owner)
    with django_assert_max_num_queries(8):
        response = Client().get("/api/v1/datasets/", **bearer(secret))
    assert response.json()["count"] == 9


# --- drafts: the report against the current schema, publish and reparse (issue 11) ----------


def test_api_gap1_upload_answers_with_the_report_and_publish_refuses_it(
    owner_token, django_capture_on_commit_callbacks
):
    from tests.datasets.test_upload_drafts import CURATED, publish_curated, trips_csv

    owner, dataset, secret = owner_token
    publish_curated(owner, dataset)
    data = trips_csv(301, bad={12: ("12", "r3", "four km"), 200: ("7", "r1", "2.5")})
    response = _post(
        Client(),
        dataset,
        secret,
        {"file": SimpleUploadedFile("may.csv", data)},
        django_capture_on_commit_callbacks,
    )
    body = Client().get(response.json()["url"], **bearer(secret)).json()
    assert (body["status"], body["checked_against_version"], body["actions"]) == (
        "invalid",
        1,
        ["reparse", "discard"],
    )
    assert body["draft_schema"] == CURATED
    assert [(e["type"], e["fieldName"], e["cell"]) for e in body["validation"]["errors"]] == [
        ("type-error", "distance_km", "four km"),
        ("unique-error", "trip_id", "7"),
    ]
    refused = Client().post(response.json()["url"] + "/publish", **bearer(secret))
    assert refused.status_code == 409
    assert refused.json()["message"].startswith("This draft does not meet the dataset's schema")
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1


def test_api_schema_change_is_published_only_when_accepted(
    owner_token, django_capture_on_commit_callbacks
):
    from tests.datasets.test_upload_drafts import publish_curated

    owner, dataset, secret = owner_token
    publish_curated(owner, dataset)
    data = b"trip_id,rider,distance_km,weather\n1,a,2.5,dry\n"
    response = _post(
        Client(),
        dataset,
        secret,
        {"file": SimpleUploadedFile("wider.csv", data)},
        django_capture_on_commit_callbacks,
    )
    url = response.json()["url"]
    body = Client().get(url, **bearer(secret)).json()
    assert body["schema_changes"] == {
        "added": ["weather"],
        "removed": [],
        "reordered": False,
        "dropped_keys": [],
        "replaced": False,
    }
    assert Client().post(url + "/publish", **bearer(secret)).status_code == 409
    accepted = Client().post(url + "/publish", {"accept_schema_change": "true"}, **bearer(secret))
    assert (accepted.status_code, accepted.json()["version"]["number"]) == (201, 2)


def test_api_gap2_upload_with_a_delimiter_and_reparse_with_an_encoding(
    owner_token, django_capture_on_commit_callbacks
):
    from tests.datasets.test_upload_drafts import SEMICOLONS, latin1_file

    _, dataset, secret = owner_token
    response = _post(
        Client(),
        dataset,
        secret,
        {"file": SimpleUploadedFile("rain.csv", SEMICOLONS), "delimiter": ";"},
        django_capture_on_commit_callbacks,
    )
    body = Client().get(response.json()["url"], **bearer(secret)).json()
    assert (body["status"], body["corrections"], body["preview"]["header"]) == (
        "draft",
        {"delimiter": ";"},
        ["station", "rain, mm"],
    )

    response = _post(
        Client(),
        dataset,
        secret,
        {"file": SimpleUploadedFile("names.csv", latin1_file())},
        django_capture_on_commit_callbacks,
    )
    url = response.json()["url"]
    assert Client().get(url, **bearer(secret)).json()["status"] == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        reparsed = Client().post(url + "/reparse", {"encoding": "latin-1"}, **bearer(secret))
    assert (reparsed.status_code, reparsed.json()["corrections"]) == (202, {"encoding": "latin-1"})
    body = Client().get(url, **bearer(secret)).json()
    assert (body["status"], body["detected"]["encoding"]) == ("draft", "latin-1")


def test_api_reparse_refuses_an_unknown_encoding_and_publish_a_stranger(
    owner_token, django_capture_on_commit_callbacks
):
    _owner, dataset, secret = owner_token
    response = _post(
        Client(),
        dataset,
        secret,
        {"file": SimpleUploadedFile("bikes.csv", CSV)},
        django_capture_on_commit_callbacks,
    )
    url = response.json()["url"]
    bad = Client().post(url + "/reparse", {"encoding": "klingon"}, **bearer(secret))
    assert (bad.status_code, bad.json()["parameter"]) == (400, "encoding")
    _, stranger_secret = make_token(make_user())
    assert Client().post(url + "/publish", **bearer(stranger_secret)).status_code == 404
    discarded = Client().post(url + "/discard", **bearer(secret))
    assert (discarded.status_code, discarded.json()["status"]) == (200, "discarded")
    assert Client().post(url + "/publish", **bearer(secret)).status_code == 409
