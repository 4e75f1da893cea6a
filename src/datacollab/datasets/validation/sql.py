"""Small helpers to write DuckDB SQL safely: quoted identifiers and literals."""

from __future__ import annotations

from typing import Any


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def lits(values: list[str] | tuple[str, ...]) -> str:
    return ", ".join(lit(v) for v in values)


def number(value: Any) -> str:
    """A numeric literal from a Python int/float (already checked to be one)."""
    if isinstance(value, float):
        if value != value:
            return "'NaN'::DOUBLE"
        if value in (float("inf"), float("-inf")):
            return "'inf'::DOUBLE" if value > 0 else "'-inf'::DOUBLE"
        return repr(value) + "::DOUBLE"
    return str(int(value))
