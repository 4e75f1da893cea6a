"""The same errors as frictionless-py 5 on crafted files: the strongest test of validate().

Each case writes a small file, validates it with datacollab and with frictionless-py (run
here, in the same process) against the same schema, and compares the sets of
(error type, row number, field name). Header errors carry `rowNumbers` instead of
`rowNumber`; both count as row 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from frictionless import Dialect, Resource, Schema, formats

from datacollab.datasets.validation import validate

Key = tuple[str, int, str | None]


def keys(report: dict[str, Any]) -> set[Key]:
    return {
        (e["type"], e.get("rowNumber") or (e.get("rowNumbers") or [0])[0], e.get("fieldName"))
        for e in report["tasks"][0]["errors"]
    }


def frictionless_keys(path: Path, schema: dict[str, Any], delimiter: str | None = None) -> set[Key]:
    options: dict[str, Any] = {}
    if delimiter is not None:
        options["dialect"] = Dialect(controls=[formats.CsvControl(delimiter=delimiter)])
    # frictionless reads only relative paths under a base path unless told to trust.
    resource = Resource(
        path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema), **options
    )
    report = resource.validate(limit_errors=100_000)
    return keys(report.to_descriptor())


def ours(path: Path, schema: dict[str, Any], delimiter: str | None = None) -> set[Key]:
    fmt = "tsv" if path.suffix == ".tsv" else "csv"
    return keys(validate(path, schema, fmt=fmt, delimiter=delimiter, limit_errors=100_000))


def field(name: str, kind: str = "string", **constraints: Any) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"name": name, "type": kind}
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


PEOPLE = {
    "fields": [
        field("id", "integer", required=True, unique=True),
        field("name", "string", required=True, minLength=2),
        field("age", "integer", minimum=0, maximum=120),
        field("score", "number"),
        field("ok", "boolean"),
        field("joined", "date"),
    ],
    "primaryKey": ["id"],
}

CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "every row-level error": (
        "id,name,age,score,ok,joined\n"
        "1,Ann,17.5,1.5,true,2020-01-01\n"
        "2,Bob,+3,abc,yes,2020-13-01\n"
        "2,,4,2,false\n"
        "\n"
        "3,Cy,5,2,true,2020-01-02,extra\n"
        ",Dee,130,2e3,TRUE,20200101\n"
        ",,,,,\n"
        "4,E,-1,nan,0,2020-1-5,x,y\n",
        PEOPLE,
    ),
    "header labels": (
        "id,id,,Age,extra\n1,2,3,4,5\n",
        {"fields": [field("id", "integer"), field("b"), field("c"), field("age", "integer")]},
    ),
    "fewer labels than fields": (
        "id,name\n1,Ann\n2\n3,Cy,9\n",
        PEOPLE,
    ),
    "quoted delimiters and newlines": (
        'id,name,age,score,ok,joined\n1,"Ann, the first",30,1,true,2020-01-01\n'
        '2,"multi\nline\nname",x,1,true,2020-01-01\n'
        '3,"quote ""inside""",40,y,true,2020-01-01\n'
        '4,"",50,1,true,2020-01-01\n',
        PEOPLE,
    ),
    "empty lines count as rows": (
        "id,name,age,score,ok,joined\n\n1,Ann,1,1,true,2020-01-01\n\n\n"
        "1,Bob,x,1,true,2020-01-01\n\n",
        PEOPLE,
    ),
    "crlf and empty lines": (
        "id,name,age,score,ok,joined\r\n1,Ann,1,1,true,2020-01-01\r\n\r\n"
        "2,Bob,x,1,maybe,2020-01-01\r\n",
        PEOPLE,
    ),
    "unicode cells and digits": (
        "id,name,age,score,ok,joined\n١٢,Zoë 👍🏽,٣٠,١.٥,true,2020-01-01\n"
        "2,Ωmega,\u00a07\u00a0,\u20073.5,True,2020-01-01\n3,日本,二,1,FALSE,2020-01-01\n"
        "4,X,12,1,false,2020-02-30\n",
        PEOPLE,
    ),
    "integers that casts would round": (
        "id,name,age,score,ok,joined\n1,Aa,17.5,1,true,2020-01-01\n2,Bb,1e3,1,true,2020-01-01\n"
        "3,Cc,007,1,true,2020-01-01\n4,Dd, 5 ,1,true,2020-01-01\n5,Ee,1_0,1,true,2020-01-01\n"
        "6,Ff,0x10,1,true,2020-01-01\n7,Gg,5.,1,true,2020-01-01\n8,Hh,-0,1,true,2020-01-01\n",
        PEOPLE,
    ),
    "string constraints": (
        "code,kind,word\nAB123,x,abcdef\nab123,y,a\nAB12,z,abcdefghijklmnop\nAB123\n,x,ab\n",
        {
            "fields": [
                field("code", pattern="[A-Z]{2}[0-9]{3}", required=True),
                field("kind", enum=["x", "y"]),
                field("word", minLength=2, maxLength=10, pattern="a.*|.*z"),
            ]
        },
    ),
    "number and date bounds": (
        "n,d,t,dt,y\n"
        "0.5,2020-01-01,10:00:00,2021-01-01T00:00:00,2000\n"
        "1.5,2019-12-31,09:59:59,2020-12-31T23:59:59,1999\n"
        "inf,2021-06-01,23:00:00,2021-06-01T12:00:00,2031\n"
        "-inf,2020-06-01,24:00:00,2021-03-04T24:00:00,abcd\n"
        "NaN,2020-06-01,10:00:00.5,2021-03-04 10:00:00,2020\n",
        {
            "fields": [
                field("n", "number", minimum=0, maximum=1),
                field("d", "date", minimum="2020-01-01"),
                field("t", "time", maximum="23:00:00"),
                field("dt", "datetime", minimum="2021-01-01T00:00:00"),
                field("y", "year", maximum=2030),
            ]
        },
    ),
    "enums of numbers and booleans": (
        "i,n,b\n1,1.0,true\n2,2.5,false\n3,1e0,1\n01,3,0\n",
        {
            "fields": [
                field("i", "integer", enum=[1, 2]),
                field("n", "number", enum=[1, 2.5]),
                field("b", "boolean", enum=[True]),
            ]
        },
    ),
    "unique typed values": (
        "i,n,s,d\n1,1.0,a,2020-01-01\n01,1,A,2020-1-1\n1,1e0,a,2020-01-01\n,,,\n2,NaN,b,\n3,NaN,,\n",
        {
            "fields": [
                field("i", "integer", unique=True),
                field("n", "number", unique=True),
                field("s", unique=True),
                field("d", "date", unique=True),
            ]
        },
    ),
    "composite primary key": (
        "a,b,c\n1,x,1\n1,y,2\n1,x,3\n,,4\n2,,5\n2,,6\n",
        {
            "fields": [field("a", "integer"), field("b"), field("c", "integer")],
            "primaryKey": ["a", "b"],
        },
    ),
    "custom missing values": (
        "i,s,b\nNA,NA,-\n-,x,yes\n5,,si\n,-,no\n",
        {
            "fields": [
                field("i", "integer", required=True),
                field("s", required=True),
                {
                    "name": "b",
                    "type": "boolean",
                    "trueValues": ["si", "yes"],
                    "falseValues": ["no"],
                },
            ],
            "missingValues": ["", "NA", "-"],
        },
    ),
    "blank rows with extra cells": (
        "a,b,c\n1,2,3\n,,,x\n,,\n,\n4,5,6\n",
        {"fields": [field("a", "integer", required=True), field("b"), field("c")]},
    ),
    "spaces after delimiters": (
        "id, name, age\n1, Ann, 30\n2, , x\n 3,Cy , 4\n4,  Dee,5\n",
        {
            "fields": [
                field("id", "integer"),
                field("name", required=True, enum=["Ann", "Cy ", "Dee"]),
                field("age", "integer"),
            ]
        },
    ),
    "datetimes and times": (
        "dt,t\n2021-03-04T05:06:07Z,05:06:07\n2021-03-04T05:06:07+0530,05:06:07+05:30\n"
        "2021-03-04x05:06:07,5:06:07\n2021-03-04T05:06,05:06\n2021-02-29T00:00:00,25:00:00\n"
        "2021-03-04T23:59:60,23:59:59.999999\n2021-03-04T05:06:07.1234567,24:00:01\n",
        {"fields": [field("dt", "datetime"), field("t", "time")]},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_matches_frictionless_on_crafted_file(tmp_path: Path, name: str) -> None:
    text, schema = CASES[name]
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")

    expected = frictionless_keys(path, schema)
    got = ours(path, schema)

    assert got == expected
    assert expected  # every case plants at least one error


def test_validate_matches_frictionless_on_tsv(tmp_path: Path) -> None:
    path = tmp_path / "data.tsv"
    path.write_text("id\tname\n1\tAnn, Bo\n2\n3\tCy\tx\nz\tDee\n", encoding="utf-8")
    schema = {"fields": [field("id", "integer"), field("name")]}

    assert (
        ours(path, schema)
        == frictionless_keys(path, schema)
        == {
            ("missing-cell", 3, "name"),
            ("extra-cell", 4, ""),
            ("type-error", 5, "id"),
        }
    )


def test_validate_matches_frictionless_on_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("id;amount\n1;2,5\n2;x\n3;4\n", encoding="utf-8")
    schema = {"fields": [field("id", "integer"), field("amount", "number")]}

    assert ours(path, schema, ";") == frictionless_keys(path, schema, ";")
    # Without a delimiter both sniff the semicolon.
    assert ours(path, schema) == frictionless_keys(path, schema)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xef\xbb\xbf", {("source-error", None, None)}),
        (b"\n", {("source-error", None, None)}),
        (b"\nid,name\n1,Ann\n", {("type-error", 2, "id")}),
    ],
)
def test_validate_matches_frictionless_on_a_missing_header(
    tmp_path: Path, content: bytes, expected: set[Any]
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    schema = {"fields": [field("id", "integer"), field("name")]}

    assert {(t, r or None, f) for t, r, f in ours(path, schema)} == expected
    assert {(t, r or None, f) for t, r, f in frictionless_keys(path, schema)} == expected


def test_validate_matches_frictionless_on_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("id,name\n1,Ann\nx,Bob\n".encode("utf-8-sig"))
    schema = {"fields": [field("id", "integer"), field("name")]}

    assert ours(path, schema) == frictionless_keys(path, schema) == {("type-error", 3, "id")}


POOLS: dict[str, list[str]] = {
    "integer": ["1", "-7", "+3", "007", " 42 ", "17.5", "1e3", "x", "1_000", "٣", "", "NA"],
    "number": ["1.5", "-0.25", ".5", "5.", "1e-3", "inf", "nan", "1,5", "abc", "", " 2 "],
    "boolean": ["true", "false", "TRUE", "0", "1", "yes", "t", "", "True "],
    "date": ["2020-01-31", "2020-1-5", "2020-02-30", "2021-13-01", "20200101", "", "2020-01-01 "],
    "datetime": ["2021-03-04T05:06:07Z", "2021-03-04 05:06:07", "2021-03-04T05:06", "", "x"],
    "time": ["05:06:07", "23:59:59.5", "24:00:00", "25:00:00", "5:06:07", ""],
    "string": ["Ann", "Zoë", "", "a,b", 'say "hi"', "two\nlines", "  ", "Ω"],
}
FUZZ_SCHEMA: dict[str, Any] = {
    "fields": [
        field("id", "integer", required=True),
        field("n", "number", minimum=0),
        field("b", "boolean"),
        field("d", "date", maximum="2020-12-31"),
        field("dt", "datetime"),
        field("t", "time"),
        field("s", "string", maxLength=3, enum=["Ann", "Zoë", "a,b", "Ω"]),
        field("k", "integer", unique=True),
    ],
    "primaryKey": ["id", "s"],
    "missingValues": ["", "NA"],
}


def _cell(text: str) -> str:
    if any(ch in text for ch in ',"\n') or text != text.strip(" "):
        return '"' + text.replace('"', '""') + '"'
    return text


@pytest.mark.parametrize("seed", range(6))
def test_validate_matches_frictionless_on_random_files(tmp_path: Path, seed: int) -> None:
    import random

    rng = random.Random(seed)
    kinds = [f["type"] for f in FUZZ_SCHEMA["fields"]]
    lines = [",".join(f["name"] for f in FUZZ_SCHEMA["fields"])]
    for _ in range(300):
        shape = rng.random()
        if shape < 0.03:
            lines.append("")
            continue
        cells = [rng.choice(POOLS[kind]) for kind in kinds]
        cells[-1] = str(rng.randint(0, 400))
        if shape < 0.08:
            cells = cells[: rng.randint(1, len(cells) - 1)]
        elif shape < 0.12:
            cells += ["extra"] * rng.randint(1, 3)
        elif shape < 0.14:
            cells = [""] * len(cells)
        lines.append(",".join(_cell(c) for c in cells))
    newline = "\r\n" if seed % 2 else "\n"
    ending = newline * (2 if seed % 3 == 0 else 1)
    path = tmp_path / "data.csv"
    path.write_bytes((newline.join(lines) + ending).encode("utf-8"))

    expected = frictionless_keys(path, FUZZ_SCHEMA)

    assert ours(path, FUZZ_SCHEMA) == expected
    assert len(expected) > 100
