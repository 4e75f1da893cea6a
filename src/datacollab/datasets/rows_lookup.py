"""The rows API's lookup of a version, its dataset and what the access rule reads: one query
written once per process.

`selectors.version_for` answers the same with the ORM, but on the rows API's hot path building
that joined query (five tables) cost the process about twice what the database took to answer
it, on every request. Here the SQL is built once from the models' own table and column names
(so a renamed field cannot go stale) and the rows become model instances the way the ORM
makes them (`from_db`, the fields' converters), with the same related objects cached: the
access rules then read them without a query, as after `select_related`.

Anything but a hit (no such dataset or version, or one the caller may not see) is handed to
`selectors.version_for`, so refusals keep their exact messages.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.db.models import Field, Model, signals
from django.db.models.base import ModelState

from datacollab.datasets import rows_db
from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.datasets.rules import can_see
from datacollab.datasets.selectors import datasets as selectors

# What the access rules read of a dataset, besides the dataset itself.
_RELATED = ("owner", "collaboration", "agreement")


def _fields(model: type[Model]) -> list[Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _column(model: type[Model], name: str | None = None) -> str:
    """A field's column (the primary key's without a name), quoted."""
    field = model._meta.pk if name is None else model._meta.get_field(name)
    column = getattr(field, "column", None)
    assert isinstance(column, str)
    return str(connection.ops.quote_name(column))


@functools.cache
def _plan(
    extra_columns: str = "", extra_joins: str = ""
) -> tuple[str, list[tuple[type[Model], str, list[Field[Any, Any]]]]]:
    """The SQL and, per table in its select list, the model, alias and fields in order.

    `extra_columns` and `extra_joins` (SQL written from model names by the caller, never from
    a request) add columns after the models' (a caller's own lookup riding on the same query:
    the API's tiers, api/rows_fast.py); `d` is the dataset's alias."""
    quote = connection.ops.quote_name
    tables: list[tuple[type[Model], str, list[Field[Any, Any]]]] = [
        (DatasetVersion, "v", _fields(DatasetVersion)),
        (Dataset, "d", _fields(Dataset)),
    ]
    joins = [
        f"{quote(DatasetVersion._meta.db_table)} v",
        f"JOIN {quote(Dataset._meta.db_table)} d "
        f"ON d.{_column(Dataset)} = v.{_column(DatasetVersion, 'dataset')}",
    ]
    for i, name in enumerate(_RELATED):
        field = Dataset._meta.get_field(name)
        model = field.related_model
        assert isinstance(model, type) and issubclass(model, Model)
        alias = f"r{i}"
        kind = "LEFT JOIN" if field.null else "JOIN"
        joins.append(
            f"{kind} {quote(model._meta.db_table)} {alias} "
            f"ON {alias}.{_column(model)} = d.{_column(Dataset, name)}"
        )
        tables.append((model, alias, _fields(model)))
    columns = ", ".join(
        f"{alias}.{quote(str(f.column))}" for _model, alias, fields in tables for f in fields
    )
    if extra_columns:
        columns += ", " + extra_columns
    if extra_joins:
        joins.append(extra_joins)
    sql = (
        f"SELECT {columns} FROM {' '.join(joins)} "  # noqa: S608 - model names only
        f"WHERE d.{_column(Dataset, 'slug')} = %s AND v.{_column(DatasetVersion, 'number')} = %s"
    )
    return sql, tables


@functools.cache
def _converters(model: type[Model]) -> list[tuple[Any, list[Any]]]:
    """Each field's column and converters from the database's value, as the ORM applies them
    (JSON text to objects, SQLite's text to datetimes, ...)."""
    out = []
    for field in _fields(model):
        col = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        out.append((col, converters))
    return out


def _instance(model: type[Model], fields: list[Field[Any, Any]], values: tuple[Any, ...]) -> Any:
    converted = []
    for (col, converters), value in zip(_converters(model), values, strict=True):
        for convert in converters:
            value = convert(value, col, connection)
        converted.append(value)
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model.from_db(connection.alias, [f.attname for f in fields], converted)
    # As `from_db` makes it, without `__init__`'s walk over the fields and its two signals,
    # which nobody listens to for these models (checked above): three instances a request.
    instance = model.__new__(model)
    instance.__dict__.update(zip(_attnames(model), converted, strict=True))
    instance._state = ModelState()
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


@functools.cache
def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in _fields(model))


def fetch(
    slug: str, number: int, *, extra_columns: str = "", extra_joins: str = ""
) -> tuple[DatasetVersion | None, tuple[Any, ...]]:
    """The version with its dataset, owner, collaboration and agreement cached, whoever asks
    (no access rule: the caller applies it), and the extra columns' values; (None, ()) when
    there is no such version."""
    sql, tables = _plan(extra_columns, extra_joins)
    with rows_db.cursor() as cursor:
        cursor.execute(sql, [slug, number])
        row = cursor.fetchone()
    if row is None:
        return None, ()
    objects: list[Any] = []
    start = 0
    for model, _alias, fields in tables:
        values = tuple(row[start : start + len(fields)])
        start += len(fields)
        pk = values[[f.primary_key for f in fields].index(True)]
        objects.append(None if pk is None else _instance(model, fields, values))
    version, dataset, *related = objects
    for name, value in zip(_RELATED, related, strict=True):
        # Sets the cache as select_related does: the rules read it without a query.
        Dataset._meta.get_field(name).set_cached_value(dataset, value)  # type: ignore[union-attr]
    DatasetVersion._meta.get_field("dataset").set_cached_value(version, dataset)  # type: ignore[union-attr]
    return version, tuple(row[start:])


def version_for(actor: Any, slug: str, number: int) -> DatasetVersion:
    """As `selectors.version_for`: the version with its dataset, owner, collaboration and
    agreement, or the same NotFound."""
    version, _extra = fetch(slug, number)
    if version is None or not can_see(actor, version.dataset):
        return selectors.version_for(actor, slug, number)  # the same refusal, worded once
    return version
