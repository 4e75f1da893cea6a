"""DCAT v3 feeds (catalog and dataset, JSON-LD and Turtle) and the schema.org JSON-LD tag."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from datacollab.datasets.dcat import ACCESS_RIGHT, DCAT_VERSION, FREQUENCY, SPDX, VCARD
from datacollab.datasets.dcat_vocab import (
    ACCESS_RIGHT_SCHEME,
    DATA_THEME,
    DATA_THEME_SCHEME,
    FREQUENCY_SCHEME,
)
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

BASE = "http://testserver"
CREATED = dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC)
PUBLISHED = dt.datetime(2024, 6, 15, 8, 30, tzinfo=dt.UTC)
SCHEMA = {"fields": [{"name": "trip", "type": "integer"}, {"name": "km", "type": "number"}]}
MEDIA = "https://www.iana.org/assignments/media-types/"


def _full_dataset() -> tuple[Dataset, DatasetVersion]:
    org = make_org(name="Data Cargo")
    org.website = "https://datacargo.example"
    org.save()
    dataset = make_dataset(
        owner=org,
        slug="bike-trips",
        title="Cargo-bike trips",
        description="One row per delivery trip.",
        keywords=["cargo", "bikes"],
        themes=["mobility"],
        licence="CC-BY-4.0",
        spectrum=Spectrum.OPEN,
        temporal_start=dt.date(2024, 1, 1),
        temporal_end=dt.date(2024, 12, 31),
        spatial="Amsterdam",
        update_frequency="Monthly",
        contact_email="data@cargo.example",
    )
    make_version(dataset, {"trip": [1], "km": [2.5]}, SCHEMA)
    latest = make_version(dataset, {"trip": [1, 2], "km": [2.5, 4.0]}, SCHEMA)
    Dataset.objects.filter(pk=dataset.pk).update(created_at=CREATED)
    DatasetVersion.objects.filter(pk=latest.pk).update(created_at=PUBLISHED)
    dataset.refresh_from_db()
    latest.refresh_from_db()
    return dataset, latest


def _expected_dataset_graph(dataset: Dataset, latest: DatasetVersion) -> Graph:
    g = Graph()
    page = URIRef(f"{BASE}/datasets/bike-trips/")
    org = URIRef(f"{BASE}/accounts/organisations/{dataset.owner.slug}/")
    licence = URIRef("https://spdx.org/licenses/CC-BY-4.0")
    theme, period, place, contact, checksum = BNode(), BNode(), BNode(), BNode(), BNode()
    for triple in [
        (page, ns.RDF.type, ns.DCAT.Dataset),
        # Named by its page: the landing page (a foaf:Document) and the access URL (a resource).
        (page, ns.RDF.type, ns.FOAF.Document),
        (page, ns.RDF.type, ns.RDFS.Resource),
        (page, ns.DCTERMS.identifier, Literal("bike-trips")),
        (page, ns.DCTERMS.title, Literal("Cargo-bike trips")),
        (page, ns.DCTERMS.description, Literal("One row per delivery trip.")),
        (page, ns.DCAT.landingPage, page),
        (page, ns.DCAT.keyword, Literal("cargo")),
        (page, ns.DCAT.keyword, Literal("bikes")),
        (page, ns.DCAT.theme, theme),
        (theme, ns.RDF.type, ns.SKOS.Concept),
        (theme, ns.SKOS.prefLabel, Literal("mobility")),
        (theme, ns.SKOS.inScheme, URIRef(f"{BASE}/datasets/#themes")),
        (page, ns.DCAT.theme, DATA_THEME.TRAN),
        (DATA_THEME.TRAN, ns.RDF.type, ns.SKOS.Concept),
        (DATA_THEME.TRAN, ns.SKOS.prefLabel, Literal("Transport", lang="en")),
        (DATA_THEME.TRAN, ns.SKOS.inScheme, DATA_THEME_SCHEME),
        (page, ns.DCTERMS.license, licence),
        (licence, ns.RDF.type, ns.DCTERMS.LicenseDocument),
        (page, ns.DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC),
        (ACCESS_RIGHT.PUBLIC, ns.RDF.type, ns.DCTERMS.RightsStatement),
        (ACCESS_RIGHT.PUBLIC, ns.SKOS.inScheme, ACCESS_RIGHT_SCHEME),
        (page, ns.DCTERMS.publisher, org),
        (org, ns.RDF.type, ns.FOAF.Agent),
        (org, ns.RDF.type, ns.FOAF.Organization),
        (org, ns.FOAF.name, Literal("Data Cargo")),
        (org, ns.FOAF.homepage, URIRef("https://datacargo.example")),
        (URIRef("https://datacargo.example"), ns.RDF.type, ns.FOAF.Document),
        (page, ns.DCTERMS.temporal, period),
        (period, ns.RDF.type, ns.DCTERMS.PeriodOfTime),
        (period, ns.DCAT.startDate, Literal(dt.date(2024, 1, 1), datatype=ns.XSD.date)),
        (period, ns.DCAT.endDate, Literal(dt.date(2024, 12, 31), datatype=ns.XSD.date)),
        (page, ns.DCTERMS.spatial, place),
        (place, ns.RDF.type, ns.DCTERMS.Location),
        (place, ns.RDFS.label, Literal("Amsterdam")),
        (page, ns.DCTERMS.accrualPeriodicity, FREQUENCY.MONTHLY),
        (FREQUENCY.MONTHLY, ns.RDF.type, ns.DCTERMS.Frequency),
        (FREQUENCY.MONTHLY, ns.SKOS.inScheme, FREQUENCY_SCHEME),
        (page, ns.DCAT.contactPoint, contact),
        (contact, ns.RDF.type, VCARD.Kind),
        (contact, ns.RDF.type, VCARD.Organization),
        (contact, VCARD.fn, Literal("Data Cargo")),
        (contact, VCARD.hasEmail, URIRef("mailto:data@cargo.example")),
        (page, ns.DCTERMS.issued, Literal(CREATED, datatype=ns.XSD.dateTime)),
        (page, ns.DCTERMS.modified, Literal(PUBLISHED, datatype=ns.XSD.dateTime)),
        (page, DCAT_VERSION, Literal("2")),
    ]:
        g.add(triple)
    downloads = [
        ("v2/download.csv", "CSV, version 2", "text/csv", None),
        ("v2/download.parquet", "Parquet, version 2", "application/vnd.apache.parquet", latest),
        ("v2/datapackage.zip", "Data Package (zip), version 2", "application/zip", None),
    ]
    for path, title, media, sized in downloads:
        dist = URIRef(f"{BASE}/datasets/bike-trips/{path}")
        g.add((page, ns.DCAT.distribution, dist))
        g.add((dist, ns.RDF.type, ns.DCAT.Distribution))
        g.add((dist, ns.RDF.type, ns.RDFS.Resource))
        g.add((URIRef(MEDIA + media), ns.RDF.type, ns.DCTERMS.MediaType))
        g.add((dist, ns.DCTERMS.title, Literal(title)))
        g.add((dist, ns.DCAT.downloadURL, dist))
        g.add((dist, ns.DCAT.accessURL, page))
        g.add((dist, ns.DCAT.mediaType, URIRef(MEDIA + media)))
        g.add((dist, ns.DCTERMS.license, licence))
        if sized is not None:
            size = Literal(sized.byte_size, datatype=ns.XSD.nonNegativeInteger)
            g.add((dist, ns.DCAT.byteSize, size))
            g.add((dist, SPDX.checksum, checksum))
            g.add((checksum, ns.RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            g.add((SPDX.checksumAlgorithm_sha256, ns.RDF.type, SPDX.ChecksumAlgorithm))
            g.add(
                (checksum, SPDX.checksumValue, Literal(sized.checksum, datatype=ns.XSD.hexBinary))
            )
    return g


@pytest.mark.parametrize(("suffix", "rdf_format"), [("jsonld", "json-ld"), ("ttl", "turtle")])
def test_dataset_dcat_has_exactly_the_expected_triples(suffix, rdf_format):
    dataset, latest = _full_dataset()

    response = Client().get(f"/datasets/bike-trips/dcat.{suffix}")

    assert response.status_code == 200
    media = {"jsonld": "application/ld+json", "ttl": "text/turtle; charset=utf-8"}[suffix]
    assert response["Content-Type"] == media
    parsed = Graph().parse(data=response.content.decode(), format=rdf_format)
    expected = _expected_dataset_graph(dataset, latest)
    assert len(parsed) == len(expected)
    assert isomorphic(parsed, expected)


def test_dataset_dcat_without_versions_has_no_distribution_nor_version():
    dataset = make_dataset(spectrum=Spectrum.OPEN, slug="empty-one")
    graph = Graph().parse(data=Client().get("/datasets/empty-one/dcat.ttl").content.decode())
    page = URIRef(f"{BASE}/datasets/empty-one/")
    assert list(graph.objects(page, ns.DCAT.distribution)) == []
    assert list(graph.objects(page, DCAT_VERSION)) == []
    modified = Literal(dataset.updated_at, datatype=ns.XSD.dateTime)
    assert list(graph.objects(page, ns.DCTERMS.modified)) == [modified]


def test_dataset_dcat_unknown_frequency_is_a_labelled_frequency():
    make_dataset(spectrum=Spectrum.OPEN, slug="odd", update_frequency="every full moon")
    graph = Graph().parse(data=Client().get("/datasets/odd/dcat.ttl").content.decode())
    (node,) = graph.objects(URIRef(f"{BASE}/datasets/odd/"), ns.DCTERMS.accrualPeriodicity)
    assert set(graph.predicate_objects(node)) == {
        (ns.RDF.type, ns.DCTERMS.Frequency),
        (ns.RDFS.label, Literal("every full moon")),
    }


@pytest.mark.parametrize("suffix", ["jsonld", "ttl"])
def test_dataset_dcat_is_404_to_those_who_may_not_see_it(login, suffix):
    owner = make_user()
    make_dataset(owner=make_org(members=[owner]), slug="secret-set", spectrum=Spectrum.CLOSED)
    url = f"/datasets/secret-set/dcat.{suffix}"
    assert Client().get(url).status_code == 404
    assert login(make_user()).get(url).status_code == 404
    assert login(owner).get(url).status_code == 200


def _catalog_datasets(graph: Graph) -> set[str]:
    catalog = URIRef(f"{BASE}/datasets/")
    assert (catalog, ns.RDF.type, ns.DCAT.Catalog) in graph
    return {str(node) for node in graph.objects(catalog, ns.DCAT.dataset)}


@pytest.mark.parametrize(("suffix", "rdf_format"), [("jsonld", "json-ld"), ("ttl", "turtle")])
def test_catalog_lists_exactly_the_visible_datasets(login, suffix, rdf_format):
    member = make_user()
    org = make_org(members=[member])
    collab = make_collaboration(members=[(org, "data_user")])
    for level in ("open", "public", "group", "named", "closed"):
        make_dataset(slug=f"level-{level}", title=f"Title {level}", spectrum=level)
    make_dataset(slug="their-group", title="Title their group", spectrum="group")
    make_dataset(slug="our-group", title="Title our group", spectrum="group", collaboration=collab)
    url = f"/datasets/catalog.{suffix}"

    anonymous = Client().get(url)
    registered = login(make_user()).get(url)
    in_group = login(member).get(url)

    def seen(response) -> set[str]:
        graph = Graph().parse(data=response.content.decode(), format=rdf_format)
        return {u.removeprefix(f"{BASE}/datasets/").strip("/") for u in _catalog_datasets(graph)}

    assert seen(anonymous) == {"level-open"}
    assert seen(registered) == {"level-open", "level-public"}
    assert seen(in_group) == {"level-open", "level-public", "our-group"}
    for hidden in ("Title closed", "Title named", "Title group", "Title their group"):
        assert hidden not in in_group.content.decode()


def test_catalog_shows_listed_named_data_to_registered_people_only(login):
    make_dataset(slug="listed-named", spectrum="named", listed=True)
    anonymous = Graph().parse(data=Client().get("/datasets/catalog.ttl").content.decode())
    assert _catalog_datasets(anonymous) == set()
    graph = Graph().parse(data=login(make_user()).get("/datasets/catalog.ttl").content.decode())
    assert _catalog_datasets(graph) == {f"{BASE}/datasets/listed-named/"}


def _open_datasets_with_versions(count: int) -> None:
    for _ in range(count):
        dataset = make_dataset(spectrum=Spectrum.OPEN, licence="CC0-1.0")
        make_version(dataset, {"trip": [1]}, {"fields": [{"name": "trip", "type": "integer"}]})


@pytest.mark.parametrize("suffix", ["jsonld", "ttl"])
def test_catalog_query_count_does_not_grow_with_datasets(login, suffix):
    client = login(make_user())
    _open_datasets_with_versions(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/datasets/catalog.{suffix}").status_code == 200
    _open_datasets_with_versions(4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/datasets/catalog.{suffix}")
    rdf_format = {"jsonld": "json-ld", "ttl": "turtle"}[suffix]
    graph = Graph().parse(data=response.content.decode(), format=rdf_format)
    assert len(_catalog_datasets(graph)) == 6
    assert len(many) == len(few)


def test_dataset_jsonld_tag_renders_schema_org_escaped():
    dataset, latest = _full_dataset()
    Dataset.objects.filter(pk=dataset.pk).update(title="Trips </script><script>alert(1)</script>")
    dataset.refresh_from_db()
    request = RequestFactory().get("/datasets/bike-trips/")

    html = Template("{% load datasets_formats %}{% dataset_jsonld dataset %}").render(
        Context({"dataset": dataset, "request": request})
    )

    opening, closing = '<script type="application/ld+json">', "</script>"
    assert html.startswith(opening) and html.endswith(closing)
    body = html[len(opening) : -len(closing)]
    assert "<" not in body and ">" not in body
    assert "\\u003C/script\\u003E" in body
    page = f"{BASE}/datasets/bike-trips/"
    publisher = {
        "@type": "Organization",
        "name": "Data Cargo",
        "url": f"{BASE}/accounts/organisations/{dataset.owner.slug}/",
        "sameAs": "https://datacargo.example",
    }
    assert json.loads(body) == {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": page,
        "url": page,
        "identifier": "bike-trips",
        "name": "Trips </script><script>alert(1)</script>",
        "description": "One row per delivery trip.",
        "publisher": publisher,
        "creator": publisher,
        "dateCreated": "2024-03-01T10:00:00+00:00",
        "dateModified": "2024-06-15T08:30:00+00:00",
        "isAccessibleForFree": True,
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": "datacollab data catalog",
            "url": f"{BASE}/datasets/",
        },
        "keywords": ["cargo", "bikes"],
        "license": "https://spdx.org/licenses/CC-BY-4.0",
        "temporalCoverage": "2024-01-01/2024-12-31",
        "spatialCoverage": {"@type": "Place", "name": "Amsterdam"},
        "version": "2",
        "variableMeasured": [
            {"@type": "PropertyValue", "name": "trip"},
            {"@type": "PropertyValue", "name": "km"},
        ],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": "CSV, version 2",
                "encodingFormat": "text/csv",
                "contentUrl": f"{page}v2/download.csv",
            },
            {
                "@type": "DataDownload",
                "name": "Parquet, version 2",
                "encodingFormat": "application/vnd.apache.parquet",
                "contentUrl": f"{page}v2/download.parquet",
                "contentSize": f"{latest.byte_size} B",
            },
            {
                "@type": "DataDownload",
                "name": "Data Package (zip), version 2",
                "encodingFormat": "application/zip",
                "contentUrl": f"{page}v2/datapackage.zip",
            },
        ],
    }


def test_dataset_jsonld_tag_names_the_access_conditions_of_protected_data():
    dataset = make_dataset(spectrum=Spectrum.GROUP, temporal_start=dt.date(2023, 1, 1))
    html = Template("{% load datasets_formats %}{% dataset_jsonld dataset %}").render(
        Context({"dataset": dataset, "request": RequestFactory().get("/")})
    )
    data = json.loads(html.removeprefix('<script type="application/ld+json">')[: -len("</script>")])
    assert data["conditionsOfAccess"] == "Group: members of the collaboration"
    assert data["temporalCoverage"] == "2023-01-01/.."
    assert "distribution" not in data


def test_dataset_page_embeds_the_schema_org_json_ld():
    _full_dataset()
    html = Client().get("/datasets/bike-trips/").content.decode()
    opening = '<script type="application/ld+json">'
    assert html.count(opening) == 1
    body = html.split(opening, 1)[1].split("</script>", 1)[0]
    data = json.loads(body)
    assert (data["@type"], data["name"], data["version"]) == ("Dataset", "Cargo-bike trips", "2")


def test_format_link_tags_point_at_the_package_the_diff_and_the_feeds():
    dataset, latest = _full_dataset()
    first = dataset.versions.get(number=1)
    html = Template(
        "{% load datasets_formats %}{% version_format_links dataset first %}|"
        "{% version_format_links dataset latest %}|{% dataset_metadata_links dataset %}"
    ).render(Context({"dataset": dataset, "first": first, "latest": latest}))
    assert html.split("|") == [
        ' · <a href="/datasets/bike-trips/v1/datapackage.zip">Data Package</a>',
        ' · <a href="/datasets/bike-trips/v2/datapackage.zip">Data Package</a>'
        ' · <a href="/datasets/bike-trips/diff/1..2/">Changes</a>',
        'Metadata: <a href="/datasets/bike-trips/dcat.jsonld" type="application/ld+json">'
        'DCAT (JSON-LD)</a> · <a href="/datasets/bike-trips/dcat.ttl" type="text/turtle">'
        'DCAT (Turtle)</a> · <a href="/api/v1/datasets/bike-trips">JSON API</a>',
    ]
