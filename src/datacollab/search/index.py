"""Keeping the search index in step with the objects it describes.

Services that create, change, hide or delete a searchable object call, after their transaction:

    transaction.on_commit(lambda: index.refresh("learning", learning.pk))

`refresh` re-reads the object and writes (or removes) its entry; `rebuild` writes every entry
again (`datacollab search-reindex`, the demo loader). Rows are written by one upsert per batch:
on SQLite triggers carry them into the FTS5 table, on PostgreSQL the statement also writes the
weighted tsvector.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from datacollab.search.models import Document
from datacollab.search.sources import Source, sources
from datacollab.search.text import MAX_TEXT, tsvector_text

BATCH = 200
KINDS = ("dataset", "session", "learning", "resource", "post")


def _source(kind: str) -> Source:
    try:
        return sources[kind]
    except KeyError:
        raise ValueError(f"unknown search kind {kind!r}; known: {sorted(sources)}") from None


def refresh(kind: str, pk: int) -> None:
    """Write the entry of one object again, or remove it if the object is gone or not indexed."""
    source = _source(kind)
    obj = source.indexed().filter(pk=pk).first()
    if obj is None:
        remove(kind, pk)
    else:
        _write(source, [obj])


def remove(kind: str, pk: int) -> None:
    Document.objects.filter(kind=kind, object_id=pk).delete()


@transaction.atomic
def rebuild() -> int:
    """Every entry written anew; returns how many there are."""
    Document.objects.all().delete()
    total = 0
    for source in sources.values():
        batch: list[Any] = []
        for obj in source.indexed().order_by("pk").iterator(chunk_size=BATCH):
            batch.append(obj)
            if len(batch) == BATCH:
                total += _write(source, batch)
                batch = []
        total += _write(source, batch)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_document_fts(search_document_fts) VALUES ('optimize')"
            )
    return total


def catch_up(kind: str, queryset: QuerySet[Any]) -> int:
    """Write the entries of objects of `queryset` that have none or an older one than their stamp.

    A safety net for rows written outside the services (admin, data migrations, tests' factories);
    one query when nothing is stale, three when something is, whatever the number.
    """
    source = _source(kind)
    if source.stamp is None:
        return 0
    fresh = Document.objects.filter(
        kind=kind, object_id=OuterRef("pk"), updated_at__gte=OuterRef(source.stamp)
    )
    stale = list(queryset.order_by().filter(~Exists(fresh)).values_list("pk", flat=True))
    if not stale:
        return 0
    return _write(source, list(source.indexed().filter(pk__in=stale)))


def _write(source: Source, objects: Sequence[Any]) -> int:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for obj in objects:
        entry = source.entry(obj)
        rows.append(
            (source.kind, obj.pk, entry.title[:300], entry.body[:MAX_TEXT], entry.extra[:MAX_TEXT])
        )
    for start in range(0, len(rows), BATCH):
        _upsert(rows[start : start + BATCH], now)
    return len(rows)


def _upsert(rows: Iterable[tuple[str, int, str, str, str]], now: Any) -> None:
    rows = list(rows)
    if not rows:
        return
    columns = "kind, object_id, title, body, extra, updated_at"
    updates = "title = excluded.title, body = excluded.body, extra = excluded.extra, "
    updates += "updated_at = excluded.updated_at"
    params: list[Any] = []
    if connection.vendor == "postgresql":
        columns += ", vector"
        updates += ", vector = excluded.vector"
        one = (
            "(%s, %s, %s, %s, %s, %s, setweight(to_tsvector('simple', %s), 'A')"
            " || setweight(to_tsvector('simple', %s), 'B')"
            " || setweight(to_tsvector('simple', %s), 'D'))"
        )
        for kind, pk, title, body, extra in rows:
            params += [kind, pk, title, body, extra, now]
            params += [tsvector_text(title), tsvector_text(extra), tsvector_text(body)]
    else:
        one = "(%s, %s, %s, %s, %s, %s)"
        for kind, pk, title, body, extra in rows:
            params += [kind, pk, title, body, extra, now]
    # Only placeholders and fixed SQL are spliced in; every value is a parameter.
    values = ", ".join([one] * len(rows))
    sql = f"INSERT INTO search_document ({columns}) VALUES {values} "  # noqa: S608
    sql += f"ON CONFLICT (kind, object_id) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
