"""Byte scans of a CSV: where its records end, which are empty lines, and a few records read
back by offset, in blocks of bounded size (never the whole file in memory).

DuckDB's reader skips empty lines where frictionless counts them as blank rows, and does
not say where a record starts; these numpy passes answer both. A record ends at a newline
after an even number of quotes (a quoted cell, its doubled quotes included, holds an even
number).
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

_CHUNK = 1 << 24


def _blocks(path: Path, size: int = _CHUNK) -> Iterator[tuple[int, np.ndarray]]:
    """(offset, bytes) of the file in blocks of `size`: memory stays bounded by one block
    whatever the file's size (a whole-file map would count against the worker's address
    space limit and its pages against its resident memory)."""
    with path.open("rb") as handle:
        offset = 0
        while block := handle.read(size):
            yield offset, np.frombuffer(block, np.uint8)
            offset += len(block)


# One record end in this many is remembered by the byte scan, so that reading a few records
# back (the rows of repeated keys) starts near each instead of at the file's start.
_STRIDE = 1024


@dataclass(frozen=True)
class RecordMap:
    """What one byte scan of a CSV learns: the empty lines (record numbers, 1 = header),
    and `marks`, record number -> file offset of the newline that ends it, for every
    _STRIDE-th record (empty when they were not asked for)."""

    empties: list[int]
    marks: dict[int, int]
    # Every quote opens a cell or closes one (or doubles a quote inside one), and every
    # CR ends a line before its LF: the file is read alike by every CSV reader (the arrow
    # scan relies on it). Only computed when a delimiter is given.
    plain: bool = False


def empty_records(path: Path, *, block: int = _CHUNK) -> list[int]:
    """Record numbers (1 = header) of the empty lines outside quoted cells."""
    return record_map(path, block=block, marks=False).empties


def record_map(
    path: Path,
    *,
    block: int = _CHUNK,
    stride: int = _STRIDE,
    marks: bool = True,
    delimiter: str | None = None,
) -> RecordMap:
    """The empty lines and, with `marks`, the sparse record offsets, in one pass over the
    file. Without marks, a cheaper pass first looks for an empty line at all (the exact
    pass costs about half as much again; with marks it is needed anyway). With a
    `delimiter`, the same pass also tells whether the file's quoting is plain."""
    if path.stat().st_size == 0:
        return RecordMap([], {})
    if delimiter is None and not marks and not _may_have_empty_line(path, block // 4):
        return RecordMap([], {})
    found: list[int] = []
    offsets: dict[int, int] = {}
    seen = 0  # records ended before the block
    previous_end, last_byte = -1, 0  # the last record end and byte before the block
    plain = _Plain(delimiter, _starts_with_bom(path)) if delimiter is not None else None
    for offset, data, ends, quotes, quotes_before in _record_end_blocks(path, block):
        if plain is not None:
            plain.block(offset, data, quotes, quotes_before)
        gap = np.diff(ends, prepend=previous_end)
        # Only the records of one or two bytes can be empty lines (LF, or CR LF).
        near = np.flatnonzero(gap <= 2)
        local = ends[near] - offset - 1
        before = np.where(local >= 0, data[np.maximum(local, 0)], last_byte)
        before = np.where(ends[near] > 0, before, 0)
        empty = (gap[near] == 1) | ((gap[near] == 2) & (before == 13))
        found += [seen + int(n) + 1 for n in near[empty]]
        if marks:
            for n in range((seen // stride + 1) * stride, seen + len(ends) + 1, stride):
                offsets[n] = int(ends[n - seen - 1])
        seen += len(ends)
        if len(ends):
            previous_end = int(ends[-1])
        last_byte = int(data[-1])
    return RecordMap(found, offsets, plain.done() if plain is not None else False)


def _starts_with_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(3) == b"\xef\xbb\xbf"


class _Plain:
    """Whether every quote of a CSV sits where a quote is unambiguous: an opening quote
    (the 1st, 3rd, ... of the file) at the start of a cell (after the delimiter, a
    newline, the file's start or its UTF-8 BOM, or right after a closing quote when the
    two are a doubled quote), a closing one before the delimiter, a line end, the file's
    end or a quote; and every CR before an LF. Python's csv module, DuckDB's reader and
    Arrow's then split the file into the same records and cells; a stray quote inside a
    cell or a bare CR line end is read differently by each and is left to DuckDB."""

    def __init__(self, delimiter: str, bom: bool) -> None:
        self.delimiter = ord(delimiter) if len(delimiter.encode()) == 1 else -1
        self.ok = self.delimiter >= 0
        self.last_byte = -1  # the byte before the block (-1: the file's start)
        # The block ended on a closing quote, or a CR: the next byte must suit it.
        self.pending_quote = self.pending_cr = False
        self.quotes = 0  # quotes up to the end of the last block
        self.bom = bom

    def block(self, offset: int, data: np.ndarray, quotes: np.ndarray, before: int) -> None:
        if not self.ok:
            return
        if self.pending_quote and data[0] not in self._after_close():
            self.ok = False
        if self.pending_cr and data[0] != 10:
            self.ok = False
        size = len(data)
        if len(quotes):
            # (as int16: -1 and -2 stand for the file's start and the block's end)
            before_quotes = data[np.maximum(quotes - 1, 0)].astype(np.int16)
            after_quotes = data[np.minimum(quotes + 1, size - 1)].astype(np.int16)
            previous = np.where(quotes > 0, before_quotes, self.last_byte)
            following = np.where(quotes + 1 < size, after_quotes, -2)
            opening = (before + np.arange(len(quotes))) % 2 == 0
            starts = np.isin(previous, [self.delimiter, 10, 34, -1])
            if self.bom and offset <= 3:
                starts |= quotes + offset == 3
            ends = np.isin(following, [*self._after_close(), -2])
            if not (starts | ~opening).all() or not (ends | opening).all():
                self.ok = False
            self.pending_quote = bool(quotes[-1] == size - 1 and not opening[-1])
        else:
            self.pending_quote = False
        crs = np.flatnonzero(data == 13)
        inner = crs[crs + 1 < size]
        if len(inner) and (data[inner + 1] != 10).any():
            self.ok = False
        self.pending_cr = bool(len(crs) and crs[-1] == size - 1)
        self.last_byte = int(data[-1])
        self.quotes = before + len(quotes)

    def _after_close(self) -> list[int]:
        return [self.delimiter, 13, 10, 34]

    def done(self) -> bool:
        # An odd count leaves the last cell open at the file's end: not plain either.
        return self.ok and not self.pending_cr and self.quotes % 2 == 0


def _may_have_empty_line(path: Path, block: int) -> bool:
    """A newline right after a newline (or after CR LF), or one at the very start: cheap,
    and false positives (inside quotes) only cost the exact scan."""
    carry = np.zeros(0, np.uint8)  # the previous block's last two bytes
    for offset, bytes_ in _blocks(path, max(block, 1)):
        if offset == 0 and bytes_[0] in (10, 13):
            return True
        data = np.concatenate([carry, bytes_])
        newlines = np.flatnonzero(data == 10)
        close = np.flatnonzero(np.diff(newlines) <= 2)
        for k in close:
            first, second = newlines[k], newlines[k + 1]
            if second - first == 1 or data[first + 1] == 13:
                return True
        carry = data[-2:]
    return False


def _record_end_blocks(
    path: Path, block: int = _CHUNK
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray, int]]:
    """(offset, bytes, positions in the file of the newlines that end records, positions
    in the block of its quotes, quotes before the block) per block: record ends are the
    newlines after an even number of quotes (a quoted cell, its doubled quotes included,
    holds an even number)."""
    quotes_before = 0
    for offset, chunk in _blocks(path, block):
        quotes = np.flatnonzero(chunk == 34)
        newlines = np.flatnonzero(chunk == 10)
        if len(quotes) or quotes_before % 2:
            inside = (quotes_before + np.searchsorted(quotes, newlines)) % 2 == 1
            newlines = newlines[~inside]
        yield offset, chunk, newlines + offset, quotes, quotes_before
        quotes_before += len(quotes)


def read_records(
    path: Path,
    encoding: str,
    delimiter: str,
    records: list[int],
    skip_initial_space: bool,
    *,
    block: int = _CHUNK,
    marks: dict[int, int] | None = None,
) -> dict[int, list[str]]:
    """The cells of a few records (1 = header), parsed by Python's csv module as
    frictionless parses them, without reading the rest of the file into Python. With the
    `marks` of a record_map, each record is found from the mark before it; without, one
    pass from the file's start finds them all."""
    python_encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    size = path.stat().st_size
    ends = _ends_near_marks(path, records, marks, block) if marks else None
    if ends is None:
        ends = _ends_from_start(path, records, block)
    got: dict[int, list[str]] = {}
    with path.open("rb") as handle:
        for record in records:
            start = ends.get(record - 1, size) + 1
            stop = ends.get(record, size)
            handle.seek(min(start, size))
            raw = handle.read(max(stop - start, 0))
            text = raw.decode(python_encoding, errors="replace")
            reader = csv.reader(
                io.StringIO(text), delimiter=delimiter, skipinitialspace=skip_initial_space
            )
            got[record] = next(reader, [])
    return got


def _ends_from_start(path: Path, records: list[int], block: int) -> dict[int, int]:
    """Record number -> offset of its ending newline, for the records and those before them
    (record r runs from after the (r-1)th record end to the r-th one, or the file's end)."""
    wanted = {bound for record in records for bound in (record - 1, record)}
    ends: dict[int, int] = {0: -1}
    last = max(wanted, default=0)
    seen = 0
    for _, _, block_ends, _, _ in _record_end_blocks(path, block):
        for n in [w for w in wanted if seen < w <= seen + len(block_ends)]:
            ends[n] = int(block_ends[n - seen - 1])
        seen += len(block_ends)
        if seen >= last:
            break
    return ends


def _ends_near_marks(
    path: Path, records: list[int], marks: dict[int, int], block: int
) -> dict[int, int]:
    """As _ends_from_start, reading on from the nearest mark before each record: a record
    end is a newline after an even number of quotes, so the count restarts at any mark.
    The ends after a mark are found once for all the records wanted after it."""
    known = sorted({0, *marks})
    offsets = {0: -1, **marks}
    ends: dict[int, int] = {0: -1}
    after: dict[int, np.ndarray] = {}  # mark -> the offsets of the record ends after it
    step = max(1, min(block, 1 << 16))
    with path.open("rb") as handle:
        for record in sorted(set(records)):
            mark = known[bisect_right(known, record - 1) - 1]
            found = after.get(mark)
            if found is None or (len(found) < record - mark and len(found) >= _STRIDE):
                # Up to the next mark, or further when marks are sparser than usual.
                count = max(record - mark, _STRIDE)
                found = after[mark] = _ends_after(handle, offsets[mark] + 1, count, step)
            for wanted in (record - 1, record):
                k = wanted - mark
                if k == 0:
                    ends[wanted] = offsets[mark]
                elif k <= len(found):
                    ends[wanted] = int(found[k - 1])
    return ends


def _ends_after(handle: BinaryIO, start: int, count: int, block: int) -> np.ndarray:
    """The file offsets of the first `count` record ends at or after `start` (fewer at the
    file's end), `start` being the first byte of a record."""
    found: list[np.ndarray] = []
    total = 0
    quotes_before = 0
    offset = start
    handle.seek(start)
    while total < count and (data := handle.read(block)):
        chunk = np.frombuffer(data, np.uint8)
        quotes = np.flatnonzero(chunk == 34)
        newlines = np.flatnonzero(chunk == 10)
        inside = (quotes_before + np.searchsorted(quotes, newlines)) % 2 == 1
        part = newlines[~inside][: count - total] + offset
        found.append(part)
        total += len(part)
        quotes_before += len(quotes)
        offset += len(data)
    return np.concatenate(found) if found else np.zeros(0, np.int64)
