"""Bulk proofs over a string column's bytes (numpy, no per-cell call): the cells' lengths,
the bytes they are made of, and cells of one width read as a matrix of bytes, one row per
cell, for ISO dates and datetimes and for patterns of fixed-width parts. See bulk.py for
what a proof must promise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

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
            good |= _same_width(column, width, partial(_iso_cells, width=width))
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


# Rows of bytes repeated down a matrix, kept per row and grown as needed: numpy's broadcast
# of a short row down a tall matrix costs several times the element-wise operation.
_REPEATED: dict[bytes, np.ndarray] = {}


def _repeat(row: np.ndarray, count: int) -> np.ndarray:
    """`row` repeated `count` times, as a (count, len(row)) matrix."""
    key = row.tobytes()
    tall = _REPEATED.get(key)
    if tall is None or len(tall) < count:
        tall = np.tile(row, (max(count, 1 << 16), 1))
        _REPEATED[key] = tall
    return tall[:count]


def _minus(cells: np.ndarray, row: np.ndarray) -> np.ndarray:
    """cells - row for every row of cells, in unsigned bytes (wrapping below zero)."""
    return np.subtract(cells, _repeat(row, len(cells)), dtype=np.uint8)


def _all_ones(matrix: np.ndarray) -> np.ndarray:
    """Per row of a C-contiguous boolean matrix, whether every entry is true: its bytes
    read as a few unsigned integers per row (numpy's all(axis=1) is ten times slower on
    rows this short)."""
    width = matrix.shape[1]
    parts: list[tuple[str, str]] = []
    size = 0
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
    shifted = _minus(cells, _ISO_BASE[:width])
    ok = _all_ones(shifted < _repeat(_ISO_SPAN[:width], len(cells)))
    if width >= 19:
        ok &= (cells[:, 10] == ord("T")) | (cells[:, 10] == ord(" "))
        # Every digit is below 10 where ok holds (elsewhere the values are not used):
        # minutes and seconds below 60 need a first digit below 6.
        ok &= (_two(shifted, 11) < 24) & (shifted[:, 14] < 6) & (shifted[:, 17] < 6)
    # The year 0000 has no day; a month and day exist in a common year, or are February
    # 29 of a leap year.
    ok &= (shifted[:, 0] | shifted[:, 1] | shifted[:, 2] | shifted[:, 3]) != 0
    month_day = np.minimum(_two(shifted, 5) * 100 + _two(shifted, 8), 1299)
    ok &= np.take(_MONTH_DAY, month_day) | (month_day == 229)
    february_29 = np.flatnonzero(ok & (month_day == 229))
    if len(february_29):
        year = _two(shifted[february_29], 0) * 100 + _two(shifted[february_29], 2)
        ok[february_29] = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return ok


def _two(digits: np.ndarray, k: int) -> np.ndarray:
    """The two-digit number at positions k and k + 1 of every row."""
    return digits[:, k].astype(np.int32) * 10 + digits[:, k + 1]


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
    spans = [_span(allowed) for allowed in sets]
    if all(span is not None for span in spans):
        # Every position is one range of bytes: (byte - low) < size, in unsigned bytes.
        base = np.array([span[0] for span in spans if span], dtype=np.uint8)
        size = np.array([span[1] for span in spans if span], dtype=np.uint8)

        def ranges(cells: np.ndarray) -> np.ndarray:
            return _all_ones(_minus(cells, base) < _repeat(size, len(cells)))

        return lambda column: _same_width(column, len(sets), ranges)

    def lookup(cells: np.ndarray) -> np.ndarray:
        ok = np.ones(len(cells), dtype=bool)
        for k in range(table.shape[0]):
            ok &= np.take(table[k], cells[:, k])
        return ok

    return lambda column: _same_width(column, len(sets), lookup)


def _span(allowed: np.ndarray) -> tuple[int, int] | None:
    """(first byte, count) when the allowed bytes are one range, else None."""
    where = np.flatnonzero(allowed)
    if len(where) and where[-1] - where[0] + 1 == len(where) and len(where) < 256:
        return int(where[0]), len(where)
    return None
