"""schema.org Dataset JSON-LD on the dataset page, for a dataset at each Data Spectrum level: a
licence always, `isAccessibleForFree` only when it is, the catalog, the fields measured and the
place covered."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from datacollab.datasets.dcat_schemaorg import unit_of, variables
from datacollab.datasets.models import Dataset, Spectrum
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import make_agreement, make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

BASE = "http://testserver"
SCHEMA = {
    "fields": [
        {"name": "trip_id", "type": "integer", "description": "One trip; unique."},
        {"name": "distance_km", "type": "number", "description": "Distance ridden."},
        {"name": "load", "type": "number", "unit": "kg"},
        {"name": "zone", "type": "string"},
    ]
}
# The licence each level's dataset gets below, and what the page must then say.
LEVELS = {
    Spectrum.OPEN: ("CC-BY-4.0", True),
    Spectrum.PUBLIC: ("CC-BY-4.0", True),
    Spectrum.GROUP: ("LicenseRef-Pooled-Terms", False),
    Spectrum.NAMED: ("CC-BY-NC-4.0", False),
    Spectrum.CLOSED: ("", False),
}


def _json_ld(client: Client, dataset: Dataset) -> dict[str, Any]:
    response = client.get(f"/datasets/{dataset.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    opening = '<script type="application/ld+json">'
    assert html.count(opening) == 1
    return json.loads(html.split(opening, 1)[1].split("</script>", 1)[0])


def _dataset(level: str, **fields: Any) -> tuple[Dataset, Client]:
    owner = make_user()
    org = make_org(members=[owner])
    licence, _free = LEVELS[Spectrum(level)]
    values: dict[str, Any] = {"slug": f"set-{level}", "spectrum": level, "licence": licence}
    values["spatial"] = "Central London"
    if level == Spectrum.GROUP:
        collaboration = make_collaboration(members=[(org, "data_user")])
        values["collaboration"] = collaboration
        values["agreement"] = make_agreement(collaboration=collaboration, slug="pooled-terms")
    dataset = make_dataset(owner=org, creator=owner, **{**values, **fields})
    make_version(
        dataset, {"trip_id": [1], "distance_km": [2.5], "load": [3.0], "zone": ["a"]}, SCHEMA
    )
    client = Client()
    client.force_login(owner)
    return dataset, client


@pytest.mark.parametrize("level", list(LEVELS))
def test_schema_org_always_has_a_licence_and_says_honestly_whether_free(level):
    dataset, client = _dataset(level)

    data = _json_ld(client, dataset)

    page = f"{BASE}/datasets/{dataset.slug}/"
    expected_licence = {
        Spectrum.OPEN: "https://spdx.org/licenses/CC-BY-4.0",
        Spectrum.PUBLIC: "https://spdx.org/licenses/CC-BY-4.0",
        # Custom terms: the agreement page where they are written.
        Spectrum.GROUP: f"{BASE}/collaborations/agreements/pooled-terms/",
        Spectrum.NAMED: "https://spdx.org/licenses/CC-BY-NC-4.0",
        # No licence: the dataset page, which states the terms of its level.
        Spectrum.CLOSED: page,
    }[Spectrum(level)]
    assert (data["license"], data["isAccessibleForFree"]) == (expected_licence, LEVELS[level][1])


@pytest.mark.parametrize("level", list(LEVELS))
def test_schema_org_names_the_catalog_the_variables_and_the_place(level):
    dataset, client = _dataset(level)

    data = _json_ld(client, dataset)

    assert data["includedInDataCatalog"] == {
        "@type": "DataCatalog",
        "name": "datacollab data catalog",
        "url": f"{BASE}/datasets/",
    }
    assert data["spatialCoverage"] == {"@type": "Place", "name": "Central London"}
    assert data["variableMeasured"] == [
        {"@type": "PropertyValue", "name": "trip_id", "description": "One trip; unique."},
        {
            "@type": "PropertyValue",
            "name": "distance_km",
            "description": "Distance ridden.",
            "unitText": "km",
        },
        {"@type": "PropertyValue", "name": "load", "unitText": "kg"},
        {"@type": "PropertyValue", "name": "zone"},
    ]


def test_schema_org_without_a_version_has_no_variables():
    dataset = make_dataset(slug="empty", spectrum=Spectrum.OPEN, licence="CC0-1.0")

    data = _json_ld(Client(), dataset)

    assert ("variableMeasured" in data, "distribution" in data) == (False, False)
    assert data["license"] == "https://spdx.org/licenses/CC0-1.0"


def test_schema_org_page_query_count_is_the_same_with_more_fields(
    django_assert_max_num_queries,
):
    dataset, client = _dataset(Spectrum.OPEN)
    with django_assert_max_num_queries(40) as few:
        client.get(f"/datasets/{dataset.slug}/")
    wide = {"fields": [{"name": f"f{n}_km", "type": "number"} for n in range(50)]}
    make_version(dataset, {f"f{n}_km": [1.0] for n in range(50)}, wide)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = _json_ld(client, dataset)
    assert len(data["variableMeasured"]) == 50


@pytest.mark.parametrize(
    ("field", "unit"),
    [
        ({"name": "payload_kg"}, "kg"),
        ({"name": "avg_speed_kmh"}, "km/h"),
        ({"name": "battery_pct"}, "%"),
        ({"name": "weight", "unit": "g"}, "g"),
        ({"name": "payload_kg", "unit": "lb"}, "lb"),
        ({"name": "zone"}, None),
        ({"name": "lat"}, None),
    ],
)
def test_unit_of_reads_the_unit_property_then_the_name_suffix(field, unit):
    assert unit_of(field) == unit


def test_variables_skip_fields_without_a_name():
    assert variables({"fields": [{"type": "string"}, "odd", {"name": "ok"}]}) == [
        {"@type": "PropertyValue", "name": "ok"}
    ]
