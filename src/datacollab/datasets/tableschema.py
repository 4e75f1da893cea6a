"""Frictionless Table Schema: read a schema dict, check it, and infer one from a file.

Pure functions, no ORM. Inference reads the whole file with DuckDB (every cell as text)
and decides each field's type with the same vectorised checks validation uses, so an
inferred schema always validates its own file (apart from the planted problems a schema
cannot describe: ragged rows, blank rows).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

# The types frictionless-py reads; the first group is checked cell by cell, the second is
# accepted as is (a warning in the report says so).
CHECKED_TYPES = (
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
    "time",
    "year",
    "yearmonth",
    "any",
)
UNCHECKED_TYPES = ("object", "array", "list", "geopoint", "geojson", "duration")
DEFAULT_TRUE_VALUES = ("true", "True", "TRUE", "1")
DEFAULT_FALSE_VALUES = ("false", "False", "FALSE", "0")
DEFAULT_MISSING_VALUES = ("",)

# Which constraints each type takes (as frictionless-py 5; `unique` goes with every type).
# The order is the order frictionless checks them in, so errors in a cell come out alike.
_ORDERED = ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
SUPPORTED_CONSTRAINTS: dict[str, list[str]] = {
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "integer": _ORDERED,
    "number": _ORDERED,
    "boolean": ["required", "enum"],
    "date": _ORDERED,
    "datetime": _ORDERED,
    "time": _ORDERED,
    "year": _ORDERED,
    "yearmonth": _ORDERED,
    "any": ["required", "enum"],
    "object": ["required", "minLength", "maxLength", "enum"],
    "array": ["required", "minLength", "maxLength", "enum"],
    "list": ["required", "minLength", "maxLength", "enum"],
    "geopoint": ["required", "enum"],
    "geojson": ["required", "enum"],
    "duration": _ORDERED,
}
# String formats we check; the others (email, uri, binary, wkt) are accepted with a warning.
CHECKED_STRING_FORMATS = ("default", "uuid")


class SchemaError(ValueError):
    """The schema cannot be used: `problems` lists every reason, each readable on its own."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    format: str = "default"
    constraints: dict[str, Any] = field(default_factory=dict)
    missing_values: tuple[str, ...] = DEFAULT_MISSING_VALUES
    true_values: tuple[str, ...] = DEFAULT_TRUE_VALUES
    false_values: tuple[str, ...] = DEFAULT_FALSE_VALUES
    bare_number: bool = True
    group_char: str | None = None
    decimal_char: str | None = None

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def unique(self) -> bool:
        return bool(self.constraints.get("unique"))


@dataclass(frozen=True)
class Schema:
    fields: list[Field]
    primary_key: list[str]
    missing_values: tuple[str, ...]
    # Parts of the schema that are accepted but not checked (told in the report's warnings).
    warnings: list[str]


def parse_schema(descriptor: Any) -> Schema:
    """Read a Table Schema dict; raise SchemaError listing every problem found."""
    problems: list[str] = []
    warnings: list[str] = []
    if not isinstance(descriptor, dict):
        raise SchemaError(["the schema must be a JSON object with a `fields` list"])
    raw_fields = descriptor.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise SchemaError(["the schema must have a non-empty `fields` list"])
    missing = descriptor.get("missingValues", list(DEFAULT_MISSING_VALUES))
    schema_missing = _string_list(missing, "missingValues", problems)
    fields: list[Field] = []
    for position, raw in enumerate(raw_fields, start=1):
        parsed = _parse_field(raw, position, schema_missing, problems, warnings)
        if parsed is not None:
            fields.append(parsed)
    # Counted in one pass: `names.count` per name was quadratic (250,000 fields took minutes).
    names = Counter(f.name for f in fields)
    for name in sorted(n for n, times in names.items() if times > 1):
        problems.append(f"field name {name!r} is used more than once")
    primary_key = descriptor.get("primaryKey", [])
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    if not isinstance(primary_key, list) or not all(isinstance(k, str) for k in primary_key):
        problems.append("`primaryKey` must be a field name or a list of field names")
        primary_key = []
    for key in primary_key:
        if key not in names:
            problems.append(f"primary key field {key!r} is not one of the fields")
    if descriptor.get("foreignKeys"):
        warnings.append("foreign keys are not checked")
    if descriptor.get("fieldsMatch", "exact") != "exact":
        problems.append('only `"fieldsMatch": "exact"` is supported (fields match by position)')
    if problems:
        raise SchemaError(problems)
    return Schema(fields, list(primary_key), schema_missing, warnings)


