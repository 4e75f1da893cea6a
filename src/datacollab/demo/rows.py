"""Idempotent bulk upsert for the loader: rows are found by a natural key, missing ones are
created in one INSERT, changed ones updated in one UPDATE. Running twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def _key(obj_or_row: Any, key: Sequence[str]) -> tuple[Any, ...]:
    if isinstance(obj_or_row, dict):
        return tuple(obj_or_row[name] for name in key)
    return tuple(getattr(obj_or_row, name) for name in key)


def upsert(
    model: type[M],
    *,
    key: Sequence[str],
    rows: Iterable[dict[str, Any]],
    existing: QuerySet[M] | None = None,
    create_only: Mapping[str, Any] | None = None,
) -> tuple[dict[tuple[Any, ...], M], list[M]]:
    """Make sure every row exists with these values.

    `key` names attribute names (use `*_id` for foreign keys) that identify a row; `existing`
    narrows the lookup (default: every row of the model); `create_only` holds values set on new
    rows but never compared or updated (a password hash, say). Returns every row by key, and the
    rows this call created (so callers can, say, audit only what is new).
    """
    rows = list(rows)
    scope = existing if existing is not None else model._default_manager.all()
    found = {_key(obj, key): obj for obj in scope.all()}
    created: list[M] = []
    changed: list[M] = []
    fields: set[str] = set()
    for row in rows:
        obj = found.get(_key(row, key))
        if obj is None:
            obj = model(**row, **(create_only or {}))
            created.append(obj)
            found[_key(row, key)] = obj
            continue
        diff = [name for name, value in row.items() if getattr(obj, name) != value]
        for name in diff:
            setattr(obj, name, row[name])
        if diff:
            changed.append(obj)
            fields.update(diff)
    if created:
        model._default_manager.bulk_create(created)
        if any(obj.pk is None for obj in created):
            # Backends that return no ids from bulk inserts: fetch the rows back by key.
            refreshed = {_key(obj, key): obj for obj in scope.all()}
            for obj in created:
                obj.pk = refreshed[_key(obj, key)].pk
    if changed:
        model._default_manager.bulk_update(changed, sorted(fields))
    return found, created
