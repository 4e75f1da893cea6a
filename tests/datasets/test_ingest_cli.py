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
        f"The data is not valid: 1 errors (the first 1 above); nothing was published. Upload "
        f"#{upload.pk} is kept: fix the file and ingest it again."
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
