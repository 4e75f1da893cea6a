"""Bulk proofs: vectorised tests (pyarrow kernels, numpy over the bytes) that prove a cell
good, for the arrow scan (arrowscan.py).

A proof is one-sided. `good` true means: the cell reads as its type exactly as the SQL of
cells.py reads it (same verdict, same value) and breaks none of the field's constraints,
or it is a missing value of a field that is not required. `good` false proves nothing:
such a row is a suspect and the exact SQL (checks.py) decides it, as it decides every row
on the DuckDB scan. So a proof may be narrow (it only accepts the plain spellings, which
are nearly all cells), but it must never accept a cell the SQL would reject or read to
another value. Each prover says which spellings it accepts and why the SQL agrees; the
parity tests (tests/datasets/test_validation_bulk.py) check it on generated cells.

A field whose type, format or constraint has no prover here makes `field_prover` return
None, and the engine then validates the file with the DuckDB scan alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datacollab.datasets.tableschema import UNCHECKED_TYPES, Field
from datacollab.datasets.validation.bulk_bytes import (
    Proof,
    bytes_within,
    fixed_width,
    iso,
    mask,
    shorter,
)

# (good, value, missing): as Proof, `value` NULL where the cell is missing, and the mask
# of the cells that are a missing value (or absent).
Verdict = tuple[np.ndarray, pa.Array | None, np.ndarray]

_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# An integer of at most 18 digits fits a BIGINT whatever its digits.
_INT_DIGITS = 18


@dataclass(frozen=True)
class FieldProver:
    """How the arrow scan reads field i: `prove` over a column of text cells (NULL where a
    short row has no cell), `value_type` the Arrow type of its values (for keys)."""

    field: Field
    prove: Callable[[pa.Array], Verdict]
    value_type: pa.DataType


def field_prover(f: Field, *, need_value: bool) -> FieldProver | None:
    """The bulk reader of a field, or None when its type, format or a constraint has none
    (then the whole file goes through the DuckDB scan)."""
    core = _core(f, need_value)
    if core is None:
        return None
    typed, value_type, checks = core
    missing = list(f.missing_values)
    required = f.required

    def prove(column: pa.Array) -> Verdict:
        good, value = typed(column)
        for check in checks:
            if good.any():
                good &= check(column, value)
        # A missing value reads as None: no type to read, no constraint to break, and
        # good unless the field is required. (A cell that is both a missing value and a
        # typed value, such as "0" listed as missing, is None: the SQL tests it first.)
        present = mask(pc.is_valid(column))
        is_missing = _is_missing(column, missing) if missing else np.zeros(len(column), bool)
        if is_missing.any():
            good = np.where(is_missing, not required, good)
            if value is not None:
                value = pc.if_else(pa.array(is_missing), pa.scalar(None, value.type), value)
        return good & present, value, is_missing | ~present

    return FieldProver(f, prove, value_type)


def _is_missing(column: pa.Array, missing: list[str]) -> np.ndarray:
    if missing == [""]:
        return np.asarray(
            pc.fill_null(pc.binary_length(column), 1).to_numpy(zero_copy_only=False) == 0
        )
    return mask(pc.is_in(column, value_set=pa.array(missing, pa.string())))


Check = Callable[[pa.Array, pa.Array | None], np.ndarray]
Core = tuple[Callable[[pa.Array], Proof], pa.DataType, list[Check]]


def _core(f: Field, need_value: bool) -> Core | None:
    constraints = {k: v for k, v in f.constraints.items() if k not in ("required", "unique")}
    if f.type in UNCHECKED_TYPES:
        # No type test and no constraint (the SQL skips them all, as frictionless does).
        return (_anything, pa.string(), []) if not need_value else None
    if f.type == "any":
        return (_anything, pa.string(), []) if not constraints else None
    if f.type == "string":
        return _string(f, constraints)
    if f.type == "integer":
        return _integer(f, constraints)
    if f.type == "number":
        return _number(f, constraints)
    if f.type == "boolean" and not constraints:
        return _boolean(f), pa.bool_(), []
    if f.type in ("datetime", "date") and f.format == "default" and not constraints:
        if need_value:
            return None
        width = (19, 20) if f.type == "datetime" else (10,)
        return iso(width), pa.null(), []
    return None


def _anything(column: pa.Array) -> Proof:
    return np.ones(len(column), dtype=bool), column


# Strings


def _string(f: Field, constraints: dict[str, Any]) -> Core | None:
    if f.format == "uuid":
        return None
    checks: list[Check] = []
    for name, value in constraints.items():
        if name == "minLength":
            checks.append(_length(pc.greater_equal, int(value)))
        elif name == "maxLength":
            checks.append(_length(pc.less_equal, int(value)))
        elif name == "pattern":
            checks.append(_pattern(str(value)))
        elif name == "enum":
            # The SQL compares a string cell with the enum's strings; other items never
            # read as a string and are left out (cells.constraint_value).
            items = [item for item in value if isinstance(item, str)]
            checks.append(_member(pa.array(items, pa.string())))
        else:
            return None
    return _anything, pa.string(), checks


def _length(compare: Callable[..., Any], bound: int) -> Check:
    # DuckDB's length() and pyarrow's utf8_length both count code points.
    def check(column: pa.Array, value: pa.Array | None) -> np.ndarray:
        return mask(compare(pc.utf8_length(column), bound))

    return check


def _pattern(pattern: str) -> Check:
    # The same anchored expression as checks.py, run by the same engine (RE2 with its
    # default options, in DuckDB's regexp_matches and in pyarrow alike). A pattern of
    # fixed-width parts only is tested byte by byte instead (bulk_bytes.fixed_width).
    anchored = "^(?:^" + pattern + r"(?:\n?\z))"
    fixed = fixed_width(pattern)
    if fixed is not None:
        return lambda column, value: fixed(column)

    def check(column: pa.Array, value: pa.Array | None) -> np.ndarray:
        return mask(pc.match_substring_regex(column, anchored))

    return check


def _member(items: pa.Array) -> Check:
    def check(column: pa.Array, value: pa.Array | None) -> np.ndarray:
        return mask(pc.is_in(value, value_set=items))

    return check


# Integers


def _integer(f: Field, constraints: dict[str, Any]) -> Core | None:
    if not f.bare_number:
        return None
    checks: list[Check] = []
    for name, bound in constraints.items():
        if name in _BOUNDS and _is_int(bound) and -(2**63) <= int(bound) < 2**63:
            checks.append(_bound(name, int(bound)))
        elif name == "enum" and all(
            isinstance(item, bool) or (_is_int(item) and -(2**63) <= int(item) < 2**63)
            for item in bound
        ):
            # A boolean item never reads as an integer (constraint_value gives None).
            items = [int(item) for item in bound if not isinstance(item, bool)]
            checks.append(_member(pa.array(items, pa.int64())))
        else:
            return None
    return _plain_integer, pa.int64(), checks


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _plain_integer(column: pa.Array) -> Proof:
    """Cells of 1 to 18 ASCII digits, with or without a leading '-'. Python's int() reads
    each (leading zeros too), and so does the SQL (its fast path, or the exact pattern
    `[+-]?digits` then a BIGINT cast); 18 bytes always fit a BIGINT. Arrow's cast then
    gives the same value. Cells of digits and '-' alone, 18 bytes at most, are proven when
    Arrow's cast takes them all; when it refuses one (say '1-2'), the pattern decides."""
    good = bytes_within(column, b"-") & shorter(column, _INT_DIGITS + 1)
    return _cast_or_match(column, good, pa.int64(), _INT_PATTERN)


