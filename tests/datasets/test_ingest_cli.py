"""`datacollab ingest`: publishes as a named owner, and refuses clearly."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from datacollab.datasets.models import DatasetVersion, Upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    sensor_csv,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _ingest(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ingest_publishes_a_version(ingest_dirs):
    owner, dataset = owner_and_dataset()
    path = sensor_csv(ingest_dirs / "sensors.csv", 1200)
    out, _ = _ingest(str(path), "--dataset", dataset.slug, "--as", owner.email.upper())
    version = DatasetVersion.objects.get(dataset=dataset)
    assert version.row_count == 1200
    assert version.created_by == owner
    assert out.splitlines() == [
        f"Draft: upload #{version.upload_id}, 1,200 rows, valid against the schema inferred "
        "from it; detected csv, utf-8, delimiter ','",
        f"Published version 1 of {dataset.slug}: 1,200 rows, {version.byte_size:,} bytes of "
        f"Parquet, sha256 {version.checksum[:12]}",
        "Validation: valid, 0 errors; detected csv, utf-8, delimiter ','",
    ]


def test_ingest_finds_the_dataset_by_id(ingest_dirs):
    owner, dataset = owner_and_dataset()
    path = sensor_csv(ingest_dirs / "sensors.csv", 3)
    _ingest(str(path), "--dataset", str(dataset.pk), "--as", owner.email)
    assert DatasetVersion.objects.get(dataset=dataset).number == 1


def test_ingest_validates_against_a_given_schema_and_lists_errors(ingest_dirs):
    owner, dataset = owner_and_dataset()
    data = ingest_dirs / "d.csv"
    data.write_text("id,speed\n1,2.5\n2,fast\n", encoding="utf-8")
    schema = ingest_dirs / "schema.json"
    fields = [{"name": "id", "type": "integer"}, {"name": "speed", "type": "number"}]
    schema.write_text(json.dumps({"fields": fields}), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "ingest",
            str(data),
            "--dataset",
            dataset.slug,
            "--as",
            owner.email,
            "--schema",
            str(schema),
            stdout=io.StringIO(),
            stderr=err,
        )
    upload = Upload.objects.get(dataset=dataset)
    assert str(caught.value) == (
        f"The data does not meet the schema inferred from it: 1 errors (the first 1 above); "
        f"nothing was published. Upload #{upload.pk} is kept as a draft: fix the file and "
        "ingest it again, or fix the schema and check the draft again on its page."
    )
    assert err.getvalue().startswith("  row 3, field speed: type-error: ")
    assert DatasetVersion.objects.count() == 0


def test_ingest_reports_a_refused_file(ingest_dirs):
    owner, dataset = owner_and_dataset()
    path = ingest_dirs / "h.csv"
    path.write_bytes(b"id,name\n")
    with pytest.raises(CommandError) as caught:
        _ingest(str(path), "--dataset", dataset.slug, "--as", owner.email)
    assert str(caught.value) == "The file has a header row but no data rows."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--dataset", "{slug}", "--as", "{email}"], "No such file: missing.csv"),
        (
            ["{file}", "--dataset", "nope", "--as", "{email}"],
            "No dataset with the slug or id 'nope'.",
        ),
        (
            ["{file}", "--dataset", "{slug}"],
            "Say who publishes: --as EMAIL, a member of {org} (the version and the audit log "
            "name that person).",
        ),
        (
            ["{file}", "--dataset", "{slug}", "--as", "nobody@example.org"],
            "No person with the email 'nobody@example.org'.",
        ),
        (
            ["{file}", "--dataset", "{slug}", "--as", "{stranger}"],
            "{stranger} is not a member of {org}, which owns {slug}: only its members may "
            "publish versions.",
        ),
        (
            ["{file}", "--dataset", "{slug}", "--as", "{email}", "--schema", "{file}"],
            "{file}: The schema is not valid JSON: Expecting value: line 1 column 1 (char 0).",
        ),
    ],
    ids=["missing-file", "unknown-dataset", "no-as", "unknown-person", "not-owner", "bad-schema"],
)
def test_ingest_refuses_bad_input_with_a_message(ingest_dirs, monkeypatch, args, message):
    monkeypatch.chdir(ingest_dirs)
    owner, dataset = owner_and_dataset()
    stranger = make_user()
    path = sensor_csv(ingest_dirs / "s.csv", 2)
    values = {
        "slug": dataset.slug,
        "email": owner.email,
        "file": str(path),
        "org": dataset.owner.name,
        "stranger": stranger.email,
    }
    with pytest.raises(CommandError) as caught:
        _ingest(*(a.format(**values) for a in args))
    assert str(caught.value) == message.format(**values)
    assert Upload.objects.count() == 0


# --- drafts: checked against the curated schema, never published silently (issue 11) -------


def _curated(ingest_dirs, owner, dataset):
    from tests.datasets.test_upload_drafts import CURATED, trips_csv

    schema = ingest_dirs / "curated.json"
    schema.write_text(json.dumps(CURATED), encoding="utf-8")
    first = ingest_dirs / "trips.csv"
    first.write_bytes(trips_csv(20))
    _ingest(str(first), "--dataset", dataset.slug, "--as", owner.email, "--schema", str(schema))
    return CURATED


def test_ingest_gap1_refuses_a_file_that_breaks_the_curated_schema(ingest_dirs):
    from tests.datasets.test_upload_drafts import trips_csv

    owner, dataset = owner_and_dataset()
    curated = _curated(ingest_dirs, owner, dataset)
    path = ingest_dirs / "may.csv"
    path.write_bytes(trips_csv(301, bad={12: ("12", "r3", "four km"), 200: ("7", "r1", "2.5")}))
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "ingest", str(path), "--dataset", dataset.slug, "--as", owner.email,
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    upload = Upload.objects.filter(dataset=dataset).order_by("-pk").first()
    assert str(caught.value).startswith(
        "The data does not meet the schema of version 1: 2 errors (the first 2 above); nothing "
        f"was published. Upload #{upload.pk} is kept as a draft"
    )
    assert err.getvalue().splitlines() == [
        '  row 13, field distance_km: type-error: Type error in the cell "four km" in row "13" '
        'and field "distance_km" at position "3": type is "number/default"',
        '  row 201, field trip_id: unique-error: Row at position "201" has unique constraint '
        'violation in field "trip_id" at position "1": the same as in the row at position 8',
    ]
    assert [v.schema for v in DatasetVersion.objects.filter(dataset=dataset)] == [curated]


def test_ingest_a_schema_change_needs_the_flag(ingest_dirs):
    owner, dataset = owner_and_dataset()
    _curated(ingest_dirs, owner, dataset)
    path = ingest_dirs / "wider.csv"
    path.write_bytes(b"trip_id,rider,distance_km,weather\n1,a,2.5,dry\n")
    args = [str(path), "--dataset", dataset.slug, "--as", owner.email]
    with pytest.raises(CommandError) as caught:
        _ingest(*args)
    assert str(caught.value).startswith(f"The file changes the schema of {dataset.slug}")
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1

    out, _ = _ingest(*args, "--accept-schema-change")
    assert "Schema change: new columns: weather" in out.splitlines()
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 2


def test_ingest_draft_publishes_nothing(ingest_dirs):
    owner, dataset = owner_and_dataset()
    path = sensor_csv(ingest_dirs / "sensors.csv", 3)
    out, _ = _ingest(str(path), "--dataset", dataset.slug, "--as", owner.email, "--draft")
    assert out.splitlines()[-1] == "Nothing published (--draft): publish it on its page."
    assert Upload.objects.get(dataset=dataset).status == Upload.Status.DRAFT
    assert DatasetVersion.objects.count() == 0


def test_ingest_gap2_corrected_encoding_and_delimiter(ingest_dirs):
    from tests.datasets.test_upload_drafts import SEMICOLONS, latin1_file

    owner, dataset = owner_and_dataset()
    latin1 = ingest_dirs / "latin1.csv"
    latin1.write_bytes(latin1_file())
    args = [str(latin1), "--dataset", dataset.slug, "--as", owner.email]
    with pytest.raises(CommandError) as caught:
        _ingest(*args)
    assert str(caught.value).startswith("The file is not valid utf-8: line 20002")
    out, _ = _ingest(*args, "--encoding", "latin-1")
    assert out.splitlines()[0].endswith("detected csv, latin-1, delimiter ','")

    owner, dataset = owner_and_dataset()
    semicolons = ingest_dirs / "rain.csv"
    semicolons.write_bytes(SEMICOLONS)
    args = [str(semicolons), "--dataset", dataset.slug, "--as", owner.email]
    _ingest(*args, "--delimiter", ";")
    version = DatasetVersion.objects.get(dataset=dataset)
    assert [f["name"] for f in version.schema["fields"]] == ["station", "rain, mm"]
