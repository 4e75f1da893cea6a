"""The DCAT catalog page by page (`?page=N`), with Hydra paging as ckanext-dcat writes it."""

from __future__ import annotations

import pytest
from django.test import Client
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF, XSD

from datacollab.datasets.dcat_vocab import HYDRA
from datacollab.datasets.models import Spectrum
from tests.factories import make_user
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
CATALOG = URIRef(f"{BASE}/datasets/")
FORMATS = [("jsonld", "json-ld"), ("ttl", "turtle")]


@pytest.fixture
def five_open(settings):
    settings.DCAT_CATALOG_PAGE_SIZE = 2
    for n in range(5):
        make_dataset(slug=f"open-{n}", title=f"Open {n}", spectrum=Spectrum.OPEN)
    make_dataset(slug="shut", title="Shut", spectrum=Spectrum.CLOSED)


def _get(client: Client, url: str, rdf_format: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format=rdf_format)


def _paging(graph: Graph) -> dict[str, object]:
    (view,) = graph.subjects(RDF.type, HYDRA.PartialCollectionView)
    assert (view, RDF.type, HYDRA.PagedCollection) in graph
    found: dict[str, object] = {"@id": str(view)}
    for name in ("first", "previous", "next", "last"):
        link = graph.value(view, HYDRA[name])
        if link is not None:
            found[name] = str(link)
            # The literal twin that CKAN harvesters read.
            assert graph.value(view, HYDRA[f"{name}Page"]) == Literal(str(link))
    found["totalItems"] = graph.value(view, HYDRA.totalItems)
    found["itemsPerPage"] = graph.value(view, HYDRA.itemsPerPage)
    return found


def _slugs(graph: Graph) -> list[str]:
    return sorted(
        str(d).removeprefix(f"{BASE}/datasets/") for d in graph.objects(CATALOG, DCAT.dataset)
    )


@pytest.mark.parametrize(("suffix", "rdf_format"), FORMATS)
def test_catalog_first_page_links_next_and_last(five_open, suffix, rdf_format):
    graph = _get(Client(), f"/datasets/catalog.{suffix}", rdf_format)

    feed = f"{BASE}/datasets/catalog.{suffix}"
    assert _paging(graph) == {
        "@id": f"{feed}?page=1",
        "first": f"{feed}?page=1",
        "next": f"{feed}?page=2",
        "last": f"{feed}?page=3",
        "totalItems": Literal(5, datatype=XSD.integer),
        "itemsPerPage": Literal(2, datatype=XSD.integer),
    }
    assert _slugs(graph) == ["open-0/", "open-1/"]


@pytest.mark.parametrize(("suffix", "rdf_format"), FORMATS)
def test_catalog_last_page_links_previous_and_no_next(five_open, suffix, rdf_format):
    graph = _get(Client(), f"/datasets/catalog.{suffix}?page=3", rdf_format)

    feed = f"{BASE}/datasets/catalog.{suffix}"
    paging = _paging(graph)
    assert (paging["previous"], "next" in paging) == (f"{feed}?page=2", False)
    assert _slugs(graph) == ["open-4/"]


@pytest.mark.parametrize(("suffix", "rdf_format"), FORMATS)
def test_catalog_harvest_following_next_reads_each_visible_dataset_once(
    five_open, login, suffix, rdf_format
):
    client = login(make_user())
    url: str | None = f"/datasets/catalog.{suffix}"
    seen: list[str] = []
    while url:
        graph = _get(client, url, rdf_format)
        seen += _slugs(graph)
        following = _paging(graph).get("next")
        url = str(following).removeprefix(BASE) if following else None

    assert seen == [f"open-{n}/" for n in range(5)]


def test_catalog_empty_has_one_page(settings):
    graph = _get(Client(), "/datasets/catalog.ttl", "turtle")

    paging = _paging(graph)
    assert (paging["first"], paging["last"], paging["totalItems"]) == (
        f"{BASE}/datasets/catalog.ttl?page=1",
        f"{BASE}/datasets/catalog.ttl?page=1",
        Literal(0, datatype=XSD.integer),
    )


@pytest.mark.parametrize(("page", "status"), [("0", 400), ("-1", 400), ("two", 400), ("4", 404)])
def test_catalog_page_out_of_range_is_refused_with_a_message(five_open, page, status):
    response = Client().get(f"/datasets/catalog.jsonld?page={page}")

    assert response.status_code == status


def test_catalog_page_has_the_same_links_as_an_http_link_header(five_open):
    response = Client().get("/datasets/catalog.ttl?page=2")

    feed = f"{BASE}/datasets/catalog.ttl"
    assert response["Link"] == (
        f'<{feed}?page=1>; rel="first", <{feed}?page=3>; rel="last", '
        f'<{feed}?page=1>; rel="prev", <{feed}?page=3>; rel="next"'
    )
