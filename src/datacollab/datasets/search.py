"""Full-text search of the catalog, through the platform's search index (datacollab.search).

`search_ids(queryset, q)` gives the ids of the datasets in `queryset` that match every word of
`q` (as a word prefix, in the title, description, keywords, themes, owner's or collaboration's
name), best first (title matches weigh most). The caller passes an already access-filtered
queryset (`visible_datasets`): the index is only asked which of those match, so search never
widens it. SQLite uses FTS5, PostgreSQL a tsvector; see docs/guide/search.md.
"""

from __future__ import annotations

from django.db.models import QuerySet

from datacollab.datasets.models import Dataset
from datacollab.search import index, query

KIND = "dataset"


def words(q: str) -> list[str]:
    return query.words(q)


def search_ids(queryset: QuerySet[Dataset], q: str) -> list[int]:
    terms = words(q)
    if not terms:
        return list(queryset.order_by("title", "pk").values_list("pk", flat=True))
    # Datasets written outside the services (admin, factories) get their entry first.
    index.catch_up(KIND, queryset)
    return [object_id for _kind, object_id in query.ids(terms, {KIND: queryset})]
