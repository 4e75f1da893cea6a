"""Full-text search of the catalog: one function per database vendor, the same contract.

`search_ids(queryset, q)` gives the ids of the datasets in `queryset` that match every word of
`q` (in the title, description, keywords, themes or owner's name), best first. The caller
passes an already access-filtered queryset (`visible_datasets`), so search never widens it.

- PostgreSQL: a weighted tsvector (title A; keywords, themes B; owner C; description D) matched
  with prefix terms (`sensor` finds "sensors") under the `simple` configuration, which does not
  stem English words, since the catalog is multilingual; ranked by ts_rank.
- SQLite (development, tests): every word must occur, as a case-insensitive substring, in one of
  the fields; matched in Python with Unicode case folding (SQLite's LIKE folds ASCII only).
  Titles matching more words come first. Fine for catalogs of thousands of datasets.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast

from datacollab.datasets.models import Dataset

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12


def words(q: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(q or "")][:MAX_WORDS]


def search_ids(queryset: QuerySet[Dataset], q: str) -> list[int]:
    terms = words(q)
    if not terms:
        return list(queryset.order_by("title", "pk").values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        return _postgresql(queryset, terms)
    return _substring(queryset, terms)


def _postgresql(queryset: QuerySet[Dataset], terms: list[str]) -> list[int]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config="simple")
        + SearchVector(Cast("keywords", TextField()), weight="B", config="simple")
        + SearchVector(Cast("themes", TextField()), weight="B", config="simple")
        + SearchVector("owner__name", weight="C", config="simple")
        + SearchVector("description", weight="D", config="simple")
    )
    # Terms are \w+ only, so the raw tsquery syntax cannot be broken by user input.
    query = SearchQuery(" & ".join(f"{t}:*" for t in terms), search_type="raw", config="simple")
    return list(
        queryset.annotate(document=vector)
        .filter(document=query)
        .annotate(rank=SearchRank(F("document"), query))
        .order_by("-rank", "title", "pk")
        .values_list("pk", flat=True)
    )


def _substring(queryset: QuerySet[Dataset], terms: list[str]) -> list[int]:
    scored: list[tuple[int, str, int]] = []
    rows = queryset.values_list("pk", "title", "description", "keywords", "themes", "owner__name")
    for pk, title, description, keywords, themes, owner_name in rows:
        title_text = title.casefold()
        text = " ".join(
            [
                title_text,
                description.casefold(),
                " ".join(map(str, keywords or [])).casefold(),
                " ".join(map(str, themes or [])).casefold(),
                owner_name.casefold(),
            ]
        )
        if all(term in text for term in terms):
            in_title = sum(term in title_text for term in terms)
            scored.append((-in_title, title, pk))
    scored.sort()
    return [pk for _score, _title, pk in scored]
