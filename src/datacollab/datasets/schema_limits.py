"""Bounds on a Table Schema given by a person (API `schema`, `ingest --schema`, schema editor).

A schema is small: a few hundred fields at most. One that is megabytes long, nested thousands
deep or lists hundreds of thousands of fields is an attack on the web process (json.loads
recurses per level; any check per field costs per field), so it is refused before it is
parsed: the size on the raw bytes, the nesting depth by one linear scan of the brackets
outside strings, the field count on the parsed (by then small and shallow) object.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError

# A JSON string literal, escapes included: its brackets are text, not nesting. The closing
# quote is optional so an unterminated string ends the scan instead of being retried from
# every later quote (which would be quadratic).
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class SchemaTooLarge(DomainError):
    """The schema passes a limit; refused before any further work."""

    status = 400
    code = "schema_too_large"


@dataclass(frozen=True)
class SchemaLimits:
    max_bytes: int = 1024 * 1024
    max_depth: int = 32
    max_fields: int = 2000

    @classmethod
    def from_settings(cls) -> SchemaLimits:
        from django.conf import settings

        return cls(
            max_bytes=int(settings.DATASETS_SCHEMA_MAX_BYTES),
            max_depth=int(settings.DATASETS_SCHEMA_MAX_DEPTH),
            max_fields=int(settings.DATASETS_SCHEMA_MAX_FIELDS),
        )


def _too_large(size: int, limits: SchemaLimits) -> SchemaTooLarge:
    return SchemaTooLarge(
        _(
            "The schema is %(size)s bytes, more than the %(limit)s allowed "
            "(DATASETS_SCHEMA_MAX_BYTES)."
        )
        % {"size": size, "limit": limits.max_bytes},
        field="schema",
    )


def _too_deep(limits: SchemaLimits) -> SchemaTooLarge:
    return SchemaTooLarge(
        _(
            "The schema nests objects and lists more than %(limit)s levels deep "
            "(DATASETS_SCHEMA_MAX_DEPTH): a Table Schema needs four."
        )
        % {"limit": limits.max_depth},
        field="schema",
    )


def nesting_depth(text: str) -> int:
    """The deepest nesting of [ and { in JSON text, strings skipped: linear, no recursion.

    Unbalanced text gives some number; json.loads then says what is wrong with it.
    """
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_schema_text(text: str | bytes, limits: SchemaLimits) -> str:
    """Refuse text too long or too deeply nested to parse; return it as str."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise _too_large(size, limits)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DomainError(
                _("The schema is not UTF-8 text: %(error)s.") % {"error": exc}, field="schema"
            ) from exc
    if nesting_depth(text) > limits.max_depth:
        raise _too_deep(limits)
    return text


def _depth_of(value: Any, limit: int) -> int:
    """Nesting depth of a parsed value, iteratively, stopping once past `limit`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return deepest


def check_schema_structure(schema: Any, limits: SchemaLimits) -> None:
    """Refuse a parsed schema (or one built by a form) past the depth, field or size limits."""
    if _depth_of(schema, limits.max_depth) > limits.max_depth:
        raise _too_deep(limits)
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if isinstance(fields, list) and len(fields) > limits.max_fields:
        raise SchemaTooLarge(
            _(
                "The schema has %(count)s fields, more than the %(limit)s allowed "
                "(DATASETS_SCHEMA_MAX_FIELDS)."
            )
            % {"count": len(fields), "limit": limits.max_fields},
            field="schema",
        )
    size = len(json.dumps(schema, ensure_ascii=False, default=str).encode("utf-8", "replace"))
    if size > limits.max_bytes:
        raise _too_large(size, limits)


def load_schema_text(text: str | bytes, limits: SchemaLimits | None = None) -> dict[str, Any]:
    """A Table Schema object from untrusted JSON text, within the limits; DomainError if not."""
    limits = limits or SchemaLimits.from_settings()
    checked = check_schema_text(text, limits)
    try:
        schema = json.loads(checked)
    except (ValueError, RecursionError) as exc:
        raise DomainError(
            _("The schema is not valid JSON: %(error)s.") % {"error": exc}, field="schema"
        ) from exc
    if not isinstance(schema, dict):
        raise DomainError(
            _("The schema must be a JSON object (a Table Schema with a fields list)."),
            field="schema",
        )
    check_schema_structure(schema, limits)
    return schema
