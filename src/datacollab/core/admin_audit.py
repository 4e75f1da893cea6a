"""What the audited admin writes to the audit log: a model's fields as JSON, the fields a save
changed (before/after), secrets redacted. Pure helpers, no request, no admin."""

from __future__ import annotations

import json
import re
from typing import Any, cast

from django.contrib.admin.utils import NestedObjects
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router
from django.db.models import Model

REDACTED = "[redacted]"
# A field whose name says it holds a secret is never copied into the log, only "it changed".
_SECRET = re.compile(r"password|secret|token|api_key|key_hash|hmac|private", re.IGNORECASE)


def is_secret(name: str) -> bool:
    return bool(_SECRET.search(name))


def _jsonable(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        # Files, geometry, custom types: their text form is what a reader needs.
        return str(value)


def snapshot(obj: Model) -> dict[str, Any]:
    """The object's stored fields (foreign keys as ids), secrets NOT yet redacted: compare two
    snapshots with `diff`, and pass a whole one through `redact` before logging it."""
    return {
        field.name: _jsonable(field.value_from_object(obj)) for field in obj._meta.concrete_fields
    }


def redact(values: dict[str, Any]) -> dict[str, Any]:
    return {name: REDACTED if is_secret(name) else value for name, value in values.items()}


def m2m_snapshot(obj: Model) -> dict[str, list[Any]]:
    if obj.pk is None:
        return {}
    return {
        field.name: sorted(
            _jsonable(pk) for pk in getattr(obj, field.name).values_list("pk", flat=True)
        )
        for field in obj._meta.many_to_many
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"before": .., "after": ..}} for every field whose value differs; a secret
    shows as changed, with both values redacted."""
    changed: dict[str, dict[str, Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            if is_secret(name):
                old, new = REDACTED, REDACTED
            changed[name] = {"before": old, "after": new}
    return changed


def stored_snapshot(obj: Model) -> dict[str, Any] | None:
    """The row as the database has it now (the form has already changed `obj` in memory)."""
    if obj.pk is None:
        return None
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    return snapshot(stored) if stored is not None else None


def cascade(obj: Model) -> dict[str, int]:
    """What deleting `obj` also deletes, per model: a membership removed with its organisation
    must show in the log as clearly as one removed on its own."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    counts: dict[str, int] = {}
    for model, objs in collector.model_objs.items():
        deleted = cast(type[Model], model)  # the stubs type the keys as labels; they are models
        counts[deleted._meta.label_lower] = len(objs) - (1 if deleted is type(obj) else 0)
    return {label: n for label, n in sorted(counts.items()) if n}
