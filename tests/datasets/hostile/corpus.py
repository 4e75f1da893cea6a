"""Hostile files: each builder writes one into `folder` and returns its path.

The bombs are real: their content does expand to gigabytes (or past the limit the test sets),
built by streaming zeros through the compressor so building them needs no memory.
"""

from __future__ import annotations

import os
import random
import struct
import zipfile
import zlib
from pathlib import Path

from tests.datasets.hostile.xlsx import _parts, sheet_xml, write_xlsx

MB = 1024 * 1024


def _zeros_into(stream, total: int) -> None:
    block = b"0" * MB
    for _ in range(total // MB):
        stream.write(block)


def _deflated_zeros(total: int) -> tuple[bytes, bytes, int]:
    """(raw deflate of a header row then `total` zero characters, crc32, size), built fast.

    One MB is compressed once with a full flush (which makes it independent of what came
    before) and the result repeated: the stream is valid and really expands to `total` bytes.
    """
    header = b"a\n"
    block = b"0" * MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(header) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = repeat.compress(block) + repeat.flush(zlib.Z_FULL_FLUSH)
    times = total // MB
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = zlib.crc32(header)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return start + unit * times + end, struct.pack("<I", crc), len(header) + times * MB


def zip_bomb_xlsx(folder: Path, *, expands_to: int = 2048 * MB) -> Path:
    """A workbook whose sheet part really decompresses to `expands_to` bytes (about 1000:1)."""
    path = folder / "bomb.xlsx"
    data, crc, size = _deflated_zeros(expands_to)
    parts = _parts({"Sheet1": sheet_xml([["a"], [1]])})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, text)
    # Append the bomb member by hand (zipfile cannot store data it did not compress itself).
    body = path.read_bytes()
    directory_at = body.rindex(b"PK\x05\x06")
    count, dir_size, dir_offset = struct.unpack("<HII", body[directory_at + 10 : directory_at + 20])
    entries = body[dir_offset : dir_offset + dir_size]
    local_at = dir_offset
    name = b"xl/worksheets/sheet1.xml"
    fixed = struct.pack("<HHHHH", 20, 0, 8, 0, 0) + crc + struct.pack("<II", len(data), size)
    local = b"PK\x03\x04" + fixed + struct.pack("<HH", len(name), 0) + name
    central = (
        b"PK\x01\x02"
        + struct.pack("<H", 20)
        + fixed
        + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, local_at)
        + name
    )
    new_dir_offset = local_at + len(local) + len(data)
    new_dir = entries + central
    end = b"PK\x05\x06" + struct.pack(
        "<HHHHIIH", 0, 0, count + 1, count + 1, len(new_dir), new_dir_offset, 0
    )
    with path.open("wb") as stream:
        stream.write(body[:dir_offset] + local + data + new_dir + end)
    return path


def gzip_bomb(folder: Path, *, expands_to: int = 1024 * MB) -> Path:
    """A .csv.gz that really decompresses to `expands_to` bytes."""
    path = folder / "bomb.csv.gz"
    data, crc, size = _deflated_zeros(expands_to)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    path.write_bytes(header + data + crc + struct.pack("<I", size % 2**32))
    return path


def long_line(folder: Path, *, length: int = 50 * MB) -> Path:
    """A header, one normal row, then a single line of `length` bytes."""
    path = folder / "long-line.csv"
    with path.open("wb") as stream:
        stream.write(b"a,b\n1,2\n3,")
        _zeros_into(stream, length)
        stream.write(b"\n")
    return path


def binary_garbage(folder: Path) -> Path:
    path = folder / "garbage.csv"
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    return path


def undetectable_encoding(folder: Path) -> Path:
    """High bytes in no sensible pattern, no NUL: neither UTF-8 nor any likely code page."""
    rng = random.Random(11)
    path = folder / "noise.csv"
    path.write_bytes(bytes(rng.choice(range(0x80, 0x100)) for _ in range(4096)))
    return path


def bad_utf8_late(folder: Path) -> Path:
    """Valid UTF-8 for the first 300 KB (past the detection sample), then a stray latin-1 byte."""
    path = folder / "late.csv"
    with path.open("wb") as stream:
        stream.write(b"id,name\n")
        line = 1
        while stream.tell() < 300 * 1024:
            stream.write(f"{line},caf\u00e9\n".encode())
            line += 1
        stream.write(f"{line},caf".encode() + b"\xe9\n")
    return path


def empty(folder: Path) -> Path:
    path = folder / "empty.csv"
    path.write_bytes(b"")
    return path


def blank(folder: Path) -> Path:
    path = folder / "blank.csv"
    path.write_bytes(b"\n\n  \n")
    return path


def header_only(folder: Path) -> Path:
    path = folder / "header.csv"
    path.write_bytes(b"id,name,value\n")
    return path


def fake_parquet(folder: Path) -> Path:
    path = folder / "fake.parquet"
    path.write_bytes(b"id,name\n1,a\n")
    return path


def truncated_parquet(folder: Path, good: Path) -> Path:
    data = good.read_bytes()
    path = folder / "truncated.parquet"
    path.write_bytes(data[: len(data) // 2])
    return path


def xlsx_without_sheets(folder: Path) -> Path:
    return write_xlsx(folder / "no-sheets.xlsx", {})


def plain_zip(folder: Path) -> Path:
    path = folder / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    return path


def old_xls(folder: Path) -> Path:
    path = folder / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(512))
    return path
