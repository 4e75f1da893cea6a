"""The rows API's hot path (bench/api.py): the one-query version lookup, the per-column JSON
conversion and the answer written without ninja's validation, each answering as before."""

from __future__ import annotations

import json
import math

import duckdb
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from datacollab.core.errors import NotFound
from datacollab.datasets import rows_lookup
from datacollab.datasets.models import Spectrum
from datacollab.datasets.rows import _converters, dumps
from datacollab.datasets.selectors import datasets as selectors
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import make_agreement, make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "speed", "type": "number"}]}


def _restricted_version():
    owner = make_org()
    collab = make_collaboration(lead=owner)
    agreement = make_agreement(collaboration=collab, title="Fleet terms")
    dataset = make_dataset(
        owner=owner, spectrum=Spectrum.PUBLIC, collaboration=collab, agreement=agreement
    )
    return make_version(dataset, {"id": [1, 2], "speed": [1.5, 2.5]}, SCHEMA)


def test_rows_lookup_matches_the_orm_lookup_field_for_field():
    version = _restricted_version()
    user = make_user()
    orm = selectors.version_for(user, version.dataset.slug, version.number)

    found = rows_lookup.version_for(user, version.dataset.slug, version.number)

    def fields(obj):
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

    pairs = [
        (found, orm),
        (found.dataset, orm.dataset),
        (found.dataset.owner, orm.dataset.owner),
        (found.dataset.collaboration, orm.dataset.collaboration),
        (found.dataset.agreement, orm.dataset.agreement),
    ]
    assert [fields(a) for a, _ in pairs] == [fields(b) for _, b in pairs]
    assert found.schema == SCHEMA  # JSON converted to objects, as the ORM does


def test_rows_lookup_is_one_query_and_caches_what_the_rules_read():
    version = _restricted_version()
    with CaptureQueriesContext(connection) as queries:
        found = rows_lookup.version_for(make_user(), version.dataset.slug, version.number)
        seen = (found.dataset.owner.pk, found.dataset.collaboration.pk, found.dataset.agreement.pk)
    lookups = [q for q in queries if "datasets_datasetversion" in q["sql"]]
    assert (len(lookups), seen) == (
        1,
        (version.dataset.owner_id, version.dataset.collaboration_id, version.dataset.agreement_id),
    )


def test_rows_lookup_without_collaboration_or_agreement_caches_none():
    dataset = make_dataset(spectrum=Spectrum.OPEN)
    version = make_version(dataset, {"id": [1], "speed": [1.0]}, SCHEMA)
    with CaptureQueriesContext(connection) as queries:
        found = rows_lookup.version_for(None, dataset.slug, version.number)
        related = (found.dataset.collaboration, found.dataset.agreement)
    assert (related, len(queries)) == ((None, None), 1)


@pytest.mark.parametrize(
    ("slug", "number", "message"),
    [
        ("no-such-dataset", 1, "There is no such dataset."),
        (None, 9, "This dataset has no version 9."),
    ],
)
def test_rows_lookup_refuses_a_missing_dataset_or_version_as_the_selector(slug, number, message):
    version = make_version(make_dataset(spectrum=Spectrum.OPEN), {"id": [1]}, SCHEMA)
    with pytest.raises(NotFound) as refused:
        rows_lookup.version_for(None, slug or version.dataset.slug, number)
    assert refused.value.message == message


def test_rows_lookup_hides_a_closed_dataset_from_a_stranger():
    version = make_version(make_dataset(spectrum=Spectrum.CLOSED), {"id": [1]}, SCHEMA)
    with pytest.raises(NotFound) as refused:
        rows_lookup.version_for(make_user(), version.dataset.slug, version.number)
    assert refused.value.message == "There is no such dataset."


def test_rows_converters_skip_json_ready_columns_and_convert_the_rest():
    with duckdb.connect() as con:
        result = con.execute(
            "SELECT 1::BIGINT a, 'x' b, 'inf'::DOUBLE c, TIMESTAMP '2024-05-01 08:30' d, "
            "true e, 1.50::DECIMAL(4, 2) f"
        )
        converters = _converters(result.description or [])
        row = list(result.fetchall()[0])
    for i, convert in converters:
        row[i] = convert(row[i])
    # Floats and timestamps are written by `dumps` (orjson) as they are: only the decimal.
    assert ([i for i, _ in converters], json.loads(dumps(row))) == (
        [5],
        [1, "x", None, "2024-05-01T08:30:00", True, 1.5],
    )


def test_rows_endpoint_answers_compact_json_with_the_documented_keys():
    dataset = make_dataset(spectrum=Spectrum.OPEN)
    make_version(dataset, {"id": [1, 2], "speed": [math.inf, 2.5]}, SCHEMA)

    response = Client().get(f"/api/v1/datasets/{dataset.slug}/versions/1/rows?limit=1")

    assert (response.status_code, response["Content-Type"]) == (
        200,
        "application/json; charset=utf-8",
    )
    assert response.content.startswith(b'{"dataset":')
    assert (response.has_header("Content-Security-Policy"), response["X-Content-Type-Options"]) == (
        False,
        "nosniff",
    )
    assert json.loads(response.content) == {
        "dataset": dataset.slug,
        "version": 1,
        "total": 2,
        "limit": 1,
        "offset": 0,
        "fields": ["id", "speed"],
        "rows": [{"id": 1, "speed": None}],
        "next": f"http://testserver/api/v1/datasets/{dataset.slug}/versions/1/rows?limit=1&offset=1",
    }