_INT_PATTERN = r"^-?[0-9]{1,18}$"


def _cast_or_match(column: pa.Array, good: np.ndarray, to: pa.DataType, pattern: str) -> Proof:
    try:
        return good, _cast(column, good, to)
    except pa.ArrowInvalid:
        good &= mask(pc.match_substring_regex(column, pattern))
        return good, _cast(column, good, to)


def _cast(column: pa.Array, good: np.ndarray, to: pa.DataType) -> pa.Array:
    """The cast of the proven cells; the others are NULL. The cells are not copied: the
    cast reads the same buffers under a validity bitmap of the proven cells."""
    if not good.all():
        if column.offset:
            column = column.take(pa.array(np.arange(len(column))))
        validity = pa.py_buffer(np.packbits(good, bitorder="little"))
        buffers = column.buffers()
        column = pa.StringArray.from_buffers(len(column), buffers[1], buffers[2], validity)
    return pc.cast(column, to)


def _bound(name: str, bound: int | float) -> Check:
    compare = {
        "minimum": pc.greater_equal,
        "maximum": pc.less_equal,
        "exclusiveMinimum": pc.greater,
        "exclusiveMaximum": pc.less,
    }[name]

    def check(column: pa.Array, value: pa.Array | None) -> np.ndarray:
        return mask(compare(value, bound))

    return check


# Numbers

_NUMBER_PATTERN = r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$"
# Longer cells (values past 1e32, or long fractions) are left to the SQL: no overflow here.
_NUMBER_BYTES_MAX = 32


def _number(f: Field, constraints: dict[str, Any]) -> Core | None:
    if not f.bare_number or f.group_char is not None or f.decimal_char not in (None, "."):
        return None
    checks: list[Check] = []
    for name, bound in constraints.items():
        # A bound that a double holds exactly compares alike in DuckDB and in Arrow.
        if name in _BOUNDS and _exact_double(bound):
            checks.append(_bound(name, float(bound)))
        else:
            return None
    return _plain_number, pa.float64(), checks


def _exact_double(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return bool(np.isfinite(float(value))) and float(value) == value


def _plain_number(column: pa.Array) -> Proof:
    """Cells of digits with at most one '.', and a leading '-' (`-?(d+.?d*|.d+)`): the
    spellings Decimal() reads with no sign '+', exponent, underscore, space, inf or nan.
    The SQL reads them with DuckDB's DOUBLE cast and Arrow's cast gives the same double
    (both round correctly; at most 32 bytes, so no cell overflows). Cells made of those
    bytes alone are proven when Arrow's cast takes them all; when it refuses one (say
    '1-2'), the pattern decides."""
    good = bytes_within(column, b".-") & shorter(column, _NUMBER_BYTES_MAX + 1)
    return _cast_or_match(column, good, pa.float64(), _NUMBER_PATTERN)


# Booleans


def _boolean(f: Field) -> Callable[[pa.Array], Proof]:
    known = pa.array(list(f.true_values) + list(f.false_values), pa.string())
    trues = pa.array([v for v in f.true_values if v not in f.false_values], pa.string())

    def prove(column: pa.Array) -> Proof:
        # Exactly the SQL: a cell is one of the listed values, true when a true one only.
        return mask(pc.is_in(column, value_set=known)), pc.is_in(column, value_set=trues)

    return prove
