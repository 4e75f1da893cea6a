"""Open a CSV, TSV or Parquet file for DuckDB and read it the way frictionless-py does.

frictionless reads CSV with Python's csv module: the header is record 1, and every
record after it is a row, an empty line included (it is a blank row). DuckDB's reader
agrees on records (quoted newlines included) but skips empty lines, so `empty_records`
finds them with a byte scan, only when the file holds an empty line at all.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

import codecs
import csv
import io
import mmap
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from datacollab.datasets.validation.sql import lit

FORMATS = ("csv", "tsv", "parquet")
# DuckDB reads these itself; any other encoding is transcoded to UTF-8 first.
_NATIVE = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "ascii": "utf-8", "latin-1": "latin-1"}
_SNIFF_DELIMITERS = ",\t;|"
# DuckDB turns cells equal to this into NULL; no real cell is, so NULL means "no cell".
NULLSTR = "\x01\x02datacollab-no-null\x02\x01"
_CHUNK = 1 << 24
# A header wider than this is refused: each column is a SQL expression per rule.
MAX_COLUMNS = 4096
# The longest record read (frictionless stops at 128 KiB per cell). DuckDB sizes its read
# buffers from it, and much larger buffers leave one thread reading the whole file.
MAX_LINE_BYTES = 8 << 20


class SourceError(ValueError):
    """The file cannot be read as the format it claims; the message says why."""


@dataclass(frozen=True)
class Source:
    path: Path  # what DuckDB reads (a UTF-8 copy when the encoding needed one)
    original: Path
    fmt: str
    delimiter: str
    encoding: str  # as DuckDB names it
    labels: list[str]
    byte_size: int
    # Python's csv skips spaces at the start of each cell when frictionless's sniffing
    # says so (as in "1, Ann, 30"); DuckDB has no such option, so the scan trims them.
    skip_initial_space: bool = False

    @property
    def is_text(self) -> bool:
        return self.fmt in ("csv", "tsv")

    def scan_sql(self, n_columns: int, *, parallel: bool = True) -> str:
        """A DuckDB table function reading every cell as text, header row included."""
        if not self.is_text:
            return f"read_parquet({lit(str(self.path))})"
        return csv_sql(
            self.path,
            delimiter=self.delimiter,
            encoding=self.encoding,
            n_columns=n_columns,
            header=False,
            parallel=parallel,
            skip_initial_space=self.skip_initial_space,
        )


def csv_sql(
    path: Path,
    *,
    delimiter: str,
    encoding: str,
    n_columns: int,
    header: bool,
    parallel: bool = True,
    skip_initial_space: bool = False,
) -> str:
    """DuckDB reading a CSV as Python's csv module does: cells c1..cN as text, NULL where a
    short row has no cell."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, n_columns + 1))
    scan = (
        f"read_csv({lit(str(path))}, header = {'true' if header else 'false'}, "
        f"auto_detect = false, delim = {lit(delimiter)}, quote = '\"', escape = '\"', "
        f"columns = {{{columns}}}, null_padding = true, strict_mode = false, "
        f"nullstr = {lit(NULLSTR)}, encoding = {lit(encoding)}, "
        f"max_line_size = {MAX_LINE_BYTES}, parallel = {'true' if parallel else 'false'})"
    )
    if not skip_initial_space:
        return scan
    trimmed = ", ".join(f"ltrim(c{i}, ' ') AS c{i}" for i in range(1, n_columns + 1))
    return f"(SELECT {trimmed} FROM {scan})"


def execute_scan(con: duckdb.DuckDBPyConnection, make_sql: Callable[[bool], str]) -> Any:
    """Run a query over the file in parallel, or sequentially when DuckDB's parallel reader
    refuses (it cannot pad short rows when cells hold newlines)."""
    try:
        return con.execute(make_sql(True))
    except duckdb.Error as error:
        if "parallel" not in str(error):
            raise
        return con.execute(make_sql(False))