def _string_list(value: Any, what: str, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    problems.append(f"`{what}` must be a list of strings")
    return DEFAULT_MISSING_VALUES


def _parse_field(
    raw: Any,
    position: int,
    schema_missing: tuple[str, ...],
    problems: list[str],
    warnings: list[str],
) -> Field | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        problems.append(f"field {position} must be an object with a string `name`")
        return None
    name = raw["name"]
    kind = raw.get("type") or "string"
    fmt = raw.get("format") or "default"
    if not isinstance(fmt, str):
        problems.append(f"field {name!r}: `format` must be a string")
        fmt = "default"
    fmt = fmt.removeprefix("fmt:")
    if kind not in CHECKED_TYPES and kind not in UNCHECKED_TYPES:
        problems.append(f"field {name!r}: unknown type {kind!r}")
        return None
    if kind in UNCHECKED_TYPES:
        warnings.append(f'field "{name}": type "{kind}" is not checked')
    if kind == "string" and fmt not in CHECKED_STRING_FORMATS:
        warnings.append(f'field "{name}": format "{fmt}" is not checked')
    if kind in ("date", "datetime", "time") and fmt == "any":
        warnings.append(f'field "{name}": format "any" is not checked')
    constraints = raw.get("constraints", {})
    if not isinstance(constraints, dict):
        problems.append(f"field {name!r}: `constraints` must be an object")
        constraints = {}
    for constraint in constraints:
        if constraint != "unique" and constraint not in SUPPORTED_CONSTRAINTS[kind]:
            problems.append(
                f'field {name!r}: constraint "{constraint}" is not supported by type "{kind}"'
            )
    if "enum" in constraints and not isinstance(constraints["enum"], list):
        problems.append(f"field {name!r}: the `enum` constraint must be a list")
    for length in ("minLength", "maxLength"):
        if length in constraints and not isinstance(constraints[length], int):
            problems.append(f"field {name!r}: `{length}` must be an integer")
    if "pattern" in constraints and not isinstance(constraints["pattern"], str):
        problems.append(f"field {name!r}: `pattern` must be a string")
    if "required" in raw:
        problems.append(f'field {name!r}: "required" should be set as "constraints.required"')
    missing = schema_missing
    if "missingValues" in raw:
        missing = _string_list(raw["missingValues"], f"{name}.missingValues", problems)
    options: dict[str, Any] = {}
    if kind == "boolean":
        options["true_values"] = _string_list(
            raw.get("trueValues", list(DEFAULT_TRUE_VALUES)), f"{name}.trueValues", problems
        )
        options["false_values"] = _string_list(
            raw.get("falseValues", list(DEFAULT_FALSE_VALUES)), f"{name}.falseValues", problems
        )
    if kind in ("integer", "number"):
        options["bare_number"] = bool(raw.get("bareNumber", True))
    if kind == "number":
        for key, attr in (("groupChar", "group_char"), ("decimalChar", "decimal_char")):
            if key in raw:
                if not isinstance(raw[key], str) or not raw[key]:
                    problems.append(f"field {name!r}: `{key}` must be a non-empty string")
                else:
                    options[attr] = raw[key]
        # frictionless only runs its number pre-processing when one of these is given.
        if "bareNumber" in raw:
            options.setdefault("group_char", "")
            options.setdefault("decimal_char", ".")
    return Field(
        name=name,
        type=kind,
        format=fmt,
        constraints=dict(constraints),
        missing_values=missing,
        **options,
    )


def infer_schema(
    source: Path,
    *,
    fmt: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, Any]:
    """Infer a Frictionless Table Schema from the whole file (every row, not a sample)."""
    from datacollab.datasets.validation.infer import infer

    return infer(Path(source), fmt=fmt, encoding=encoding, delimiter=delimiter, con=con)
