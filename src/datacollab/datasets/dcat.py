"""Metadata for machines: DCAT v3 as profiled by DCAT-AP 3.0.0 (one rdflib graph, serialised as
JSON-LD or Turtle). schema.org is in `dcat_schemaorg.py`, Hydra paging in `dcat_paging.py`.

Builders only: callers pass datasets the viewer may see (`visible_datasets`, `rules.can_see`)
and a function turning a site path into an absolute URL. Distributions point at download URLs,
which apply the access rule themselves.

Every value that DCAT-AP's class-range shapes constrain carries its class in the graph itself
(`<https://spdx.org/licenses/CC-BY-4.0> a dct:LicenseDocument`, a media type `a dct:MediaType`,
...), as ckanext-dcat writes it: validators run without inference and without fetching the
vocabularies, so a value whose class is not stated fails. tests/datasets/test_dcat_shacl.py
checks every feed against the official shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from datacollab.collaborations.models import AgreementVersion
from datacollab.datasets.datapackage import spdx_url
from datacollab.datasets.dcat_vocab import (
    ACCESS_RIGHT,
    ACCESS_RIGHT_SCHEME,
    ACCESS_RIGHTS,
    DATA_THEME,
    DATA_THEME_SCHEME,
    DATA_THEMES,
    FREQUENCIES,
    FREQUENCY,
    FREQUENCY_SCHEME,
    HYDRA,
    SPDX,
    VCARD,
    eu_themes,
)
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum

__all__ = ["ACCESS_RIGHT", "DCAT_VERSION", "FREQUENCY", "SPDX", "VCARD"]

# DCAT 3 terms that rdflib's (DCAT 2) closed namespace lacks.
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
PARQUET = "application/vnd.apache.parquet"

CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "spdx": str(SPDX),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "hydra": str(HYDRA),
    "odrl": str(ODRL),
}
FORMATS = {"jsonld": ("json-ld", "application/ld+json"), "ttl": ("turtle", "text/turtle")}

Absolute = Callable[[str], str]


def latest_versions(dataset_ids: Iterable[int]) -> dict[int, DatasetVersion]:
    """Each dataset's newest version, in one query (schema and report left behind)."""
    newest = (
        DatasetVersion.objects.filter(dataset_id=OuterRef("dataset_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = DatasetVersion.objects.filter(
        dataset_id__in=list(dataset_ids), number=Subquery(newest)
    ).defer("schema", "report", "detected")
    return {v.dataset_id: v for v in versions}


def _url(absolute: Absolute, name: str, **kwargs: Any) -> str:
    return absolute(reverse(name, kwargs=kwargs))


def page_url(dataset: Dataset, absolute: Absolute) -> str:
    return _url(absolute, "dataset-detail", slug=dataset.slug)


def licence_url(dataset: Dataset, absolute: Absolute) -> str | None:
    """The document that licenses the data: the SPDX page of an SPDX licence, else the page of
    the agreement people accept (custom and `LicenseRef-` terms are written there), else None."""
    url = spdx_url(dataset.licence)
    if url:
        return url
    agreement = dataset.agreement if dataset.agreement_id is not None else None
    if agreement is not None:
        return _url(absolute, "agreement-detail", agreement_slug=agreement.slug)
    return None


def current_policies(datasets: Iterable[Dataset], absolute: Absolute) -> dict[int, str]:
    """Dataset id -> the ODRL policy of its agreement's current text (the `uid` that
    /collaborations/agreements/<slug>/odrl.jsonld gives it), in one query."""
    with_agreement = [d for d in datasets if d.agreement_id is not None]
    numbers = dict(
        AgreementVersion.objects.filter(agreement_id__in={d.agreement_id for d in with_agreement})
        .values("agreement_id")
        .annotate(newest=Max("number"))
        .values_list("agreement_id", "newest")
    )
    policies: dict[int, str] = {}
    for dataset in with_agreement:
        agreement = dataset.agreement
        if agreement is not None and dataset.agreement_id in numbers:
            page = _url(absolute, "agreement-detail", agreement_slug=agreement.slug)
            policies[dataset.pk] = f"{page}#version-{numbers[dataset.agreement_id]}"
    return policies


def distributions(
    dataset: Dataset, version: DatasetVersion, absolute: Absolute
) -> list[dict[str, Any]]:
    """The downloads of one version: CSV, Parquet and the Data Package (title, URL, type, size)."""
    number = version.number
    found: list[dict[str, Any]] = [
        {
            "key": "csv",
            "title": _("CSV, version %(n)s") % {"n": number},
            "url": _url(absolute, "dataset-download-csv", slug=dataset.slug, version=number),
            "media_type": "text/csv",
            "byte_size": None,
        },
        {
            "key": "parquet",
            "title": _("Parquet, version %(n)s") % {"n": number},
            "url": _url(absolute, "dataset-download-parquet", slug=dataset.slug, version=number),
            "media_type": PARQUET,
            "byte_size": version.byte_size,
            "sha256": version.checksum,
        },
        {
            "key": "datapackage",
            "title": _("Data Package (zip), version %(n)s") % {"n": number},
            "url": _url(absolute, "dataset-datapackage", slug=dataset.slug, version=number),
            "media_type": "application/zip",
            "byte_size": None,
        },
    ]
    return found


def _typed(g: Graph, node: URIRef | BNode, *classes: URIRef) -> URIRef | BNode:
    for cls in classes:
        g.add((node, RDF.type, cls))
    return node


def _document(g: Graph, url: str) -> URIRef:
    return URIRef(_typed(g, URIRef(url), FOAF.Document))


def _add_agent(g: Graph, node: URIRef, name: str, homepage: str = "") -> URIRef:
    _typed(g, node, FOAF.Agent, FOAF.Organization)
    g.add((node, FOAF.name, Literal(name)))
    if homepage:
        g.add((node, FOAF.homepage, _document(g, homepage)))
    return node


def _add_publisher(g: Graph, dataset: Dataset, absolute: Absolute) -> URIRef:
    org = dataset.owner
    node = URIRef(_url(absolute, "organisation-detail", slug=org.slug))
    return _add_agent(g, node, org.name, org.website)


def _add_contact(g: Graph, dataset: Dataset) -> BNode:
    node = BNode()
    # vcard:Kind is what DCAT-AP's range asks for; vcard:Organization says which kind.
    _typed(g, node, VCARD.Kind, VCARD.Organization)
    g.add((node, VCARD.fn, Literal(dataset.owner.name)))
    g.add((node, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    return node


def _add_temporal(g: Graph, dataset: Dataset) -> BNode:
    node = BNode()
    g.add((node, RDF.type, DCTERMS.PeriodOfTime))
    if dataset.temporal_start:
        g.add((node, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date)))
    if dataset.temporal_end:
        g.add((node, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date)))
    return node


def _add_frequency(g: Graph, text: str) -> URIRef | BNode:
    code = FREQUENCIES.get(text.strip().lower())
    if code:
        node = URIRef(FREQUENCY[code])
        g.add((node, SKOS.inScheme, FREQUENCY_SCHEME))
        return _typed(g, node, DCTERMS.Frequency)
    node_b = BNode()
    g.add((node_b, RDF.type, DCTERMS.Frequency))
    g.add((node_b, RDFS.label, Literal(text)))
    return node_b


def _add_access_rights(g: Graph, dataset: Dataset) -> URIRef:
    node = URIRef(ACCESS_RIGHT[ACCESS_RIGHTS[Spectrum(dataset.spectrum)]])
    g.add((node, SKOS.inScheme, ACCESS_RIGHT_SCHEME))
    return URIRef(_typed(g, node, DCTERMS.RightsStatement))


def own_theme_scheme(absolute: Absolute) -> URIRef:
    """The network's own theme words, as a concept scheme named by the catalog page."""
    return URIRef(_url(absolute, "dataset-catalog") + "#themes")


def _add_themes(g: Graph, page: URIRef, dataset: Dataset, absolute: Absolute) -> None:
    for theme in dataset.themes or []:
        concept = BNode()
        _typed(g, concept, SKOS.Concept)
        g.add((concept, SKOS.prefLabel, Literal(str(theme))))
        g.add((concept, SKOS.inScheme, own_theme_scheme(absolute)))
        g.add((page, DCAT.theme, concept))
    for code in eu_themes([str(t) for t in dataset.themes or []]):
        eu = URIRef(DATA_THEME[code])
        _typed(g, eu, SKOS.Concept)
        g.add((eu, SKOS.prefLabel, Literal(DATA_THEMES[code], lang="en")))
        g.add((eu, SKOS.inScheme, DATA_THEME_SCHEME))
        g.add((page, DCAT.theme, eu))


def _add_distribution(
    g: Graph,
    found: Mapping[str, Any],
    licence: URIRef | None,
    page: URIRef,
    policy: URIRef | None = None,
) -> URIRef:
    node = URIRef(found["url"])
    # The distribution is named by its download URL, so it is that rdfs:Resource too.
    _typed(g, node, DCAT.Distribution, RDFS.Resource)
    g.add((node, DCTERMS.title, Literal(found["title"])))
    g.add((node, DCAT.downloadURL, node))
    g.add((node, DCAT.accessURL, _typed(g, page, RDFS.Resource)))
    media = _typed(g, URIRef(MEDIA_TYPE + found["media_type"]), DCTERMS.MediaType)
    g.add((node, DCAT.mediaType, media))
    if found["byte_size"] is not None:
        g.add((node, DCAT.byteSize, Literal(found["byte_size"], datatype=XSD.nonNegativeInteger)))
    if found.get("sha256"):
        checksum = BNode()
        g.add((checksum, RDF.type, SPDX.Checksum))
        algorithm = _typed(g, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)
        g.add((checksum, SPDX.algorithm, algorithm))
        g.add((checksum, SPDX.checksumValue, Literal(found["sha256"], datatype=XSD.hexBinary)))
        g.add((node, SPDX.checksum, checksum))
    if licence is not None:
        g.add((node, DCTERMS.license, licence))
    if policy is not None:
        g.add((node, ODRL.hasPolicy, policy))
    return node


def add_dataset(
    g: Graph,
    dataset: Dataset,
    latest: DatasetVersion | None,
    absolute: Absolute,
    policy: str | None = None,
) -> URIRef:
    """The dataset's triples; its URI is its page (the landing page people and crawlers share),
    so it is also that page's foaf:Document."""
    page = URIRef(page_url(dataset, absolute))
    g.add((page, RDF.type, DCAT.Dataset))
    g.add((page, DCTERMS.identifier, Literal(dataset.slug)))
    g.add((page, DCTERMS.title, Literal(dataset.title)))
    # DCAT-AP requires a description: the title stands in for a dataset that has none.
    g.add((page, DCTERMS.description, Literal(dataset.description or dataset.title)))
    g.add((page, DCAT.landingPage, _document(g, str(page))))
    for keyword in dataset.keywords or []:
        g.add((page, DCAT.keyword, Literal(str(keyword))))
    _add_themes(g, page, dataset, absolute)
    url = licence_url(dataset, absolute)
    licence = URIRef(_typed(g, URIRef(url), DCTERMS.LicenseDocument)) if url else None
    if licence is not None:
        g.add((page, DCTERMS.license, licence))
    g.add((page, DCTERMS.accessRights, _add_access_rights(g, dataset)))
    g.add((page, DCTERMS.publisher, _add_publisher(g, dataset, absolute)))
    if dataset.temporal_start or dataset.temporal_end:
        g.add((page, DCTERMS.temporal, _add_temporal(g, dataset)))
    if dataset.spatial:
        place = BNode()
        g.add((place, RDF.type, DCTERMS.Location))
        g.add((place, RDFS.label, Literal(dataset.spatial)))
        g.add((page, DCTERMS.spatial, place))
    if dataset.update_frequency:
        g.add((page, DCTERMS.accrualPeriodicity, _add_frequency(g, dataset.update_frequency)))
    if dataset.contact_email:
        g.add((page, DCAT.contactPoint, _add_contact(g, dataset)))
    g.add((page, DCTERMS.issued, Literal(dataset.created_at, datatype=XSD.dateTime)))
    modified = latest.created_at if latest else dataset.updated_at
    g.add((page, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    # The agreement's terms as an ODRL policy (an Offer: see collaborations/odrl.py).
    offer = URIRef(_typed(g, URIRef(policy), ODRL.Policy, ODRL.Offer)) if policy else None
    if latest is not None:
        g.add((page, DCAT_VERSION, Literal(str(latest.number))))
        for found in distributions(dataset, latest, absolute):
            node = _add_distribution(g, found, licence, page, offer)
            g.add((page, DCAT.distribution, node))
    return page


def _graph() -> Graph:
    g = Graph()
    for prefix, namespace in CONTEXT.items():
        g.bind(prefix, namespace)
    return g


def dataset_graph(dataset: Dataset, latest: DatasetVersion | None, absolute: Absolute) -> Graph:
    g = _graph()
    policy = current_policies([dataset], absolute).get(dataset.pk)
    add_dataset(g, dataset, latest, absolute, policy)
    return g


def network_agent(g: Graph, absolute: Absolute) -> URIRef:
    """The network that runs the site: the catalog's publisher, named under the home page."""
    home = absolute("/")
    return _add_agent(g, URIRef(home + "#network"), settings.NETWORK_NAME, home)


def add_catalog(g: Graph, absolute: Absolute) -> URIRef:
    # Like a dataset, the catalog is named by its page.
    catalog = URIRef(_url(absolute, "dataset-catalog"))
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(_("datacollab data catalog"))))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(_("Datasets of the network's data collaborations that you may see.")),
        )
    )
    g.add((catalog, DCTERMS.publisher, network_agent(g, absolute)))
    g.add((catalog, FOAF.homepage, _document(g, absolute("/"))))
    own = own_theme_scheme(absolute)
    _typed(g, own, SKOS.ConceptScheme)
    g.add((own, DCTERMS.title, Literal(_("Themes of the network's datasets"))))
    _typed(g, DATA_THEME_SCHEME, SKOS.ConceptScheme)
    g.add((DATA_THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))
    g.add((catalog, DCAT.themeTaxonomy, own))
    g.add((catalog, DCAT.themeTaxonomy, DATA_THEME_SCHEME))
    return catalog


def catalog_graph(
    datasets: Iterable[Dataset], latest: Mapping[int, DatasetVersion], absolute: Absolute
) -> Graph:
    """The catalog of the given datasets: pass `visible_datasets(viewer)` and nothing else."""
    g = _graph()
    catalog = add_catalog(g, absolute)
    datasets = list(datasets)
    policies = current_policies(datasets, absolute)
    for dataset in datasets:
        node = add_dataset(g, dataset, latest.get(dataset.pk), absolute, policies.get(dataset.pk))
        g.add((catalog, DCAT.dataset, node))
    return g


def serialize(g: Graph, fmt: str) -> str:
    """`fmt` is a key of FORMATS: "jsonld" (compacted with our prefixes) or "ttl"."""
    rdflib_format, _media_type = FORMATS[fmt]
    if rdflib_format == "json-ld":
        return g.serialize(format="json-ld", context=CONTEXT, indent=2)
    return g.serialize(format="turtle")
