"""DCAT-AP 3.0.0 conformance, judged by pyshacl with the official SHACL shapes (read from
../shared/standards/dcat-ap-3.0.0/, see its SOURCE.md): the catalog and every dataset and
distribution, in JSON-LD and in Turtle, with every value's class in the document (the shapes
include the class-range constraints, and run without inference as the official instructions
say)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from django.test import Client
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH

from datacollab.datasets.dcat import ODRL
from datacollab.datasets.models import Dataset, Spectrum
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import make_agreement, make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

STANDARD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "dcat-ap-3.0.0"
FORMATS = [("jsonld", "json-ld"), ("ttl", "turtle")]
SCHEMA = {"fields": [{"name": "trip", "type": "integer"}, {"name": "km", "type": "number"}]}


@cache
def _shapes() -> Graph:
    """All of DCAT-AP's shapes (the file the official notes name), and the separate class-range
    file of the HTML release as well: stricter, never looser."""
    shapes = Graph().parse(STANDARD / "dcat-ap-SHACL.ttl", format="turtle")
    return shapes.parse(STANDARD / "range.ttl", format="turtle")


def violations(body: str, rdf_format: str) -> list[str]:
    """Each violation as `focus node · path · message`, sorted; [] when the document conforms."""
    data = Graph().parse(data=body, format=rdf_format)
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=_shapes(), inference="none", allow_warnings=True
    )
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        found.append(
            " · ".join(
                str(report.value(result, key))
                for key in (SH.focusNode, SH.resultPath, SH.resultMessage)
            )
        )
    return sorted(found)


def _dataset(level: str, **fields) -> Dataset:
    owner = make_user()
    org = make_org(members=[owner], name=f"Owner of {level}")
    org.website = "https://owner.example"
    org.save()
    values = {
        "slug": f"set-{level}",
        "title": f"Trips ({level})",
        "description": "One row per trip.",
        "keywords": ["cargo", "bikes"],
        "themes": ["mobility", "environment", "a theme of our own"],
        "licence": "CC-BY-4.0" if level in (Spectrum.OPEN, Spectrum.PUBLIC) else "",
        "spectrum": level,
        "listed": level in (Spectrum.GROUP, Spectrum.NAMED),
        "temporal_start": dt.date(2024, 1, 1),
        "temporal_end": dt.date(2024, 12, 31),
        "spatial": "Amsterdam",
        "update_frequency": "Monthly",
        "contact_email": "data@owner.example",
    }
    if level == Spectrum.GROUP:
        values["collaboration"] = make_collaboration(members=[(org, "data_user")])
    dataset = make_dataset(owner=org, creator=owner, **{**values, **fields})
    make_version(dataset, {"trip": [1, 2], "km": [2.5, 4.0]}, SCHEMA)
    return dataset


def _as_owner(dataset: Dataset) -> Client:
    client = Client()
    client.force_login(dataset.created_by)
    return client


@pytest.mark.parametrize(("suffix", "rdf_format"), FORMATS)
@pytest.mark.parametrize("level", [choice for choice, _label in Spectrum.choices])
def test_dataset_dcat_conforms_to_dcat_ap_at_every_level(level, suffix, rdf_format):
    dataset = _dataset(level)

    response = _as_owner(dataset).get(f"/datasets/{dataset.slug}/dcat.{suffix}")

    assert response.status_code == 200
    assert violations(response.content.decode(), rdf_format) == []


@pytest.mark.parametrize(("suffix", "rdf_format"), FORMATS)
def test_dataset_dcat_with_least_metadata_conforms(suffix, rdf_format):
    make_dataset(slug="bare", spectrum=Spectrum.OPEN, licence="CC0-1.0", description="")

    response = Client().get(f"/datasets/bare/dcat.{suffix}")

    assert violations(response.content.decode(), rdf_format) == []


@pytest.mark.parametrize(("suffix", "rdf_format"), FORMATS)
def test_dataset_dcat_with_custom_terms_and_odd_frequency_conforms(suffix, rdf_format):
    dataset = _dataset(
        Spectrum.PUBLIC, licence="LicenseRef-Our-Terms", update_frequency="every full moon"
    )
    Dataset.objects.filter(pk=dataset.pk).update(
        agreement=make_agreement(collaboration=make_collaboration(), slug="our-terms")
    )

    response = _as_owner(dataset).get(f"/datasets/{dataset.slug}/dcat.{suffix}")

    body = response.content.decode()
    assert violations(body, rdf_format) == []
    graph = Graph().parse(data=body, format=rdf_format)
    terms = URIRef("http://testserver/collaborations/agreements/our-terms/")
    assert graph.value(URIRef("http://testserver/datasets/set-public/"), DCTERMS.license) == terms
    # Each distribution links the agreement's current terms as the ODRL policy the agreement
    # page exports (its `uid`).
    policies = set(graph.objects(None, ODRL.hasPolicy))
    assert policies == {URIRef(f"{terms}#version-1")}
    assert len(list(graph.subjects(ODRL.hasPolicy, None))) == 3


@pytest.mark.parametrize(("suffix", "rdf_format"), FORMATS)
def test_catalog_dcat_conforms_to_dcat_ap(login, suffix, rdf_format):
    datasets = [_dataset(level) for level, _label in Spectrum.choices]
    make_dataset(slug="bare", spectrum=Spectrum.OPEN, licence="CC0-1.0", description="")

    response = login(make_user()).get(f"/datasets/catalog.{suffix}")

    body = response.content.decode()
    assert violations(body, rdf_format) == []
    graph = Graph().parse(data=body, format=rdf_format)
    listed = set(graph.objects(URIRef("http://testserver/datasets/"), DCAT.dataset))
    # A registered person sees the open, public and listed group and named datasets.
    assert len(listed) == 5
    assert len(datasets) == 5
