"""Bulk proofs over a string column's bytes (numpy, no per-cell call): the cells' lengths,
the bytes they are made of, and cells of one width read as a matrix of bytes, one row per
cell, for ISO dates and datetimes and for patterns of fixed-width parts. See bulk.py for
what a proof must promise.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# (good, value): the mask of proven cells, and their typed values (None when not asked for;
# where a cell is not proven its value is unspecified).
Proof = tuple[np.ndarray, pa.Array | None]


def mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow array as numpy, NULL read as false."""
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def bytes_within(column: pa.Array, extra: bytes) -> np.ndarray:
    """Non-empty cells whose every byte is an ASCII digit or one of `extra`, by one pass
    over the column's bytes."""
    offsets, data = buffers(column)
    good = np.diff(offsets) > 0
    allowed = np.subtract(data, 48, dtype=np.uint8) < 10
    for byte in extra:
        allowed |= data == byte
    if not allowed.all():
        outside = np.flatnonzero(~allowed)
        good[np.searchsorted(offsets, outside + offsets[0], side="right") - 1] = False
    return good


def buffers(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, bytes) of a string array: cell k is bytes[offsets[k] - offsets[0]:...]."""
    if column.type != pa.string():
        column = column.cast(pa.string())
    buffers = column.buffers()
    first = column.offset
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[first : first + len(column) + 1]
    if buffers[2] is None:
        return offsets, np.zeros(0, dtype=np.uint8)
    data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return offsets, data


def shorter(column: pa.Array, limit: int) -> np.ndarray:
    offsets, _ = buffers(column)
    return np.diff(offsets) < limit


# Dates and datetimes

# Per position of `YYYY-MM-DDThh:mm:ssZ`: a cell byte b is right when (b - BASE) < SPAN in
# unsigned bytes: a digit (48, 10), or the one character (its code, 1). Position 10 ('T'
# or a space) is tested on its own.
_ISO_BASE = np.frombuffer(b"0000-00-00T00:00:00Z", dtype=np.uint8)
_ISO_SPAN = np.array(
    [10, 10, 10, 10, 1, 10, 10, 1, 10, 10, 255, 10, 10, 1, 10, 10, 1, 10, 10, 1], dtype=np.uint8
)
# Month * 100 + day -> whether the day exists in a common year (February 29 is added for
# leap years).
_MONTH_DAY = np.zeros(1300, dtype=bool)
for _month, _days in enumerate((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1):
    _MONTH_DAY[_month * 100 + 1 : _month * 100 + _days + 1] = True


def iso(widths: tuple[int, ...]) -> Callable[[pa.Array], Proof]:
    """`YYYY-MM-DD` (width 10), or `YYYY-MM-DDThh:mm:ss` with 'T' or a space, with or
    without a final 'Z' (widths 19 and 20): a year 0001-9999, a month, a day that month
    has in that year (Gregorian leap years), hours 00-23, minutes and seconds 00-59. Every
    such cell matches the first fast tier of the SQL (`_SURE`, or the `_FAST` tier and a
    real day, cells.py), whose parity with the exact rule is tested; the date likewise
    matches DuckDB's own spelling of the date it casts to, the SQL's fast path."""

    def prove(column: pa.Array) -> Proof:
        good = np.zeros(len(column), dtype=bool)
        for width in widths:
            good |= _same_width(column, width, lambda cells, w=width: _iso_cells(cells, w))
        return good, None

    return prove


def _same_width(
    column: pa.Array, width: int, test: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """`test` over the cells of `width` bytes as matrices of bytes, one row per cell (false
    for the other cells). Cells of one width side by side are such a matrix already: each
    run of them is tested as one (a few runs per batch as a rule)."""
    offsets, data = buffers(column)
    lengths = np.diff(offsets)
    good = np.zeros(len(column), dtype=bool)
    fits = np.concatenate([[False], lengths == width, [False]])
    edges = np.flatnonzero(fits[1:] != fits[:-1])
    if len(edges) > 2 * _MAX_RUNS:
        rows = np.flatnonzero(lengths == width)
        start = offsets[rows] - offsets[0]
        good[rows] = test(data[start[:, None] + np.arange(width)])
        return good
    for first, stop in zip(edges[::2], edges[1::2], strict=True):
        at = offsets[first] - offsets[0]
        good[first:stop] = test(data[at : at + (stop - first) * width].reshape(-1, width))
    return good


# Beyond this many runs of cells of one width in a batch, their bytes are gathered instead.
_MAX_RUNS = 256


def _all_ones(matrix: np.ndarray) -> np.ndarray:
    """Per row of a C-contiguous boolean matrix, whether every entry is true: its bytes
    read as a few unsigned integers per row (numpy's all(axis=1) is ten times slower on
    rows this short)."""
    width = matrix.shape[1]
    parts, size = [], 0
    for step in (8, 4, 2, 1):
        while width - size >= step:
            parts.append((f"p{len(parts)}", f"<u{step}"))
            size += step
    words = np.ascontiguousarray(matrix).view(np.uint8).view(np.dtype(parts))[:, 0]
    ok = np.ones(len(matrix), dtype=bool)
    for name, kind in parts:
        ok &= words[name] == int("01" * int(kind[2:]), 16)
    return ok


def _iso_cells(cells: np.ndarray, width: int) -> np.ndarray:
    shifted = cells - _ISO_BASE[:width]
    ok = _all_ones(shifted < _ISO_SPAN[:width])
    if width >= 19:
        ok &= (cells[:, 10] == ord("T")) | (cells[:, 10] == ord(" "))

    def two(k: int) -> np.ndarray:
        # Every digit is below 10 where ok holds; elsewhere the value is not used.
        return shifted[:, k].astype(np.int32) * 10 + shifted[:, k + 1]

    year = two(0) * 100 + two(2)
    month_day = np.minimum(two(5) * 100 + two(8), 1299)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    ok &= (year > 0) & (_MONTH_DAY[month_day] | ((month_day == 229) & leap))
    if width >= 19:
        ok &= (two(11) < 24) & (two(14) < 60) & (two(17) < 60)
    return ok


# Patterns of fixed-width parts: literal characters and classes of ASCII characters, each
# once or {n} times, as in `CB-[0-9]{3}` or `[A-Z]{2}[0-9]{4}`.
_PART = re.compile(
    r"(\[(?:[A-Za-z0-9](?:-[A-Za-z0-9])?)+\]|[A-Za-z0-9 _,;:/#@=-])(?:\{(\d{1,2})\})?"
)


def fixed_width(pattern: str) -> Callable[[pa.Array], np.ndarray] | None:
    """A byte test for a pattern made only of fixed-width parts, or None.

    RE2 (the SQL's `regexp_matches`, anchored as checks.py anchors it) matches such a
    pattern on exactly the cells of its width whose every byte is in the set of its part,
    and on the same cells followed by one final newline. The test proves the first kind
    only; a cell with the newline, or of another width, is not proven and the SQL reads it.
    """
    sets: list[np.ndarray] = []
    at = 0
    while at < len(pattern):
        found = _PART.match(pattern, at)
        if found is None:
            return None
        allowed = np.zeros(256, dtype=bool)
        part = found.group(1)
        if part.startswith("["):
            for low, high in re.findall(r"([A-Za-z0-9])(?:-([A-Za-z0-9]))?", part[1:-1]):
                if high and high < low:
                    return None
                allowed[ord(low) : ord(high or low) + 1] = True
        else:
            allowed[ord(part)] = True
        sets += [allowed] * int(found.group(2) or 1)
        at = found.end()
    if not sets or len(sets) > 64:
        return None
    table = np.stack(sets)

    def test(column: pa.Array) -> np.ndarray:
        return _same_width(column, len(sets), lambda cells: _all_ones(_lookup(table, cells)))

    return test


def _lookup(table: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Per cell and position, whether the byte is in that position's set."""
    return table[np.arange(table.shape[0]), cells]
