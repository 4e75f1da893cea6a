"""The search page's read: matches of the index within what this person may see.

Every kind's scope is `visible(user)` of its source (the owning app's selector), embedded in the
match query: results and counts never include an object the person may not see. The objects of
the page shown are then read again through the same selector, for their links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import NoReverseMatch
from django.utils.safestring import SafeString

from datacollab.search import index, query, snippets
from datacollab.search.sources import sources

PAGE_SIZE = 20


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    title: SafeString  # escaped, matches marked
    snippet: SafeString  # escaped, matches marked
    url: str
    object: Any


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    q: str
    kind: str  # "" for every kind
    page: Page  # of Hit
    kinds: list[KindCount]
    total: int  # every kind, whatever `kind` is

    @property
    def shown(self) -> int:
        return self.page.paginator.count


class _Rows(Sequence[query.Row]):
    """The matches, read one page at a time (Paginator asks for the length, then a slice)."""

    def __init__(self, terms: list[str], scopes: dict[str, QuerySet[Any]], count: int) -> None:
        self.terms, self.scopes, self.count_ = terms, scopes, count

    def __len__(self) -> int:
        return self.count_

    @overload
    def __getitem__(self, item: int) -> query.Row: ...
    @overload
    def __getitem__(self, item: slice) -> list[query.Row]: ...
    def __getitem__(self, item: int | slice) -> query.Row | list[query.Row]:
        if isinstance(item, int):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop if item.stop is not None else self.count_
        return query.ranked(self.terms, self.scopes, limit=stop - start, offset=start)


def _url(kind: str, obj: Any) -> str:
    try:
        return sources[kind].url(obj)
    except NoReverseMatch:  # the owning app's page is not there (yet): show the hit unlinked
        return ""


def _hits(user: Any, rows: list[query.Row], terms: list[str]) -> list[Hit]:
    wanted: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        wanted[row.kind].append(row.object_id)
    objects = {
        (kind, obj.pk): obj
        for kind, ids in wanted.items()
        for obj in sources[kind].visible(user).filter(pk__in=ids)
    }
    hits = []
    for row in rows:
        obj = objects.get((row.kind, row.object_id))
        if obj is None:  # gone since the match query
            continue
        # Around the body's first match, or its start when the title or tags matched.
        text = row.body or row.extra
        hits.append(
            Hit(
                kind=row.kind,
                kind_label=str(sources[row.kind].label),
                title=snippets.highlight(row.title, terms),
                snippet=snippets.snippet(text, terms),
                url=_url(row.kind, obj),
                object=obj,
            )
        )
    return hits


def search(
    user: Any, *, q: str, kind: str = "", page: int | str = 1, page_size: int = PAGE_SIZE
) -> SearchResult:
    """What `user` may see that matches every word of `q`, best first, `kind` only if given."""
    terms = query.words(q)
    kind = kind if kind in sources else ""
    scopes = {name: source.visible(user) for name, source in sources.items()} if terms else {}
    for name, scope in scopes.items():
        index.catch_up(name, scope)
    counts = query.counts(terms, scopes)
    shown = {kind: scopes[kind]} if kind and terms else scopes
    total_shown = counts.get(kind, 0) if kind else sum(counts.values())
    paginator: Paginator[Any] = Paginator(_Rows(terms, shown, total_shown), page_size)
    current = paginator.get_page(page)
    current.object_list = _hits(user, list(current.object_list), terms)
    kinds = [
        KindCount(name, str(source.label), counts.get(name, 0), name == kind)
        for name, source in sources.items()
    ]
    return SearchResult(q=q, kind=kind, page=current, kinds=kinds, total=sum(counts.values()))
