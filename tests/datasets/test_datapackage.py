"""Data Package v2 export: the zip, what `frictionless validate` says, escaping, access, CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from datacollab.core.models import AuditEntry
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

SCHEMA = {
    "fields": [
        {"name": "trip", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "firm", "type": "string", "constraints": {"enum": ["Data Cargo", "=evil"]}},
        {"name": "km", "type": "number", "decimalChar": ","},
        {"name": "day", "type": "date", "format": "%d/%m/%Y"},
        {"name": "at", "type": "datetime"},
        {"name": "ok", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]},
    ],
    "primaryKey": ["trip"],
    "missingValues": ["", "NA"],
}
COLUMNS = {
    "trip": [1, 2, 3],
    "firm": ["Data Cargo", "=evil", None],
    "km": [2.5, -1.0, None],
    "day": [dt.date(2024, 5, 1), dt.date(2024, 5, 2), None],
    "at": [dt.datetime(2024, 5, 1, 8, 30), None, dt.datetime(2024, 5, 3, 9, 0, 5)],
    "ok": [True, False, None],
}


def _dataset(**fields: Any) -> tuple[Dataset, DatasetVersion]:
    org = make_org(name="Data Cargo")
    fields.setdefault("spectrum", Spectrum.OPEN)
    dataset = make_dataset(
        owner=org,
        slug="bike-trips",
        title="Cargo-bike trips",
        description="One row per trip.",
        keywords=["cargo"],
        licence="CC-BY-4.0",
        **fields,
    )
    version = make_version(dataset, COLUMNS, SCHEMA)
    return dataset, version


def _unzip(content: bytes, folder: Path) -> tuple[list[str], dict[str, Any], str]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = zf.namelist()
        zf.extractall(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    return names, descriptor, (folder / "data.csv").read_text(encoding="utf-8")


def _accessed() -> list[tuple[str, dict[str, Any]]]:
    return [
        (e.actor_label, e.details)
        for e in AuditEntry.objects.filter(action="dataset.accessed").order_by("seq")
    ]


def test_datapackage_download_is_a_valid_data_package_v2(tmp_path):
    _ds, version = _dataset()

    response = Client().get("/datasets/bike-trips/v1/datapackage.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="bike-trips-v1-datapackage.zip"'
    )
    names, descriptor, csv = _unzip(b"".join(response.streaming_content), tmp_path)
    assert names == ["datapackage.json", "data.csv"]
    assert csv == (
        "trip,firm,km,day,at,ok\n"
        "1,Data Cargo,2.5,2024-05-01,2024-05-01 08:30:00,true\n"
        "2,'=evil,-1.0,2024-05-02,,false\n"
        "3,,,,2024-05-03 09:00:05,\n"
    )
    data = (tmp_path / "data.csv").read_bytes()
    note = (
        "Cells that start like a formula (= + - @, also after spaces or in full-width form, "
        "or a tab or carriage return) carry a leading ' in this CSV, so spreadsheets do not "
        "run them as formulas."
    )
    assert descriptor == {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "bike-trips",
        "title": "Cargo-bike trips",
        "version": "1",
        "created": version.created_at.isoformat(),
        "homepage": "http://testserver/datasets/bike-trips/",
        "id": "http://testserver/datasets/bike-trips/",
        "description": "One row per trip.",
        "keywords": ["cargo"],
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://spdx.org/licenses/CC-BY-4.0",
                "title": "CC-BY-4.0",
            }
        ],
        "contributors": [{"title": "Data Cargo", "roles": ["publisher"]}],
        "sources": [{"title": "bike-trips.csv"}],
        "resources": [
            {
                "name": "data",
                "type": "table",
                "path": "data.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": {
                    "fields": [
                        {
                            "name": "trip",
                            "type": "integer",
                            "constraints": {"required": True, "unique": True},
                        },
                        {"name": "firm", "type": "string", "constraints": {}, "description": note},
                        {"name": "km", "type": "number"},
                        {"name": "day", "type": "date"},
                        {"name": "at", "type": "datetime"},
                        {"name": "ok", "type": "boolean"},
                    ],
                    "primaryKey": ["trip"],
                    "missingValues": [""],
                },
            }
        ],
    }
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.flatten(["type", "note"]) == []
    assert report.valid is True


def test_datapackage_escapes_every_formula_prefix_and_still_validates(tmp_path):
    dataset = make_dataset(spectrum=Spectrum.OPEN, slug="formulas")
    cells = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\ry", "plain", "'quoted"]
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "cell", "type": "string"}]}
    make_version(dataset, {"n": list(range(len(cells))), "cell": cells}, schema)

    response = Client().get("/datasets/formulas/v1/datapackage.zip")

    _names, _descriptor, _csv = _unzip(b"".join(response.streaming_content), tmp_path)
    rows = frictionless.Resource(str(tmp_path / "data.csv")).read_rows()
    assert [row["cell"] for row in rows] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\ry",
        "plain",
        "'quoted",
    ]
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid is True


def test_datapackage_of_non_open_data_is_audited_and_open_data_is_not(login):
    member = make_user(email="member@example.org")
    org = make_org(members=[member])
    collab = make_collaboration(members=[(org, "data_user")])
    _dataset(spectrum=Spectrum.GROUP, collaboration=collab)
    open_set = make_dataset(spectrum=Spectrum.OPEN, slug="open-one")
    make_version(open_set, {"a": [1]}, {"fields": [{"name": "a", "type": "integer"}]})

    assert login(member).get("/datasets/bike-trips/v1/datapackage.zip").status_code == 200
    assert Client().get("/datasets/open-one/v1/datapackage.zip").status_code == 200

    assert _accessed() == [("member@example.org", {"channel": "datapackage", "version": 1})]


def test_datapackage_refuses_with_the_reason_and_hides_unseen_datasets(login):
    _dataset(spectrum=Spectrum.GROUP, listed=True)
    make_dataset(spectrum=Spectrum.CLOSED, slug="closed-one")
    url = "/datasets/bike-trips/v1/datapackage.zip"

    outsider = login(make_user()).get(url)
    anonymous_listed = Client().get(url)

    assert outsider.status_code == 403
    assert "This dataset is shared only with people the owner admits." in outsider.content.decode()
    assert anonymous_listed.status_code == 404
    assert Client().get("/datasets/closed-one/v1/datapackage.zip").status_code == 404
    assert _accessed() == []


def test_datapackage_of_a_missing_version_is_404():
    _dataset()
    assert Client().get("/datasets/bike-trips/v9/datapackage.zip").status_code == 404


def test_export_package_command_writes_the_zip_and_audits_the_operator(tmp_path, capsys):
    dataset, _version = _dataset(spectrum=Spectrum.CLOSED)
    make_version(dataset, {"trip": [7]}, {"fields": [{"name": "trip", "type": "integer"}]})
    target = tmp_path / "out.zip"

    call_command("export-package", "bike-trips", "-o", str(target), "--version", "1")

    names, descriptor, csv = _unzip(target.read_bytes(), tmp_path / "unzipped")
    assert names == ["datapackage.json", "data.csv"]
    assert descriptor["version"] == "1"
    assert "homepage" not in descriptor
    assert csv.splitlines()[0] == "trip,firm,km,day,at,ok"
    assert frictionless.validate(str(tmp_path / "unzipped" / "datapackage.json")).valid is True
    assert _accessed() == [("system", {"channel": "cli", "version": 1})]
    assert capsys.readouterr().err == (
        f"Wrote bike-trips version 1 (3 rows) as a Data Package to {target}.\n"
    )
    assert not (tmp_path / "out.zip.part").exists()


def test_export_package_command_defaults_to_the_latest_version(tmp_path):
    dataset, _version = _dataset()
    make_version(dataset, {"trip": [7]}, {"fields": [{"name": "trip", "type": "integer"}]})
    call_command("export-package", "bike-trips", "-o", str(tmp_path / "p.zip"))
    _names, descriptor, csv = _unzip((tmp_path / "p.zip").read_bytes(), tmp_path)
    assert (descriptor["version"], csv) == ("2", "trip\n7\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["nope"],
            "No dataset with slug 'nope'. The slug is the last part of the dataset page's "
            "address, /datasets/SLUG/.",
        ),
        (["bike-trips", "--version", "4"], "bike-trips has no version 4. Versions: 1."),
        (["empty"], "empty has no published version yet."),
    ],
)
def test_export_package_command_explains_what_is_wrong(tmp_path, args, message):
    _dataset()
    make_dataset(slug="empty")
    with pytest.raises(CommandError) as caught:
        call_command("export-package", *args, "-o", str(tmp_path / "x.zip"))
    assert str(caught.value) == message
    assert not (tmp_path / "x.zip").exists()


def test_export_package_command_reports_an_unwritable_target(tmp_path):
    _dataset()
    target = tmp_path / "missing-folder" / "x.zip"
    with pytest.raises(CommandError) as caught:
        call_command("export-package", "bike-trips", "-o", str(target))
    assert str(caught.value) == f"Cannot write {target}: No such file or directory."


def test_datapackage_describes_escaped_typed_text_as_string_and_validates(tmp_path):
    dataset = make_dataset(spectrum=Spectrum.OPEN, slug="places")
    schema = {
        "fields": [
            {"name": "where", "type": "geopoint", "constraints": {"required": True}},
            {"name": "month", "type": "yearmonth"},
            {"name": "x", "type": "number"},
        ]
    }
    columns = {
        "where": ["-1.5,52.0", "4.9,52.4"],
        "month": ["2024-05", None],
        "x": [float("nan"), 1.0],
    }
    make_version(dataset, columns, schema)

    response = Client().get("/datasets/places/v1/datapackage.zip")

    _names, descriptor, csv = _unzip(b"".join(response.streaming_content), tmp_path)
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert [(f["name"], f["type"], f.get("constraints")) for f in fields] == [
        ("where", "string", {"required": True}),
        ("month", "yearmonth", None),
        ("x", "number", None),
    ]
    assert csv == 'where,month,x\n"\'-1.5,52.0",2024-05,nan\n"4.9,52.4",,1.0\n'
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid is True
