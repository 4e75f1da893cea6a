"""Metadata for machines: DCAT v3 (one rdflib graph, serialised as JSON-LD or Turtle) and
schema.org Dataset JSON-LD for search engines.

Builders only: callers pass datasets the viewer may see (`visible_datasets`, `rules.can_see`)
and a function turning a site path into an absolute URL. Distributions point at download URLs,
which apply the access rule themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from datacollab.datasets.datapackage import spdx_url
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
# EU vocabularies that DCAT-AP uses for update frequency and access rights.
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
# DCAT 3 terms that rdflib's (DCAT 2) closed namespace lacks.
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
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
}
FORMATS = {"jsonld": ("json-ld", "application/ld+json"), "ttl": ("turtle", "text/turtle")}

_FREQUENCIES = {
    "continuous": "UPDATE_CONT",
    "real-time": "UPDATE_CONT",
    "realtime": "UPDATE_CONT",
    "hourly": "HOURLY",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "annually": "ANNUAL",
    "annual": "ANNUAL",
    "yearly": "ANNUAL",
    "irregular": "IRREG",
    "never": "NEVER",
}
_ACCESS_RIGHTS = {
    Spectrum.OPEN: "PUBLIC",
    Spectrum.PUBLIC: "RESTRICTED",
    Spectrum.GROUP: "RESTRICTED",
    Spectrum.NAMED: "RESTRICTED",
    Spectrum.CLOSED: "NON_PUBLIC",
}

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


def _add_publisher(g: Graph, dataset: Dataset, absolute: Absolute) -> URIRef:
    org = dataset.owner
    node = URIRef(_url(absolute, "organisation-detail", slug=org.slug))
    g.add((node, RDF.type, FOAF.Agent))
    g.add((node, RDF.type, FOAF.Organization))
    g.add((node, FOAF.name, Literal(org.name)))
    if org.website:
        g.add((node, FOAF.homepage, URIRef(org.website)))
    return node


def _add_contact(g: Graph, dataset: Dataset) -> BNode:
    node = BNode()
    g.add((node, RDF.type, VCARD.Organization))
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
    code = _FREQUENCIES.get(text.strip().lower())
    if code:
        return FREQUENCY[code]
    node = BNode()
    g.add((node, RDF.type, DCTERMS.Frequency))
    g.add((node, RDFS.label, Literal(text)))
    return node


def _add_distribution(
    g: Graph, found: Mapping[str, Any], licence: URIRef | None, page: URIRef
) -> URIRef:
    node = URIRef(found["url"])
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(found["title"])))
    g.add((node, DCAT.downloadURL, node))
    g.add((node, DCAT.accessURL, page))
    g.add((node, DCAT.mediaType, URIRef(MEDIA_TYPE + found["media_type"])))
    if found["byte_size"] is not None:
        g.add((node, DCAT.byteSize, Literal(found["byte_size"], datatype=XSD.nonNegativeInteger)))
    if found.get("sha256"):
        checksum = BNode()
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(found["sha256"], datatype=XSD.hexBinary)))
        g.add((node, SPDX.checksum, checksum))
    if licence is not None:
        g.add((node, DCTERMS.license, licence))
    return node


def add_dataset(
    g: Graph, dataset: Dataset, latest: DatasetVersion | None, absolute: Absolute
) -> URIRef:
    """The dataset's triples; its URI is its page (the landing page people and crawlers share)."""
    page = URIRef(_page(dataset, absolute))
    g.add((page, RDF.type, DCAT.Dataset))
    g.add((page, DCTERMS.identifier, Literal(dataset.slug)))
    g.add((page, DCTERMS.title, Literal(dataset.title)))
    if dataset.description:
        g.add((page, DCTERMS.description, Literal(dataset.description)))
    g.add((page, DCAT.landingPage, page))
    for keyword in dataset.keywords or []:
        g.add((page, DCAT.keyword, Literal(str(keyword))))
    for theme in dataset.themes or []:
        concept = BNode()
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.prefLabel, Literal(str(theme))))
        g.add((page, DCAT.theme, concept))
    url = spdx_url(dataset.licence)
    licence = URIRef(url) if url else None
    if licence is not None:
        g.add((page, DCTERMS.license, licence))
    g.add((page, DCTERMS.accessRights, ACCESS_RIGHT[_ACCESS_RIGHTS[Spectrum(dataset.spectrum)]]))
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
    if latest is not None:
        g.add((page, DCAT_VERSION, Literal(str(latest.number))))
        for found in distributions(dataset, latest, absolute):
            g.add((page, DCAT.distribution, _add_distribution(g, found, licence, page)))
    return page


