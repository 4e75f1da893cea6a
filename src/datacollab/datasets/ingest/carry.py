"""Carrying the curated schema over to a new upload (pure: no ORM, no DuckDB).

A new file is checked against the schema the owner curated (types, formats, constraints,
keys, descriptions), never against a fresh guess. When its columns are those of the current
schema, in the same order, the current schema is used as it is. Otherwise each column the
current schema knows keeps its curated field, new columns take the inferred field, missing
ones go, and keys that name a missing column are dropped: `changes` says all of it, so the
owner must accept the change before such a draft is published.
"""

from __future__ import annotations

import copy
from typing import Any


def field_names(schema: dict[str, Any] | None) -> list[str]:
    return [str(f.get("name")) for f in (schema or {}).get("fields", []) if isinstance(f, dict)]


def _key_fields(key: Any) -> list[str]:
    if isinstance(key, str):
        return [key]
    if isinstance(key, list):
        return [str(name) for name in key]
    return []


def _keys_kept(current: dict[str, Any], names: set[str]) -> tuple[dict[str, Any], list[str]]:
    """The key properties of `current` whose fields all remain, and the names of those dropped."""
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    primary = current.get("primaryKey")
    if primary:
        if set(_key_fields(primary)) <= names:
            kept["primaryKey"] = copy.deepcopy(primary)
        else:
            dropped.append("primaryKey " + ", ".join(_key_fields(primary)))
    for prop in ("uniqueKeys", "foreignKeys"):
        for key in current.get(prop) or []:
            fields = _key_fields(key.get("fields") if isinstance(key, dict) else key)
            if set(fields) <= names:
                kept.setdefault(prop, []).append(copy.deepcopy(key))
            else:
                dropped.append(f"{prop} " + ", ".join(fields))
    return kept, dropped


def carry_over(
    current: dict[str, Any], inferred: dict[str, Any], labels: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(schema for a file whose header is `labels`, changes from `current`); see the module."""
    if labels == field_names(current):
        return copy.deepcopy(current), {}
    curated = {str(f.get("name")): f for f in current.get("fields", []) if isinstance(f, dict)}
    guessed = {str(f.get("name")): f for f in inferred.get("fields", []) if isinstance(f, dict)}
    fields = [
        copy.deepcopy(curated.get(label) or guessed.get(label) or {"name": label, "type": "string"})
        for label in labels
    ]
    names = set(labels)
    schema = {
        key: copy.deepcopy(value)
        for key, value in current.items()
        if key not in ("fields", "primaryKey", "uniqueKeys", "foreignKeys")
    }
    schema["fields"] = fields
    kept, dropped = _keys_kept(current, names)
    schema.update(kept)
    old = field_names(current)
    common_old = [name for name in old if name in names]
    common_new = [name for name in labels if name in curated]
    changes = {
        "added": [name for name in labels if name not in curated],
        "removed": [name for name in old if name not in names],
        "reordered": common_old != common_new,
        "dropped_keys": dropped,
    }
    return schema, changes


def given_changes(current: dict[str, Any] | None, given: dict[str, Any]) -> dict[str, Any]:
    """How a schema given with the file differs from the current one ({} when it does not)."""
    if current is None or given == current:
        return {}
    old, new = field_names(current), field_names(given)
    return {
        "added": [name for name in new if name not in old],
        "removed": [name for name in old if name not in new],
        "reordered": [n for n in old if n in new] != [n for n in new if n in old],
        "dropped_keys": [],
        "replaced": True,
    }
