"""Guess a file's format, compression, encoding and delimiter from its first bytes and its name.

Only a bounded sample is read (even from a compressed file), so detection is cheap and safe on
any input; the worker then checks the whole file while converting it.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from datacollab.datasets.ingest.errors import Refusal

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
TEXT_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv"}
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Symbols common in Western European data that cp1252 (and, outside 0x80-0x9F, latin-1) encode.
_WESTERN_SYMBOLS = set("€£¥¢°±§©®µ·¿¡«»–—‘’‚“”„…•™¼½¾×÷ªº²³¹¤¦¨¬¯´¶¸†‡ˆ‰‹›\u00a0")


@dataclass(frozen=True)
class Detected:
    format: str  # csv | tsv | parquet | xlsx
    compression: str | None = None  # gzip
    encoding: str | None = None
    delimiter: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


def _suffix(name: str) -> tuple[str, bool]:
    """The extension that names the data, and whether the name ends in .gz."""
    lowered = name.lower()
    gz = lowered.endswith(".gz")
    if gz:
        lowered = lowered[:-3]
    return Path(lowered).suffix, gz


def sniff_format(head: bytes, tail: bytes, name: str) -> tuple[str, str | None]:
    """(format, compression) from the magic bytes, with the extension as a tie-breaker."""
    suffix, gz_name = _suffix(name)
    if head.startswith(GZIP_MAGIC):
        return TEXT_EXTENSIONS.get(suffix, "csv"), "gzip"
    if gz_name:
        raise Refusal("not-gzip")
    if head.startswith(PARQUET_MAGIC):
        if not tail.endswith(PARQUET_MAGIC):
            raise Refusal("parquet-broken", detail="the file is truncated (no PAR1 footer)")
        return "parquet", None
    if suffix == ".parquet":
        raise Refusal("not-parquet")
    if head.startswith(ZIP_MAGIC):
        return "xlsx", None
    if head.startswith(OLE_MAGIC):
        raise Refusal("xls")
    if suffix in {".xlsx", ".xlsm"}:
        raise Refusal("not-xlsx")
    return TEXT_EXTENSIONS.get(suffix, "csv"), None


def check_xlsx_structure(path: Path) -> None:
    """A workbook is a ZIP with [Content_Types].xml and an xl/ folder; reads the directory only."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refusal("xlsx-broken", detail=str(exc)) from exc
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise Refusal("zip-not-xlsx")


def _looks_western(text: str) -> bool:
    """Whether text decoded as cp1252 reads like Latin-script prose rather than mojibake.

    A Cyrillic or Greek file decoded as cp1252 yields only accented Latin letters; real Western
    text has mostly plain ASCII letters with a few accented ones among them.
    """
    letters = ascii_letters = 0
    for char in text:
        if char.isascii():
            if char.isalpha():
                letters += 1
                ascii_letters += 1
            elif not char.isprintable() and char not in "\t\r\n\f":
                return False
            continue
        if char.isalpha():
            if not unicodedata.name(char, "").startswith("LATIN"):
                return False
            letters += 1
        elif char not in _WESTERN_SYMBOLS:
            return False
    return letters > 0 and ascii_letters / letters >= 0.6


def normalise_encoding(encoding: str) -> str:
    """Python's codec name, written as people know it (latin-1, utf-16le)."""
    name = codecs.lookup(encoding).name
    return {"iso8859-1": "latin-1", "utf-16-le": "utf-16le", "utf-16-be": "utf-16be"}.get(
        name, name
    )


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """The text encoding of `sample` (the start of a file, or all of it when `complete`)."""
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            return encoding
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    if b"\x00" not in sample:
        try:
            as_cp1252 = sample.decode("cp1252")
        except UnicodeDecodeError:
            as_cp1252 = ""
        if as_cp1252 and _looks_western(as_cp1252):
            # latin-1 and cp1252 differ only in 0x80-0x9F; name the one the file needs.
            return "cp1252" if any(0x80 <= byte <= 0x9F for byte in sample) else "latin-1"
    from charset_normalizer import from_bytes

    results = list(from_bytes(sample))
    best = results[0] if results else None
    if best is not None:
        # Data exported on Windows is far more common than Mac or DOS code pages, which
        # charset-normalizer sometimes ranks first on short samples (mac_cyrillic for cp1251).
        windows = [
            r for r in results if r.encoding.startswith("cp125") and r.chaos <= best.chaos + 0.1
        ]
        best = windows[0] if windows else best
    if best is None:
        if b"\x00" in sample:
            raise Refusal("binary")
        raise Refusal("no-encoding")
    encoding = normalise_encoding(best.encoding)
    if b"\x00" in sample and not encoding.startswith(("utf-16", "utf-32")):
        raise Refusal("binary")
    return encoding


def _sample_lines(text: str, *, complete: bool, limit: int = 100) -> list[str]:
    lines = text.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line short
    return [line for line in lines[:limit] if line.strip()]


def detect_delimiter(text: str, *, fmt: str, complete: bool) -> str:
    """The delimiter that splits the sample's lines into the same number of fields (> 1)."""
    lines = _sample_lines(text, complete=complete)
    default = "\t" if fmt == "tsv" else ","
    best: tuple[float, int, int, int] | None = None
    chosen = default
    for order, delimiter in enumerate(DELIMITERS):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not counts:
            continue
        modal, frequency = Counter(counts).most_common(1)[0]
        if modal < 2:
            continue
        score = (frequency / len(counts), int(delimiter == default), modal, -order)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def read_sample(path: Path, compression: str | None) -> tuple[bytes, bool]:
    """Up to SAMPLE_BYTES of the (decompressed) content, and whether that is all of it."""
    try:
        if compression == "gzip":
            with gzip.open(path, "rb") as handle:
                sample = handle.read(SAMPLE_BYTES + 1)
        else:
            with path.open("rb") as handle:
                sample = handle.read(SAMPLE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise Refusal("gzip-broken", detail=str(exc)) from exc
    return sample[:SAMPLE_BYTES], len(sample) <= SAMPLE_BYTES


def detect(path: Path, name: str) -> Detected:
    """The guess shown to the owner; raises Refusal for what cannot be a table."""
    with path.open("rb") as handle:
        head = handle.read(8)
        size = handle.seek(0, io.SEEK_END)
        handle.seek(max(0, size - 4))
        tail = handle.read(4)
    if size == 0:
        raise Refusal("empty")
    fmt, compression = sniff_format(head, tail, name)
    if fmt == "parquet":
        return Detected(format="parquet")
    if fmt == "xlsx":
        check_xlsx_structure(path)
        return Detected(format="xlsx")
    sample, complete = read_sample(path, compression)
    if not sample.strip():
        raise Refusal("empty")
    encoding = detect_encoding(sample, complete=complete)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=complete)
    delimiter = detect_delimiter(text.lstrip("\ufeff"), fmt=fmt, complete=complete)
    return Detected(format=fmt, compression=compression, encoding=encoding, delimiter=delimiter)
