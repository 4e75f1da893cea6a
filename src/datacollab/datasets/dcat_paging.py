"""Hydra paging of the DCAT catalog, so harvesters read a large catalog page by page.

Each page names itself (`<catalog.jsonld?page=N>`) as both a `hydra:PagedCollection` with the
literal `hydra:firstPage` / `nextPage` / `previousPage` / `lastPage`, `totalItems` and
`itemsPerPage` that ckanext-dcat writes and CKAN harvesters read, and a
`hydra:PartialCollectionView` with the current Hydra terms `hydra:first` / `next` /
`previous` / `last` as IRIs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from datacollab.core.errors import DomainError, NotFound
from datacollab.datasets.dcat_vocab import HYDRA


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def parse_page(raw: str | None) -> int:
    """The `page` query parameter: absent is page 1; anything but a whole number from 1 is a
    400 with a message."""
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise DomainError(_("The page is a whole number from 1."), field="page")
    return int(raw)


def page_of(number: int, *, size: int, total: int) -> Page:
    page = Page(number=number, size=max(1, size), total=total)
    if number > page.last:
        raise NotFound(
            _("The catalog has %(n)d pages; there is no page %(page)d.")
            % {"n": page.last, "page": number}
        )
    return page


def links(page: Page) -> dict[str, int]:
    """Relation -> page number: first and last always, previous and next where they exist."""
    found = {"first": 1, "last": page.last}
    if page.number > 1:
        found["previous"] = page.number - 1
    if page.number < page.last:
        found["next"] = page.number + 1
    return found


def link_header(page: Page, url_of: Callable[[int], str]) -> str:
    """The same links as an HTTP `Link` header (RFC 8288), for clients that read no RDF."""
    names = {"previous": "prev"}
    return ", ".join(
        f'<{url_of(number)}>; rel="{names.get(name, name)}"' for name, number in links(page).items()
    )


def add_paging(g: Graph, page: Page, url_of: Callable[[int], str]) -> URIRef:
    node = URIRef(url_of(page.number))
    g.add((node, RDF.type, HYDRA.PagedCollection))
    g.add((node, RDF.type, HYDRA.PartialCollectionView))
    g.add((node, HYDRA.totalItems, Literal(page.total, datatype=XSD.integer)))
    g.add((node, HYDRA.itemsPerPage, Literal(page.size, datatype=XSD.integer)))
    for name, number in links(page).items():
        url = url_of(number)
        g.add((node, HYDRA[name], URIRef(url)))
        g.add((node, HYDRA[f"{name}Page"], Literal(url)))
    return node