def _graph() -> Graph:
    g = Graph()
    for prefix, namespace in CONTEXT.items():
        g.bind(prefix, namespace)
    return g


def dataset_graph(dataset: Dataset, latest: DatasetVersion | None, absolute: Absolute) -> Graph:
    g = _graph()
    add_dataset(g, dataset, latest, absolute)
    return g


def catalog_graph(
    datasets: Iterable[Dataset], latest: Mapping[int, DatasetVersion], absolute: Absolute
) -> Graph:
    """The catalog of the given datasets: pass `visible_datasets(viewer)` and nothing else."""
    g = _graph()
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
    g.add((catalog, FOAF.homepage, catalog))
    for dataset in datasets:
        g.add((catalog, DCAT.dataset, add_dataset(g, dataset, latest.get(dataset.pk), absolute)))
    return g


def serialize(g: Graph, fmt: str) -> str:
    """`fmt` is a key of FORMATS: "jsonld" (compacted with our prefixes) or "ttl"."""
    rdflib_format, _media_type = FORMATS[fmt]
    if rdflib_format == "json-ld":
        return g.serialize(format="json-ld", context=CONTEXT, indent=2)
    return g.serialize(format="turtle")


def _page(dataset: Dataset, absolute: Absolute) -> str:
    return _url(absolute, "dataset-detail", slug=dataset.slug)


def schema_org(
    dataset: Dataset, latest: DatasetVersion | None, absolute: Absolute
) -> dict[str, Any]:
    """schema.org/Dataset for the dataset page (what search engines such as Google Dataset
    Search read)."""
    page = _page(dataset, absolute)
    org = dataset.owner
    publisher: dict[str, Any] = {"@type": "Organization", "name": org.name}
    publisher["url"] = _url(absolute, "organisation-detail", slug=org.slug)
    if org.website:
        publisher["sameAs"] = org.website
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": page,
        "url": page,
        "identifier": dataset.slug,
        "name": dataset.title,
        "description": dataset.description or dataset.title,
        "publisher": publisher,
        "creator": publisher,
        "dateCreated": dataset.created_at.isoformat(),
        "dateModified": (latest.created_at if latest else dataset.updated_at).isoformat(),
        "isAccessibleForFree": True,
    }
    if dataset.keywords:
        data["keywords"] = [str(k) for k in dataset.keywords]
    url = spdx_url(dataset.licence)
    if url:
        data["license"] = url
    if dataset.spectrum != Spectrum.OPEN:
        data["conditionsOfAccess"] = str(Spectrum(dataset.spectrum).label)
    if dataset.temporal_start or dataset.temporal_end:
        start = dataset.temporal_start.isoformat() if dataset.temporal_start else ".."
        end = dataset.temporal_end.isoformat() if dataset.temporal_end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    if dataset.spatial:
        data["spatialCoverage"] = dataset.spatial
    if latest is not None:
        data["version"] = str(latest.number)
        data["distribution"] = [
            {
                "@type": "DataDownload",
                "name": found["title"],
                "encodingFormat": found["media_type"],
                "contentUrl": found["url"],
                **({"contentSize": f"{found['byte_size']} B"} if found["byte_size"] else {}),
            }
            for found in distributions(dataset, latest, absolute)
        ]
    return data
