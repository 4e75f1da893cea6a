"""The rows API: its query layer (datasets/rows.py) and the endpoints under /api/v1/datasets/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from datacollab.core.models import AuditEntry
from datacollab.datasets.models import Dataset, Spectrum
from datacollab.datasets.rows import QueryError, dumps, fetch_rows, parse_query
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import accept, make_agreement, make_collaboration, make_dataset

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "firm", "type": "string"},
        {"name": "speed", "type": "number"},
        {"name": "day", "type": "date"},
        {"name": "at", "type": "datetime"},
        {"name": "ok", "type": "boolean"},
        {"name": "odd name", "type": "string"},
    ],
    "primaryKey": ["id"],
}


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    path = tmp_path / "v1.parquet"
    table = pa.table(
        {
            "id": [1, 2, 3, 4, 5],
            "firm": ["Data Cargo", "Velo", "Data Cargo", None, "Pedal & Co"],
            "speed": [12.5, 20.0, 7.25, 15.0, 20.0],
            "day": [dt.date(2024, 5, d) for d in (1, 2, 3, 4, 5)],
            "at": [dt.datetime(2024, 5, d, 8, 30) for d in (1, 2, 3, 4, 5)],
            "ok": [True, False, True, None, True],
            "odd name": ["a", "b", "c", "d", "e"],
        }
    )
    pq.write_table(table, path)
    return path


def _q(**params: str) -> dict[str, list[str]]:
    return {k: [v] for k, v in params.items()}


def _ids(parquet: Path, params: dict[str, list[str]]) -> list[int]:
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, params))
    return [row["id"] for row in page.rows]


def test_fetch_rows_defaults_all_fields_in_file_order(parquet):
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, {}))
    assert page.total == 5
    assert page.fields == ["id", "firm", "speed", "day", "at", "ok", "odd name"]
    # As the API writes it (datasets/rows.py `dumps`): dates and times in ISO 8601.
    assert json.loads(dumps(page.rows))[0] == {
        "id": 1,
        "firm": "Data Cargo",
        "speed": 12.5,
        "day": "2024-05-01",
        "at": "2024-05-01T08:30:00",
        "ok": True,
        "odd name": "a",
    }


def test_fetch_rows_pages_with_limit_and_offset(parquet):
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, _q(limit="2", offset="2")))
    assert (page.total, [r["id"] for r in page.rows]) == (5, [3, 4])


def test_fetch_rows_sorts_descending_then_ascending_with_file_order_breaking_ties(parquet):
    assert _ids(parquet, _q(sort="-speed,id")) == [2, 5, 4, 1, 3]
    assert _ids(parquet, _q(sort="speed")) == [3, 1, 4, 2, 5]


def test_fetch_rows_selects_fields(parquet):
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, _q(fields="odd name,id", limit="1")))
    assert page.fields == ["odd name", "id"]
    assert page.rows == [{"odd name": "a", "id": 1}]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (_q(firm="Data Cargo"), [1, 3]),
        (_q(firm__ne="Data Cargo"), [2, 4, 5]),
        (_q(speed__gt="12.5"), [2, 4, 5]),
        (_q(speed__gte="12.5"), [1, 2, 4, 5]),
        (_q(speed__lt="12.5"), [3]),
        (_q(speed__lte="12.5"), [1, 3]),
        (_q(firm__contains="&"), [5]),
        (_q(id__in="2,4,9"), [2, 4]),
        (_q(day__gte="2024-05-04"), [4, 5]),
        (_q(at__lt="2024-05-02T08:30:00"), [1]),
        (_q(ok="false"), [2]),
        (_q(id__eq="3"), [3]),
        ({"speed__gt": ["10"], "speed__lt": ["16"]}, [1, 4]),
    ],
)
def test_fetch_rows_filters_by_typed_value(parquet, params, expected):
    assert _ids(parquet, params) == expected


def test_fetch_rows_filters_and_sorts_yearmonth_text(tmp_path):
    path = tmp_path / "ym.parquet"
    pq.write_table(pa.table({"m": ["2023-12", "2024-01", "2024-11", None]}), path)
    schema = {"fields": [{"name": "m", "type": "yearmonth"}]}
    page = fetch_rows(path, schema, parse_query(schema, _q(m__gte="2024-01", sort="-m")))
    assert page.rows == [{"m": "2024-11"}, {"m": "2024-01"}]
    with pytest.raises(QueryError) as caught:
        parse_query(schema, _q(m="2024-13"))
    assert caught.value.message == (
        "m: “2024-13” is not a valid yearmonth for column m (e.g. 2024-05)."
    )


def test_fetch_rows_treats_an_injection_attempt_as_a_plain_value(parquet):
    params = _q(firm="x' OR '1'='1", fields="id")
    page = fetch_rows(parquet, SCHEMA, parse_query(SCHEMA, params))
    assert (page.total, page.rows) == (0, [])


def test_parse_query_refuses_a_column_name_carrying_sql():
    with pytest.raises(QueryError) as caught:
        parse_query(SCHEMA, _q(sort='id; DROP TABLE x; --"'))
    assert caught.value.parameter == "sort"


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        (
            _q(colour="red"),
            "colour",
            "Unknown column “colour”. Columns: id, firm, speed, day, at, ok, odd name.",
        ),
        (
            _q(speed__like="1"),
            "speed__like",
            "Unknown operator “like” in speed__like. Operators: eq, ne, gt, gte, lt, lte, "
            "contains, in.",
        ),
        (_q(id="two"), "id", "id: “two” is not a whole number (column id)."),
        (
            _q(speed__gt="fast"),
            "speed__gt",
            "speed__gt: “fast” is not a valid number for column speed (e.g. 3.25).",
        ),
        (
            _q(speed="nan"),
            "speed",
            "speed: “nan” is not a valid number for column speed (e.g. 3.25).",
        ),
        (
            _q(day="2024-02-30"),
            "day",
            "day: “2024-02-30” is not a valid date for column day (e.g. 2024-05-31).",
        ),
        (
            _q(ok="perhaps"),
            "ok",
            "ok: “perhaps” is not a valid boolean for column ok (e.g. true).",
        ),
        (
            _q(speed__contains="1"),
            "speed__contains",
            "speed__contains: “contains” works on text columns only; speed is number.",
        ),
        (_q(limit="1001"), "limit", "limit must be between 1 and 1000."),
        (_q(limit="0"), "limit", "limit must be between 1 and 1000."),
        (
            _q(fields="id,secret"),
            "fields",
            "fields: unknown column “secret”. Columns: id, firm, speed, day, at, ok, odd name.",
        ),
        (
            _q(sort="-secret"),
            "sort",
            "sort: unknown column “secret”. Columns: id, firm, speed, day, at, ok, odd name.",
        ),
        ({"limit": ["1", "2"]}, "limit", "Give limit once."),
    ],
)
def test_parse_query_refuses_bad_input_naming_the_parameter(params, parameter, message):
    with pytest.raises(QueryError) as caught:
        parse_query(SCHEMA, params)
    assert (caught.value.parameter, caught.value.message) == (parameter, message)


def test_parse_query_refuses_a_negative_offset():
    with pytest.raises(QueryError) as caught:
        parse_query(SCHEMA, _q(offset="-1"))
    assert (caught.value.parameter, caught.value.message) == (
        "offset",
        "offset cannot be negative.",
    )


# The endpoints -----------------------------------------------------------------------------

COLUMNS = {
    "id": [1, 2, 3, 4, 5],
    "firm": ["Data Cargo", "Velo", "Data Cargo", None, "Pedal & Co"],
    "speed": [12.5, 20.0, 7.25, 15.0, 20.0],
    "day": [dt.date(2024, 5, d) for d in (1, 2, 3, 4, 5)],
    "at": [dt.datetime(2024, 5, d, 8, 30) for d in (1, 2, 3, 4, 5)],
    "ok": [True, False, True, None, True],
    "odd name": ["a", "b", "c", "d", "e"],
}
ROWS = "/api/v1/datasets/fleet/versions/1/rows"


def _fleet(**fields: Any) -> Dataset:
    fields.setdefault("spectrum", Spectrum.OPEN)
    dataset = make_dataset(slug="fleet", title="Fleet", **fields)
    make_version(dataset, COLUMNS, SCHEMA)
    return dataset


def _accessed() -> list[tuple[str, dict[str, Any]]]:
    return [
        (e.actor_label, e.details)
        for e in AuditEntry.objects.filter(action="dataset.accessed").order_by("seq")
    ]


def _error(parameter: str | None, message: str, code: str = "bad_query", action=None) -> dict:
    return {"error": code, "message": message, "parameter": parameter, "action": action}


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_rows_endpoint_answers_a_page_with_the_next_link():
    _fleet()
    response = Client().get(ROWS, {"limit": "2", "sort": "-speed", "fields": "id,speed"})
    assert response.status_code == 200
    assert response.json() == {
        "dataset": "fleet",
        "version": 1,
        "total": 5,
        "limit": 2,
        "offset": 0,
        "fields": ["id", "speed"],
        "rows": [{"id": 2, "speed": 20.0}, {"id": 5, "speed": 20.0}],
        "next": f"http://testserver{ROWS}?limit=2&sort=-speed&fields=id%2Cspeed&offset=2",
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_rows_endpoint_last_page_has_no_next_and_dates_are_iso():
    _fleet()
    body = Client().get(ROWS, {"offset": "3", "day__gte": "2024-05-02"}).json()
    assert (body["total"], body["next"]) == (4, None)
    assert body["rows"] == [
        {
            "id": 5,
            "firm": "Pedal & Co",
            "speed": 20.0,
            "day": "2024-05-05",
            "at": "2024-05-05T08:30:00",
            "ok": True,
            "odd name": "e",
        }
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"colour": "red"},
            _error(
                "colour",
                "Unknown column “colour”. Columns: id, firm, speed, day, at, ok, odd name.",
            ),
        ),
        (
            {"speed__gt": "fast"},
            _error(
                "speed__gt", "speed__gt: “fast” is not a valid number for column speed (e.g. 3.25)."
            ),
        ),
        ({"limit": "5000"}, _error("limit", "limit must be between 1 and 1000.")),
        (
            {"sort": 'id; DROP TABLE x; --"'},
            _error(
                "sort",
                'sort: unknown column “id; DROP TABLE x; --"”. '
                "Columns: id, firm, speed, day, at, ok, odd name.",
            ),
        ),
        (
            {"fields": "id\" FROM read_csv('/etc/passwd') --"},
            _error(
                "fields",
                "fields: unknown column “id\" FROM read_csv('/etc/passwd') --”. "
                "Columns: id, firm, speed, day, at, ok, odd name.",
            ),
        ),
    ],
)
def test_rows_endpoint_answers_400_naming_the_bad_parameter(params, expected):
    _fleet()
    response = Client().get(ROWS, params)
    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_rows_endpoint_treats_an_injection_in_a_value_as_data():
    _fleet()
    body = Client().get(ROWS, {"firm": "x' OR '1'='1' --", "fields": "id"}).json()
    assert (body["total"], body["rows"]) == (0, [])
    body = Client().get(ROWS, {"firm__in": "Velo,x') OR (1=1", "fields": "id"}).json()
    assert body["rows"] == [{"id": 2}]


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_rows_endpoint_permissions_follow_the_spectrum(login):
    member = make_user(email="member@example.org")
    org = make_org(members=[member])
    collab = make_collaboration(members=[(org, "data_user")])
    _fleet(spectrum=Spectrum.GROUP, listed=True, collaboration=collab)

    anonymous = Client().get(ROWS)
    outsider = login(make_user()).get(ROWS, {"colour": "red"})
    allowed = login(member).get(ROWS, {"limit": "1", "fields": "id"})

    assert anonymous.status_code == 404
    assert anonymous.json() == _error(None, "There is no such dataset.", "not_found")
    assert outsider.status_code == 403
    assert outsider.json() == _error(
        None, "This dataset is shared only with people the owner admits.", "forbidden", "request"
    )
    assert allowed.status_code == 200
    assert allowed.json()["rows"] == [{"id": 1}]
    assert _accessed() == [("member@example.org", {"channel": "api.rows", "version": 1})]


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_rows_endpoint_hides_public_data_from_anonymous_people():
    # Anonymous people may see open data only (rules.can_see), so public data is 404, not 401.
    _fleet(spectrum=Spectrum.PUBLIC)
    response = Client().get(ROWS)
    assert response.status_code == 404
    assert response.json() == _error(None, "There is no such dataset.", "not_found")


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_rows_endpoint_asks_for_the_agreement_first(login):
    owner_org = make_org()
    collab = make_collaboration(lead=owner_org)
    agreement = make_agreement(collaboration=collab, title="Fleet terms")
    _fleet(spectrum=Spectrum.PUBLIC, agreement=agreement, owner=owner_org)
    reader = make_user()

    refused = login(reader).get(ROWS)
    accept(agreement, reader)
    allowed = login(reader).get(ROWS)

    assert refused.status_code == 403
    assert refused.json() == _error(
        None,
        "Accept the current version of the data use agreement “Fleet terms” first.",
        "forbidden",
        "accept",
    )
    assert allowed.status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_rows_endpoint_of_open_data_is_not_audited_and_missing_versions_are_404():
    _fleet()
    assert Client().get(ROWS).status_code == 200
    assert _accessed() == []
    for number in ("2", "99999999999999999999"):
        response = Client().get(f"/api/v1/datasets/fleet/versions/{number}/rows")
        assert response.status_code == 404
    assert Client().get("/api/v1/datasets/fleet/versions/2/rows").json() == _error(
        None, "This dataset has no version 2.", "not_found"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_dataset_endpoint_shows_metadata_access_and_versions(login):
    dataset = _fleet(spectrum=Spectrum.GROUP, listed=True, licence="CC-BY-4.0")
    version = dataset.versions.get()
    outsider = login(make_user()).get("/api/v1/datasets/fleet")
    owner = make_user()
    dataset.owner.memberships.create(user=owner, role="member")

    as_owner = login(owner).get("/api/v1/datasets/fleet").json()

    assert outsider.status_code == 200
    base = {
        "slug": "fleet",
        "title": "Fleet",
        "description": "Readings.",
        "spectrum": "group",
        "licence": "CC-BY-4.0",
        "keywords": [],
        "themes": [],
        "owner": {"slug": dataset.owner.slug, "name": dataset.owner.name},
        "latest_version": 1,
        "url": "http://testserver/datasets/fleet/",
        "api_url": "http://testserver/api/v1/datasets/fleet",
        "temporal_start": None,
        "temporal_end": None,
        "spatial": "",
        "update_frequency": "",
        "contact_email": "",
        "dcat_url": "http://testserver/datasets/fleet/dcat.jsonld",
    }
    version_out = {
        "number": 1,
        "created_at": version.created_at.isoformat(),
        "row_count": 5,
        "byte_size": version.byte_size,
        "checksum": version.checksum,
        "source_format": "csv",
        "rows_url": f"http://testserver{ROWS}",
        "csv_url": "http://testserver/api/v1/datasets/fleet/versions/1/download.csv",
        "parquet_url": "http://testserver/api/v1/datasets/fleet/versions/1/download.parquet",
    }
    assert outsider.json() == base | {
        "access": {
            "allowed": False,
            "reason": "This dataset is shared only with people the owner admits.",
            "action": "request",
        },
        "versions": [version_out],
    }
    assert as_owner == base | {
        "access": {
            "allowed": True,
            "reason": "You are a member of the owning organisation.",
            "action": "",
        },
        "versions": [version_out | {"schema": SCHEMA}],
    }
    assert Client().get("/api/v1/datasets/fleet").status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_dataset_list_shows_only_visible_datasets_paginated(login):
    for level in ("open", "public", "group", "named", "closed"):
        make_dataset(slug=f"level-{level}", title=f"Level {level}", spectrum=level)
    make_dataset(slug="another-open", title="Another open", spectrum="open")

    anonymous = Client().get("/api/v1/datasets/").json()
    registered = login(make_user()).get("/api/v1/datasets/", {"limit": "1", "offset": "1"}).json()

    assert [d["slug"] for d in anonymous["results"]] == ["another-open", "level-open"]
    assert (anonymous["count"], anonymous["next"]) == (2, None)
    assert anonymous["results"][0] == {
        "slug": "another-open",
        "title": "Another open",
        "description": "Readings.",
        "spectrum": "open",
        "licence": "",
        "keywords": [],
        "themes": [],
        "owner": anonymous["results"][0]["owner"],
        "latest_version": None,
        "url": "http://testserver/datasets/another-open/",
        "api_url": "http://testserver/api/v1/datasets/another-open",
    }
    assert registered == {
        "count": 3,
        "limit": 1,
        "offset": 1,
        "next": "http://testserver/api/v1/datasets/?limit=1&offset=2",
        "results": [registered["results"][0]],
    }
    assert registered["results"][0]["slug"] == "level-open"


@pytest.mark.django_db
def test_dataset_list_refuses_a_bad_limit():
    response = Client().get("/api/v1/datasets/", {"limit": "500"})
    assert response.status_code == 400
    assert response.json() == _error("limit", "limit must be a whole number from 1 to 100.")


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_dataset_list_query_count_does_not_grow_with_datasets(login):
    client = login(make_user())

    def add(count: int) -> None:
        for _ in range(count):
            dataset = make_dataset(spectrum=Spectrum.PUBLIC)
            make_version(dataset, {"a": [1]}, {"fields": [{"name": "a", "type": "integer"}]})

    add(3)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/v1/datasets/").json()["results"]) == 3
    add(6)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/datasets/").json()["results"]) == 9
    assert len(many) == len(few)
