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


def one_of(expression: str, literals: list[str]) -> str:
    """`expression IN (literals)` written so that DuckDB keeps it an expression: it turns a
    long IN list into a join, which would lose the scan's row order."""
    if not literals:
        return "false"
    if len(literals) == 1:
        return f"({expression} = {literals[0]})"
    return f"list_contains([{', '.join(literals)}], {expression})"
