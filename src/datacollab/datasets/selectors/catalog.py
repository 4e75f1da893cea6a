"""The catalog: search, facets and pages over the datasets this person may see, and nothing else.

Everything starts from `visible_datasets(actor)`: results, counts and facet counts never include
a dataset the person may not learn exists. The query count does not grow with the catalog:
a few for the search (see `search.index.catch_up`), one for the facet rows, one for the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from datacollab.datasets import search
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum
from datacollab.datasets.selectors.access import visible_datasets

PAGE_SIZE = 20
FACETS: dict[str, Any] = {
    "theme": _("Theme"),
    "licence": _("Licence"),
    "spectrum": _("Data Spectrum level"),
    "organisation": _("Organisation"),
    "format": _("Format"),
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass
class CatalogResult:
    page: Page  # of Dataset, with `latest_format` and `latest_version` annotated
    total: int
    facets: list[Facet]
    q: str
    selected: dict[str, list[str]] = field(default_factory=dict)


def _latest(name: str) -> Subquery:
    versions = DatasetVersion.objects.filter(dataset=OuterRef("pk")).order_by("-number")
    return Subquery(versions.values(name)[:1])


def with_latest_version(queryset: QuerySet[Dataset]) -> QuerySet[Any]:
    return queryset.annotate(
        latest_format=_latest("source_format"), latest_number=_latest("number")
    )


def _row_values(row: Mapping[str, Any]) -> dict[str, set[str]]:
    """The values each facet sees for one dataset (themes: several; the rest: one or none)."""
    return {
        "theme": {str(t) for t in row["themes"] or []},
        "licence": {row["licence"]} if row["licence"] else set(),
        "spectrum": {row["spectrum"]},
        "organisation": {row["owner__slug"]},
        "format": {row["latest_format"].lower()} if row["latest_format"] else set(),
    }


def _passes(values: dict[str, set[str]], selected: dict[str, set[str]], skip: str = "") -> bool:
    # Within a facet the chosen values are alternatives (OR); across facets all must hold (AND).
    return all(
        not chosen or values[name] & chosen for name, chosen in selected.items() if name != skip
    )


def _labels(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    spectrum = {value: str(label).split(":")[0] for value, label in Spectrum.choices}
    organisations = {row["owner__slug"]: row["owner__name"] for row in rows}
    return {"spectrum": spectrum, "organisation": organisations}


def search_catalog(
    actor: Any,
    *,
    q: str = "",
    filters: Mapping[str, Iterable[str]] | None = None,
    page: int | str = 1,
    page_size: int = PAGE_SIZE,
) -> CatalogResult:
    """Datasets visible to `actor` that match `q` and every facet filter, with facet counts.

    Facet counts are "what you would get by also choosing this value": each facet is counted
    over the results of the search and of the other facets' choices.
    """
    selected = {name: {str(v) for v in (filters or {}).get(name, []) if str(v)} for name in FACETS}
    rows = {
        row["pk"]: row
        for row in with_latest_version(visible_datasets(actor))
        .order_by("title", "pk")
        .values(
            "pk", "themes", "licence", "spectrum", "owner__slug", "owner__name", "latest_format"
        )
    }
    ordered_ids = search.search_ids(visible_datasets(actor), q) if search.words(q) else list(rows)
    # Facets count what the search found: `values` follows the search order, matches only.
    values = {pk: _row_values(rows[pk]) for pk in ordered_ids if pk in rows}
    result_ids = [pk for pk in values if _passes(values[pk], selected)]
    labels = _labels(rows.values())
    facets = []
    for name, label in FACETS.items():
        counts: Counter[str] = Counter()
        for pk in values:
            if _passes(values[pk], selected, skip=name):
                counts.update(values[pk][name])
        for chosen in selected[name]:
            counts.setdefault(chosen, 0)
        names = labels.get(name, {})
        facet_values = [
            FacetValue(value, names.get(value, value), count, value in selected[name])
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        facets.append(Facet(name=name, label=str(label), values=facet_values))
    paginator = Paginator(result_ids, page_size)
    current = paginator.get_page(page)
    objects = {
        ds.pk: ds
        for ds in with_latest_version(
            Dataset.objects.filter(pk__in=list(current.object_list))
        ).select_related("owner")
    }
    current.object_list = [objects[pk] for pk in current.object_list if pk in objects]
    return CatalogResult(
        page=current,
        total=len(result_ids),
        facets=facets,
        q=q,
        selected={name: sorted(chosen) for name, chosen in selected.items() if chosen},
    )