def check_width(columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise SourceError(
            f"The file has {columns:,} columns; at most {MAX_COLUMNS:,} can be validated."
        )


def check_format(fmt: str) -> str:
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise SourceError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    return fmt


@contextmanager
def open_source(
    source: Path, *, fmt: str, encoding: str | None, delimiter: str | None
) -> Iterator[Source]:
    fmt = check_format(fmt)
    source = Path(source)
    if not source.is_file():
        raise SourceError(f"No such file: {source}.")
    size = source.stat().st_size
    if size == 0:
        raise SourceError(f"{source.name} is empty.")
    if fmt == "parquet":
        yield Source(source, source, fmt, "", "", [], size)
        return
    refuse_binary(source)
    if delimiter is not None and len(delimiter) != 1:
        raise SourceError(f"The delimiter must be one character, not {delimiter!r}.")
    if delimiter in ('"', "\n", "\r"):
        raise SourceError(f"{delimiter!r} cannot be the delimiter.")
    with transcoded(source, encoding) as (path, duck_encoding):
        python_encoding = "utf-8-sig" if duck_encoding == "utf-8" else duck_encoding
        delimiter, skip = sniff(path, python_encoding, delimiter, fmt)
        labels = read_labels(path, python_encoding, delimiter, skip)
        check_width(len(labels))
        yield Source(path, source, fmt, delimiter, duck_encoding, labels, size, skip)


_MAGIC = {
    b"\x1f\x8b": "gzip-compressed",
    b"PK\x03\x04": "a zip archive (or an XLSX workbook)",
    b"BZh": "bzip2-compressed",
    b"\xfd7zXZ": "xz-compressed",
    b"\x28\xb5\x2f\xfd": "zstd-compressed",
    b"PAR1": "a Parquet file",
}


def refuse_binary(source: Path) -> None:
    """Name the usual binary files given as text, rather than report their bytes."""
    with source.open("rb") as handle:
        head = handle.read(8)
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            raise SourceError(f"{source.name} is {kind}, not CSV text.")


@contextmanager
def transcoded(source: Path, encoding: str | None) -> Iterator[tuple[Path, str]]:
    """(a path DuckDB can read, the encoding to tell it): the file itself when DuckDB
    reads its encoding, else a temporary UTF-8 copy written in chunks."""
    name = _codec_name(encoding or "utf-8")
    if name in _NATIVE:
        yield source, _NATIVE[name]
        return
    decoder = codecs.getincrementaldecoder(name)(errors="strict")
    with tempfile.TemporaryDirectory(prefix="datacollab-transcode-") as tmp:
        target = Path(tmp) / "source.csv"
        offset = 0
        try:
            with source.open("rb") as raw, target.open("w", encoding="utf-8") as out:
                while chunk := raw.read(_CHUNK):
                    out.write(decoder.decode(chunk))
                    offset += len(chunk)
                out.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as error:
            raise SourceError(
                f"{source.name} is not valid {encoding} (byte {offset + error.start})."
            ) from None
        yield target, "utf-8"


def _codec_name(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise SourceError(f"Unknown encoding {encoding!r}.") from None
    return {"iso8859-1": "latin-1", "us-ascii": "ascii"}.get(name, name)


def sniff(path: Path, encoding: str, delimiter: str | None, fmt: str) -> tuple[str, bool]:
    """(delimiter, skip initial spaces) as frictionless finds them: csv.Sniffer over the
    first 100 lines, among the given delimiter (tab for TSV) or , tab ; and |."""
    if delimiter is None and fmt == "tsv":
        delimiter = "\t"
    lines = []
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        for _ in range(100):
            line = handle.readline(1 << 16)
            if not line:
                break
            lines.append(line)
    try:
        found = csv.Sniffer().sniff("".join(lines), delimiter or _SNIFF_DELIMITERS)
    except csv.Error:
        return delimiter or ",", False
    return delimiter or found.delimiter, bool(found.skipinitialspace)


def read_labels(
    path: Path, encoding: str, delimiter: str, skip_initial_space: bool = False
) -> list[str]:
    """The header record, read by Python's csv module as frictionless does, stripped."""
    csv.field_size_limit(MAX_LINE_BYTES)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter, skipinitialspace=skip_initial_space)
            first = next(reader, [])
    except UnicodeDecodeError as error:
        shown = "UTF-8" if encoding == "utf-8-sig" else encoding
        raise SourceError(f"{path.name} is not valid {shown}: {error.reason}.") from None
    except csv.Error as error:
        raise SourceError(f"Cannot read the header row: {error}.") from None
    return [cell.strip() for cell in first]


def _bytes(path: Path) -> np.ndarray:
    """The file as a read-only array of bytes, memory-mapped; the map closes when the
    last view of it goes (closing it by hand fails while any view is alive)."""
    with path.open("rb") as handle:
        return np.frombuffer(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ), np.uint8)


def empty_records(path: Path) -> list[int]:
    """Record numbers (1 = header) of the empty lines outside quoted cells."""
    if path.stat().st_size == 0:
        return []
    data = _bytes(path)
    if not _may_have_empty_line(data):
        return []
    ends = record_ends(data)
    gap = np.diff(ends, prepend=-1)
    before = np.where(ends > 0, data[np.maximum(ends - 1, 0)], 0)
    empty = (gap == 1) | ((gap == 2) & (before == 13))
    return [int(n) + 1 for n in np.flatnonzero(empty)]


def _may_have_empty_line(data: np.ndarray) -> bool:
    """A newline right after a newline (or after CR LF), or one at the very start: cheap,
    and false positives (inside quotes) only cost the exact scan."""
    if data[0] in (10, 13):
        return True
    step = _CHUNK // 4
    for start in range(0, len(data), step):
        newlines = np.flatnonzero(data[start : start + step + 1] == 10) + start
        close = np.flatnonzero(np.diff(newlines) <= 2)
        for k in close:
            first, second = newlines[k], newlines[k + 1]
            if second - first == 1 or data[first + 1] == 13:
                return True
    return False


def record_ends(data: np.ndarray, *, records: int | None = None) -> np.ndarray:
    """Positions of the newlines that end records: those after an even number of quotes
    (a quoted cell, its doubled quotes included, holds an even number). With `records`,
    stops once that many are found."""
    found: list[np.ndarray] = []
    quotes_before = seen = 0
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        quotes = np.flatnonzero(chunk == 34)
        newlines = np.flatnonzero(chunk == 10)
        inside = (quotes_before + np.searchsorted(quotes, newlines)) % 2 == 1
        found.append(newlines[~inside] + start)
        quotes_before += len(quotes)
        seen += len(found[-1])
        if records is not None and seen >= records:
            break
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def read_records(
    path: Path, encoding: str, delimiter: str, records: list[int], skip_initial_space: bool
) -> dict[int, list[str]]:
    """The cells of a few records (1 = header), parsed by Python's csv module as
    frictionless parses them, without reading the rest of the file into Python."""
    python_encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    got: dict[int, list[str]] = {}
    data = _bytes(path)
    ends = record_ends(data, records=max(records, default=0))
    for record in records:
        start = int(ends[record - 2]) + 1 if record >= 2 else 0
        stop = int(ends[record - 1]) if record - 1 < len(ends) else len(data)
        text = data[start:stop].tobytes().decode(python_encoding, errors="replace")
        reader = csv.reader(
            io.StringIO(text), delimiter=delimiter, skipinitialspace=skip_initial_space
        )
        got[record] = next(reader, [])
    return got
