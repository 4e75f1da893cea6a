"""Version diff: schema changes and exact row counts, by key or as multisets of rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.test import Client

from datacollab.core.models import AuditEntry
from datacollab.datasets.diff import diff_schemas, diff_versions
from datacollab.datasets.models import Dataset, Spectrum
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset


def _write(tmp_path: Path, name: str, columns: dict[str, list[Any]]) -> Path:
    path = tmp_path / f"{name}.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def _schema(*fields: tuple[str, str], key: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [{"name": n, "type": t} for n, t in fields]}
    if key:
        schema["primaryKey"] = key
    return schema


def test_diff_schemas_lists_added_removed_and_retyped_fields():
    old = _schema(("id", "integer"), ("km", "integer"), ("gone", "string"), key=["id"])
    new = _schema(("id", "integer"), ("km", "number"), ("new", "date"), key="id")  # type: ignore[arg-type]
    assert diff_schemas(old, new) == {
        "added": [{"name": "new", "type": "date"}],
        "removed": [{"name": "gone", "type": "string"}],
        "changed": [{"name": "km", "from": "integer", "to": "number"}],
        "primary_key": {"from": ["id"], "to": ["id"]},
    }


def test_diff_versions_by_primary_key_counts_added_removed_changed(tmp_path):
    old = _write(tmp_path, "old", {"id": [1, 2, 3, 4], "firm": ["a", "b", "c", "d"], "n": [1] * 4})
    new = _write(tmp_path, "new", {"id": [2, 3, 4, 5, 6], "firm": ["b", "C", "d", "e", "f"]})
    schema_old = _schema(("id", "integer"), ("firm", "string"), ("n", "integer"), key=["id"])
    schema_new = _schema(("id", "integer"), ("firm", "string"), key=["id"])

    result = diff_versions(old, schema_old, new, schema_new)

    assert result["rows"] == {
        "method": "primary_key",
        "key": ["id"],
        "compared_fields": ["id", "firm"],
        "from_count": 4,
        "to_count": 5,
        "added": 2,
        "removed": 1,
        "changed": 1,
        "samples": {
            "added": [{"id": 5, "firm": "e"}, {"id": 6, "firm": "f"}],
            "removed": [{"id": 1, "firm": "a"}],
            "changed": [{"key": {"id": 3}, "from": {"firm": "c"}, "to": {"firm": "C"}}],
        },
    }
    assert result["schema"]["removed"] == [{"name": "n", "type": "integer"}]


def test_diff_versions_by_key_sees_a_null_becoming_a_value_as_a_change(tmp_path):
    old = _write(tmp_path, "old", {"id": [1, 2], "v": [None, "x"]})
    new = _write(tmp_path, "new", {"id": [1, 2], "v": ["y", "x"]})
    schema = _schema(("id", "integer"), ("v", "string"), key=["id"])
    rows = diff_versions(old, schema, new, schema)["rows"]
    assert (rows["added"], rows["removed"], rows["changed"]) == (0, 0, 1)
    assert rows["samples"]["changed"] == [{"key": {"id": 1}, "from": {"v": None}, "to": {"v": "y"}}]


def test_diff_versions_without_key_is_an_exact_multiset_difference(tmp_path):
    old = _write(tmp_path, "old", {"firm": ["a", "a", "b", "c"], "n": [1, 1, 2, 3]})
    new = _write(tmp_path, "new", {"firm": ["a", "b", "b", "d"], "n": [1, 2, 2, 4]})
    schema = _schema(("firm", "string"), ("n", "integer"))

    rows = diff_versions(old, schema, new, schema, sample=5)["rows"]

    assert rows == {
        "method": "whole_row",
        "key": [],
        "compared_fields": ["firm", "n"],
        "from_count": 4,
        "to_count": 4,
        "added": 2,
        "removed": 2,
        "changed": None,
        "samples": {
            "added": [{"firm": "b", "n": 2}, {"firm": "d", "n": 4}],
            "removed": [{"firm": "a", "n": 1}, {"firm": "c", "n": 3}],
            "changed": [],
        },
    }


def test_diff_versions_with_a_changed_key_falls_back_to_whole_rows(tmp_path):
    old = _write(tmp_path, "old", {"id": [1, 2], "code": ["x", "y"]})
    new = _write(tmp_path, "new", {"id": [1, 2], "code": ["x", "z"]})
    old_schema = _schema(("id", "integer"), ("code", "string"), key=["id"])
    new_schema = _schema(("id", "integer"), ("code", "string"), key=["code"])
    rows = diff_versions(old, old_schema, new, new_schema)["rows"]
    assert (rows["method"], rows["added"], rows["removed"]) == ("whole_row", 1, 1)


def test_diff_versions_with_no_field_in_common_replaces_every_row(tmp_path):
    old = _write(tmp_path, "old", {"a": [1, 2]})
    new = _write(tmp_path, "new", {"b": ["x"]})
    rows = diff_versions(old, _schema(("a", "integer")), new, _schema(("b", "string")))["rows"]
    assert (rows["added"], rows["removed"], rows["changed"]) == (1, 2, None)
    assert rows["samples"] == {
        "added": [{"b": "x"}],
        "removed": [{"a": 1}, {"a": 2}],
        "changed": [],
    }


def test_diff_versions_identical_files_have_no_differences(tmp_path):
    columns = {"id": list(range(1000)), "v": [str(i % 7) for i in range(1000)]}
    old = _write(tmp_path, "old", columns)
    new = _write(tmp_path, "new", columns)
    schema = _schema(("id", "integer"), ("v", "string"), key=["id"])
    rows = diff_versions(old, schema, new, schema)["rows"]
    assert (rows["added"], rows["removed"], rows["changed"]) == (0, 0, 0)


# The page and the API ----------------------------------------------------------------------

TRIPS_V1 = {"id": [1, 2, 3], "firm": ["a", "b", "c"]}
TRIPS_V2 = {"id": [2, 3, 4], "firm": ["b", "C", "d"], "km": [1.0, 2.0, 3.0]}
TRIPS_SCHEMA_V1 = _schema(("id", "integer"), ("firm", "string"), key=["id"])
TRIPS_SCHEMA_V2 = _schema(("id", "integer"), ("firm", "string"), ("km", "number"), key=["id"])


def _trips(**fields: Any) -> Dataset:
    fields.setdefault("spectrum", Spectrum.OPEN)
    dataset = make_dataset(slug="trips", title="Trips", **fields)
    make_version(dataset, TRIPS_V1, TRIPS_SCHEMA_V1)
    make_version(dataset, TRIPS_V2, TRIPS_SCHEMA_V2)
    return dataset


def _accessed() -> list[tuple[str, dict[str, Any]]]:
    return [
        (e.actor_label, e.details)
        for e in AuditEntry.objects.filter(action="dataset.accessed").order_by("seq")
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_diff_api_answers_the_exact_difference():
    _trips()
    response = Client().get("/api/v1/datasets/trips/diff", {"from": "1", "to": "2"})
    assert response.status_code == 200
    assert response.json() == {
        "dataset": "trips",
        "from": 1,
        "to": 2,
        "schema": {
            "added": [{"name": "km", "type": "number"}],
            "removed": [],
            "changed": [],
            "primary_key": {"from": ["id"], "to": ["id"]},
        },
        "rows": {
            "method": "primary_key",
            "key": ["id"],
            "compared_fields": ["id", "firm"],
            "from_count": 3,
            "to_count": 3,
            "added": 1,
            "removed": 1,
            "changed": 1,
            "samples": {
                "added": [{"id": 4, "firm": "d"}],
                "removed": [{"id": 1, "firm": "a"}],
                "changed": [{"key": {"id": 3}, "from": {"firm": "c"}, "to": {"firm": "C"}}],
            },
        },
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        (
            {"to": "2"},
            400,
            {
                "error": "bad_query",
                "message": "from must be a version number.",
                "parameter": "from",
                "action": None,
            },
        ),
        (
            {"from": "1", "to": "7"},
            404,
            {
                "error": "not_found",
                "message": "This dataset has no version 7.",
                "parameter": None,
                "action": None,
            },
        ),
    ],
)
def test_diff_api_refuses_bad_version_numbers(params, status, body):
    _trips()
    response = Client().get("/api/v1/datasets/trips/diff", params)
    assert (response.status_code, response.json()) == (status, body)


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_diff_requires_data_access_and_is_audited(login):
    member = make_user(email="member@example.org")
    org = make_org(members=[member])
    collab = make_collaboration(members=[(org, "data_user")])
    _trips(spectrum=Spectrum.GROUP, listed=True, collaboration=collab)
    outsider = login(make_user())

    api_refused = outsider.get("/api/v1/datasets/trips/diff", {"from": "1", "to": "2"})
    page_refused = outsider.get("/datasets/trips/diff/1..2/")
    hidden = Client().get("/datasets/trips/diff/1..2/")

    assert api_refused.status_code == 403
    assert api_refused.json()["message"] == (
        "This dataset is shared only with people the owner admits."
    )
    assert page_refused.status_code == 403
    assert "This dataset is shared only with people the owner admits." in (
        page_refused.content.decode()
    )
    assert hidden.status_code == 404
    assert _accessed() == []

    assert login(member).get("/datasets/trips/diff/1..2/").status_code == 200
    assert login(member).get("/api/v1/datasets/trips/diff?from=2&to=1").status_code == 200
    assert _accessed() == [
        ("member@example.org", {"channel": "diff", "version": 1}),
        ("member@example.org", {"channel": "diff", "version": 2}),
        ("member@example.org", {"channel": "api.diff", "version": 2}),
        ("member@example.org", {"channel": "api.diff", "version": 1}),
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_diff_page_shows_counts_schema_changes_and_samples():
    _trips()
    response = Client().get("/datasets/trips/diff/1..2/")
    assert response.status_code == 200
    html = response.content.decode()
    facts = [
        ("Rows in version 1", "3"),
        ("Rows in version 2", "3"),
        ("Added", "1"),
        ("Removed", "1"),
        ("Changed", "1"),
    ]
    for term, value in facts:
        assert f"<dt>{term}</dt><dd>{value}</dd>" in html
    assert "<td><code>km</code></td><td>added (number)</td>" in html
    assert "<tr><td>id=3</td><td><code>firm</code></td><td>c</td><td>C</td></tr>" in html


@pytest.mark.django_db
@pytest.mark.usefixtures("datasets_storage")
def test_diff_chooser_redirects_to_the_canonical_page_or_explains():
    _trips()
    response = Client().get("/datasets/trips/diff/", {"from": "2", "to": "1"})
    assert (response.status_code, response["Location"]) == (302, "/datasets/trips/diff/2..1/")
    bad = Client().get("/datasets/trips/diff/", {"from": "x"})
    assert bad.status_code == 400
    assert "Choose two version numbers to compare." in bad.content.decode()
    assert Client().get("/datasets/trips/diff/1..9/").status_code == 404
    assert Client().get("/datasets/trips/diff/1..99999999999999999999/").status_code == 404
