"""Open a CSV, TSV or Parquet file for DuckDB and read it the way frictionless-py does.

frictionless reads CSV with Python's csv module: the header is record 1, and every
record after it is a row, an empty line included (it is a blank row). DuckDB's reader
agrees on records (quoted newlines included) but skips empty lines, so `records.py`
finds them with a byte scan, only when the file holds an empty line at all.
"""

# ruff: noqa: S608 -- this module writes SQL; every value in it goes through sql.lit/ident.

from __future__ import annotations

import codecs
import csv
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

# Their home until they moved; the ingest tests import them from here.
from datacollab.datasets.validation.records import empty_records, read_records  # noqa: F401
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
# DuckDB's read buffers (by default 16 times the longest record: 128 MiB each, several at
# once, enough to exhaust a parsing worker's address space). Twice the longest record
# still holds any record whole, and keeps every thread reading.
BUFFER_BYTES = 2 * MAX_LINE_BYTES


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

    def scan_sql(self, n_columns: int, *, parallel: bool = True, header: bool = False) -> str:
        """A DuckDB table function reading every cell as text, header row included unless
        `header` (then the reader skips the first record)."""
        if not self.is_text:
            return f"read_parquet({lit(str(self.path))})"
        return csv_sql(
            self.path,
            delimiter=self.delimiter,
            encoding=self.encoding,
            n_columns=n_columns,
            header=header,
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
        f"max_line_size = {MAX_LINE_BYTES}, buffer_size = {BUFFER_BYTES}, "
        f"parallel = {'true' if parallel else 'false'})"
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
