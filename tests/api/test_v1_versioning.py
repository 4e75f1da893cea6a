"""/api/v1/ is the API; the unversioned /api/ of before redirects there (308, method and body
kept) with a deprecation notice; every refusal under /api/v1/ is JSON, 404 and 405 included."""

from __future__ import annotations

import pytest
from django.test import Client

from datacollab.core.models import AuditEntry
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

JSON = "application/json; charset=utf-8"
DEPRECATION = "@1796515200"  # 2026-12-06T00:00:00Z


def test_old_get_redirects_to_v1_keeping_the_query_string():
    response = Client().get("/api/datasets/air/versions/1/rows?limit=2&sort=-pm25")

    assert response.status_code == 308
    assert response["Location"] == "/api/v1/datasets/air/versions/1/rows?limit=2&sort=-pm25"
    assert response["Deprecation"] == DEPRECATION
    assert response["Link"] == (
        "<http://testserver/api/v1/datasets/air/versions/1/rows?limit=2&sort=-pm25>; "
        'rel="successor-version", <http://testserver/api/v1/docs>; rel="deprecation"'
    )


def test_old_get_followed_answers_what_v1_answers():
    make_version(make_dataset(spectrum="open", slug="air"))

    response = Client().get("/api/datasets/air/versions/1/rows", {"limit": "1"}, follow=True)

    assert response.redirect_chain == [("/api/v1/datasets/air/versions/1/rows?limit=1", 308)]
    assert response.json()["rows"] == [{"station": "north", "pm25": 12.5}]


def test_old_post_redirects_with_308_so_the_client_repeats_the_post():
    owner = make_user()
    make_dataset(owner=make_org(members=[owner]), spectrum="group", slug="pool")
    secret = make_token(owner)[1]

    response = Client().post(
        "/api/privacy/datasets/pool/aggregate",
        {},
        content_type="application/json",
        **bearer(secret),
    )

    assert (response.status_code, response["Location"]) == (
        308,
        "/api/v1/privacy/datasets/pool/aggregate",
    )
    assert response["Deprecation"] == DEPRECATION


def test_old_docs_address_redirects_to_the_v1_docs():
    response = Client().get("/api/docs")

    assert (response.status_code, response["Location"]) == (308, "/api/v1/docs")


def test_v1_docs_and_document_are_served():
    document = Client().get("/api/v1/openapi.json").json()

    assert document["openapi"] == "3.1.0"
    assert Client().get("/api/v1/docs").status_code == 200
    assert "/api/v1/datasets/{slug}/versions/{version}/download.csv" in document["paths"]
    assert "/api/v1/cohorts" in document["paths"]


def test_method_not_allowed_is_json_with_allow():
    response = Client().delete("/api/v1/datasets/")

    assert (response.status_code, response["Content-Type"]) == (405, JSON)
    assert response["Allow"] == "GET"
    assert response.json() == {
        "error": "method_not_allowed",
        "message": "DELETE is not allowed here; allowed: GET.",
    }


def test_unknown_v1_address_is_json_404_for_any_method():
    for method in ("get", "post", "put", "delete"):
        response = getattr(Client(), method)("/api/v1/no/such/thing")
        assert (response.status_code, response["Content-Type"]) == (404, JSON)
        assert response.json()["error"] == "not_found"


def test_open_csv_download_needs_no_account_and_is_not_audited():
    make_version(make_dataset(spectrum="open", slug="air"))

    response = Client().get("/api/v1/datasets/air/versions/1/download.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="air-v1.csv"'
    assert b"".join(response.streaming_content) == (
        b'"station","pm25"\n"north",12.5\n"south",8\n"east",15.25\n'
    )
    assert AuditEntry.objects.filter(action="dataset.accessed").count() == 0


def test_group_parquet_download_is_audited_for_a_member():
    owner = make_user()
    org = make_org(members=[owner])
    dataset = make_dataset(
        owner=org, spectrum="group", slug="pool", collaboration=make_collaboration(lead=org)
    )
    version = make_version(dataset)
    secret = make_token(owner)[1]

    response = Client().get("/api/v1/datasets/pool/versions/1/download.parquet", **bearer(secret))

    assert (response.status_code, response["Content-Type"]) == (
        200,
        "application/vnd.apache.parquet",
    )
    body = b"".join(response.streaming_content)
    assert len(body) == version.byte_size
    entry = AuditEntry.objects.get(action="dataset.accessed")
    assert entry.details == {"channel": "api.download.parquet", "version": 1}


def test_download_refusals_are_json_and_tell_nothing_of_unseen_data():
    owner = make_user()
    org = make_org(members=[owner])
    make_version(make_dataset(owner=org, spectrum="closed", slug="internal"))
    make_version(make_dataset(owner=org, spectrum="group", slug="pool", listed=True))
    outsider = Client()
    outsider.force_login(make_user())

    closed = outsider.get("/api/v1/datasets/internal/versions/1/download.csv")
    group = outsider.get("/api/v1/datasets/pool/versions/1/download.csv")
    anonymous = Client().get("/api/v1/datasets/pool/versions/1/download.parquet")

    assert (closed.status_code, closed.json()["error"]) == (404, "not_found")
    assert (group.status_code, group.json()["error"]) == (403, "forbidden")
    assert (anonymous.status_code, anonymous.json()["error"]) == (404, "not_found")
    assert AuditEntry.objects.filter(action="dataset.accessed").count() == 0
