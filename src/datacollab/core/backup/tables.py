"""The tables a backup carries and how their rows travel: JSON lines, one file per table.

Django's serializers write each row field by field in a form any database reads back (dates in
ISO 8601, JSON as JSON, decimals as text), so an archive made on SQLite restores on PostgreSQL
and back. Many-to-many links travel as rows of their own through-tables rather than inside the
rows they join, so every table loads the same way: a batched INSERT with the archive's ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JsonLinesSerializer
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

# Rows a freshly migrated deployment already holds (written by migrations and post_migrate):
# a restore replaces them with the archive's, so ids the archive's rows point at stay right.
SEEDED = ("contenttypes.ContentType", "auth.Permission", "learnings.Tag")
# The state of running processes, not data: a worker's heartbeat belongs to the deployment
# it beats in. Not carried, and not counted when a restore asks whether its target is empty
# (found restoring with the worker already running in the compose stack).
LIVE_STATE = ("ops.WorkerHeartbeat",)


class ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; the audit chain hashes microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class RowSerializer(JsonLinesSerializer):
    """One JSON line per row; many-to-many links go in their through-table's own file."""

    def handle_m2m_field(self, obj: Model, field: Any) -> None:
        return None


def models_in_order() -> list[type[Model]]:
    """Every table the application owns, each after the tables its foreign keys point at.

    Both vendors check foreign keys at commit (Django makes them deferrable), so a cycle
    (an upload and the version made from it) loads in any order; this order only makes a
    partial archive fail on the first missing row rather than the last.
    """
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label not in LIVE_STATE
    ]
    chosen.sort(key=lambda model: model._meta.label_lower)
    known = set(chosen)
    needs = {
        model: {
            field.related_model._meta.concrete_model
            for field in model._meta.local_concrete_fields
            if field.is_relation and field.related_model is not None
        }
        & known - {model}
        for model in chosen
    }
    ordered: list[type[Model]] = []
    placed: set[type[Model]] = set()
    while len(ordered) < len(chosen):
        ready = [m for m in chosen if m not in placed and needs[m] <= placed]
        if not ready:  # a cycle: take the first left, its links are checked at commit
            ready = [next(m for m in chosen if m not in placed)]
        for model in ready:
            ordered.append(model)
            placed.add(model)
    return ordered


def file_name(position: int, model: type[Model]) -> str:
    return f"db/{position:04d}-{model._meta.label_lower}.jsonl"


def dump(model: type[Model], sink: IO[str], on_row: Any = None) -> int:
    """Write every row of `model` as JSON lines to `sink`, a chunk at a time; returns the count."""
    count = 0

    def rows() -> Iterator[Model]:
        nonlocal count
        for row in model._base_manager.order_by("pk").iterator(chunk_size=2000):
            count += 1
            if on_row is not None:
                on_row()
            yield row

    RowSerializer().serialize(rows(), stream=sink, cls=ExactEncoder)
    return count


def load(model: type[Model], lines: Iterable[str], fix: Any = None, on_row: Any = None) -> int:
    """Insert the rows in `lines` with their ids, in batches; `fix(obj)` may adjust each first."""
    fields = list(model._meta.local_concrete_fields)
    batch: list[Model] = []
    count = 0
    size = 500
    for item in serializers.deserialize("jsonl", lines):
        obj = item.object
        if type(obj) is not model:
            raise ValueError(f"a {obj._meta.label} row in the file of {model._meta.label}")
        if fix is not None:
            fix(obj)
        batch.append(obj)
        count += 1
        if on_row is not None:
            on_row()
        if len(batch) == 1:
            size = max(1, connection.ops.bulk_batch_size(fields, [obj] * 500))
        if len(batch) >= size:
            _insert(model, fields, batch)
            batch = []
    if batch:
        _insert(model, fields, batch)
    return count


def _insert(model: type[Model], fields: list[Any], batch: list[Model]) -> None:
    # raw=True: the values go in as they are (no auto_now, no defaults), as loaddata does, but
    # many rows per statement instead of one.
    model._base_manager._insert(batch, fields=fields, raw=True)  # type: ignore[attr-defined]


def reset_sequences(models_: list[type[Model]]) -> None:
    """PostgreSQL: the next id after the highest restored one (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def counts(models_: list[type[Model]]) -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in models_}


def migration_state() -> dict[str, list[str]]:
    """The migrations applied here, by app."""
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def migrations_on_disk() -> set[tuple[str, str]]:
    return set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)
