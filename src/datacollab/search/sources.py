"""What is searchable: one `Source` per kind, declared here and nowhere else.

A source says which objects have an entry, how to make an entry's text from one, where its page
is, and whose objects a person may see. That last one always delegates to the owning app's
selector, so search applies exactly the rule the app's own pages apply, and never widens it.
Imports of the owning apps are made inside the functions: those apps call `search.index`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from datacollab.core.markdown import render_markdown


@dataclass(frozen=True)
class Entry:
    """The text of one search document: the title weighs most, then `extra`, then the body."""

    title: str
    body: str = ""
    extra: str = ""


@dataclass(frozen=True)
class Source:
    kind: str
    label: Promise  # plural, for the tabs of the search page
    # The objects that have an entry, fetched with whatever `entry` reads.
    indexed: Callable[[], QuerySet[Any]]
    entry: Callable[[Any], Entry]
    # The objects this person may see: the owning app's selector, nothing else.
    visible: Callable[[Any], QuerySet[Any]]
    url: Callable[[Any], str]
    # A field that changes with the object's text; an entry older than it is stale and is
    # rewritten before a search of that kind (see index.catch_up). None: services only.
    stamp: str | None = None


sources: dict[str, Source] = {}


def register(source: Source) -> Source:
    sources[source.kind] = source
    return source


def plain(markdown: str) -> str:
    """The words of a Markdown text, as a reader sees them (no markup, no raw HTML)."""
    return html.unescape(strip_tags(render_markdown(markdown or ""))).strip()


def _join(*parts: Any) -> str:
    return " ".join(str(part) for part in parts if part)


# Datasets -------------------------------------------------------------------------------------


def _datasets() -> QuerySet[Any]:
    from datacollab.datasets.models import Dataset

    return Dataset.objects.select_related("owner", "collaboration")


def _dataset_entry(dataset: Any) -> Entry:
    collaboration = dataset.collaboration.name if dataset.collaboration else ""
    return Entry(
        title=dataset.title,
        body=plain(dataset.description),
        extra=_join(
            *(dataset.keywords or []),
            *(dataset.themes or []),
            dataset.owner.name,
            collaboration,
            dataset.spatial,
        ),
    )


def _visible_datasets(user: Any) -> QuerySet[Any]:
    from datacollab.datasets.selectors.access import visible_datasets

    return visible_datasets(user)


register(
    Source(
        kind="dataset",
        label=_("Datasets"),
        indexed=_datasets,
        entry=_dataset_entry,
        visible=_visible_datasets,
        url=lambda dataset: reverse("dataset-detail", kwargs={"slug": dataset.slug}),
        stamp="updated_at",
    )
)
