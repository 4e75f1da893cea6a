"""Detection of format, compression, encoding and delimiter from a file's first bytes."""

from __future__ import annotations

import gzip
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datacollab.datasets.ingest.detect import Detected, detect, detect_delimiter, detect_encoding
from datacollab.datasets.ingest.errors import Refusal
from tests.datasets.hostile.xlsx import write_xlsx

TEXT = "city;name;amount\nZürich;café crème;1,5\nSão Paulo;ação;2\nMünchen;Straße;3\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a,b\n1,2\n", "utf-8"),
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("latin-1"), "latin-1"),
        ("price,currency\n€ 12,EUR\n“quoted”,x\n".encode("cp1252"), "cp1252"),
        (TEXT.encode("utf-16"), "utf-16"),
    ],
    ids=["ascii", "utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"],
)
def test_detect_encoding_names_the_encoding(data, expected):
    assert detect_encoding(data, complete=True) == expected


def test_detect_encoding_utf8_cut_mid_character_in_a_sample():
    data = "é".encode() * 10
    assert detect_encoding(data[:-1], complete=False) == "utf-8"


def test_detect_encoding_cyrillic_is_not_taken_for_western():
    data = "город,значение\nМосква,1\nСанкт-Петербург,2\nНовосибирск,3\n".encode("cp1251")
    assert detect_encoding(data, complete=True) == "cp1251"


def test_detect_encoding_binary_is_refused():
    with pytest.raises(Refusal) as caught:
        detect_encoding(b"\x00\x01\x02\xff\xfe\x00garbage\x00" * 50, complete=True)
    assert caught.value.code == "binary"


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("a,b,c\n1,2,3\n4,5,6\n", "csv", ","),
        ("a;b;c\n1,5;2;3\n4;5,5;6\n", "csv", ";"),
        ("a\tb\tc\n1\t2\t3\n", "csv", "\t"),
        ("a|b|c\n1|2|3\n", "csv", "|"),
        ('name,note\n"x","hello; world"\n"y","a;b;c"\n', "csv", ","),
        ("single\n1\n2\n", "csv", ","),
        ("single\n1\n2\n", "tsv", "\t"),
    ],
    ids=["comma", "semicolon-decimal-comma", "tab", "pipe", "quoted", "one-column", "tsv"],
)
def test_detect_delimiter_picks_the_consistent_split(text, fmt, expected):
    assert detect_delimiter(text, fmt=fmt, complete=True) == expected


def test_detect_csv_in_latin1_with_semicolons(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(TEXT.encode("latin-1"))
    assert detect(path, "export.csv") == Detected(format="csv", encoding="latin-1", delimiter=";")


def test_detect_tsv_by_extension(tmp_path):
    path = tmp_path / "data.tsv"
    path.write_bytes(b"a\tb\n1\t2\n")
    assert detect(path, "data.tsv") == Detected(format="tsv", encoding="utf-8", delimiter="\t")


def test_detect_gzip_reads_inside(tmp_path):
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(b"a;b\n1;2\n"))
    assert detect(path, "data.csv.gz") == Detected(
        format="csv", compression="gzip", encoding="utf-8", delimiter=";"
    )


def test_detect_parquet_by_magic_whatever_the_name(tmp_path):
    path = tmp_path / "upload.bin"
    pq.write_table(pa.table({"a": [1, 2]}), path)
    assert detect(path, "upload.bin") == Detected(format="parquet")


def test_detect_xlsx_by_structure(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {"Sheet1": [["a"], [1]]})
    assert detect(path, "book.xlsx") == Detected(format="xlsx")


def test_detect_as_dict_leaves_out_unknowns():
    assert Detected(format="parquet").as_dict() == {"format": "parquet"}


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", "empty"),
        ("fake.parquet", b"a,b\n1,2\n", "not-parquet"),
        ("cut.parquet", b"PAR1" + b"x" * 100, "parquet-broken"),
        ("fake.xlsx", b"a,b\n1,2\n", "not-xlsx"),
        ("fake.csv.gz", b"a,b\n1,2\n", "not-gzip"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
    ],
)
def test_detect_refuses_what_cannot_be_a_table(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(Refusal) as caught:
        detect(path, name)
    assert caught.value.code == code


def test_detect_refuses_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(Refusal) as caught:
        detect(path, "data.zip")
    assert caught.value.code == "zip-not-xlsx"
