"""Streaming conversions run inside the worker, each under a byte cap.

gzip is decompressed in bounded steps; text is checked (decodable, no absurd line) and turned
into UTF-8 on the way; a workbook is checked as a ZIP (declared and actual sizes, ratios, part
count) before calamine reads its first sheet into CSV. Nothing is ever read whole into memory
except the one sheet calamine loads, which the worker's memory limit bounds.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datacollab.datasets.ingest.errors import Refusal
from datacollab.datasets.ingest.limits import MB, Limits

CHUNK = 1 * MB
# Parts of a workbook below this size may compress well without being suspicious.
RATIO_FLOOR = 1 * MB


def _mb(value: int) -> int:
    return max(1, value // MB)


def gunzip(
    src: Path,
    dst: Path,
    *,
    max_bytes: int,
    max_ratio: int | None = None,
    ratio_floor: int = 16 * MB,
) -> int:
    """Decompress `src` into `dst`, refusing once the output passes `max_bytes`, or passes
    `max_ratio` times the compressed bytes read so far (once past `ratio_floor`: small files
    may compress very well without harm).

    The ratio is checked against what has been read, not the whole file's size: a bomb
    is then refused after `ratio_floor` bytes of output (a 4.6 MB gzip of 3 GB once had
    447 MB written and 20 s spent before its whole-file ratio showed).
    """
    written = 0
    read = 0  # compressed bytes handed to the decompressor and consumed by it
    decompressor = zlib.decompressobj(wbits=31)
    try:
        with src.open("rb") as source, dst.open("wb") as target:
            while True:
                data = source.read(CHUNK)
                if not data:
                    break
                read += len(data)
                while data:
                    out = decompressor.decompress(data, CHUNK)
                    written += len(out)
                    if written > max_bytes:
                        raise Refusal("bomb", limit_mb=_mb(max_bytes))
                    if max_ratio is not None and written > ratio_floor:
                        cap = (read - len(decompressor.unconsumed_tail)) * max_ratio
                        if written > cap:
                            limit = _mb(max(ratio_floor, cap))
                            raise Refusal("expansion", ratio=max_ratio, limit_mb=limit)
                    target.write(out)
                    if decompressor.eof:
                        # A gzip file may hold several members one after another.
                        data = decompressor.unused_data
                        decompressor = zlib.decompressobj(wbits=31)
                        if data.strip(b"\x00") == b"":
                            data = b""
                    else:
                        data = decompressor.unconsumed_tail
            if not decompressor.eof and written == 0:
                raise Refusal("gzip-broken", detail="no complete compressed data")
    except zlib.error as exc:
        raise Refusal("gzip-broken", detail=str(exc)) from exc
    return written


@dataclass
class TextStats:
    lines: int  # newline characters seen
    nonblank_lines: int  # counted up to 2: enough to tell "header only"


def _first_break(text: str) -> int:
    positions = [p for p in (text.find("\n"), text.find("\r")) if p >= 0]
    return min(positions) if positions else -1


def check_text(src: Path, *, encoding: str, max_line_bytes: int, dst: Path | None) -> TextStats:
    """Decode all of `src`; refuse bad bytes or an absurd line; write UTF-8 to `dst` if given.

    Checks are per chunk with C string methods, never a Python loop per line.
    """
    chunk_size = min(CHUNK, max_line_bytes)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    newlines = 0
    run = 0  # length of the line in progress
    nonblank = 0
    carry = ""  # the unfinished line at the end of what was counted
    target = dst.open("w", encoding="utf-8", newline="") if dst is not None else None
    try:
        with src.open("rb") as source:
            while True:
                data = source.read(chunk_size)
                final = not data
                try:
                    text = decoder.decode(data, final=final)
                except UnicodeDecodeError as exc:
                    line = newlines + data[: exc.start].count(b"\n") + 1
                    raise Refusal("bad-encoding", encoding=encoding, line=line) from exc
                if text:
                    first = _first_break(text)
                    if first < 0:
                        run += len(text)
                    else:
                        run += first
                    if run > max_line_bytes:
                        raise Refusal(
                            "line-too-long", line=newlines + 1, limit_mb=_mb(max_line_bytes)
                        )
                    if first >= 0:
                        run = len(text) - max(text.rfind("\n"), text.rfind("\r")) - 1
                    if nonblank < 2:
                        lines = (carry + text).splitlines(keepends=True)
                        carry = "" if lines[-1].endswith(("\n", "\r")) else lines.pop()
                        nonblank = min(2, nonblank + sum(1 for part in lines if part.strip()))
                    newlines += text.count("\n")
                    if target is not None:
                        target.write(text)
                if final:
                    break
        if carry.strip() and nonblank < 2:
            nonblank += 1
    finally:
        if target is not None:
            target.close()
    return TextStats(lines=newlines, nonblank_lines=nonblank)


def check_zip(src: Path, limits: Limits) -> None:
    """Refuse a decompression bomb: by the sizes the ZIP declares, then by what it really holds."""
    try:
        with zipfile.ZipFile(src) as archive:
            members = archive.infolist()
            if len(members) > limits.max_zip_members:
                raise Refusal("zip-members", count=len(members), limit=limits.max_zip_members)
            declared = sum(m.file_size for m in members)
            if declared > limits.max_expanded_bytes:
                raise Refusal("bomb", limit_mb=_mb(limits.max_expanded_bytes))
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > RATIO_FLOOR and ratio > limits.max_zip_ratio:
                    raise Refusal(
                        "bomb-ratio",
                        member=member.filename[:100],
                        ratio=int(ratio),
                        max_ratio=limits.max_zip_ratio,
                    )
            # Sizes in the directory can lie; zipfile stops at the declared size and checks
            # the CRC, so counting what actually comes out is exact.
            actual = 0
            for member in members:
                with archive.open(member) as stream:
                    while block := stream.read(CHUNK):
                        actual += len(block)
                        if actual > limits.max_expanded_bytes:
                            raise Refusal("bomb", limit_mb=_mb(limits.max_expanded_bytes))
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
        raise Refusal("xlsx-broken", detail=str(exc)) from exc


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Excel stores every number as a float; 3.0 in a cell was typed as 3.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds())
    return str(value)


def xlsx_to_csv(src: Path, dst: Path, *, limits: Limits) -> str:
    """Check the workbook's ZIP, then write its first sheet as UTF-8 CSV; returns the sheet name."""
    check_zip(src, limits)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(src))
        names = list(workbook.sheet_names)
        if not names:
            raise Refusal("xlsx-no-sheets")
        sheet = workbook.get_sheet_by_index(0)
        rows = 0
        with dst.open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target, lineterminator="\n")
            for row in sheet.iter_rows():
                writer.writerow([_cell(value) for value in row])
                rows += 1
    except Refusal:
        raise
    except (CalamineError, ValueError, OSError) as exc:
        raise Refusal("xlsx-broken", detail=str(exc).splitlines()[0][:300]) from exc
    if rows == 0:
        raise Refusal("xlsx-empty-sheet", sheet=names[0])
    if rows == 1:
        raise Refusal("header-only")
    return names[0]


def check_parquet(src: Path) -> int:
    """Read the footer; returns the row count. A damaged or truncated file is refused."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(src).metadata
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise Refusal("parquet-broken", detail=str(exc).splitlines()[0][:300]) from exc
    return int(metadata.num_rows)
