"""The draft page (issue 11, gaps 1 and 2): the report against the curated schema, the
corrections of the guess, and only the moves the upload's life allows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from datacollab.datasets.models import DatasetVersion, Upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
)
from tests.datasets.test_upload_drafts import (
    CURATED,
    SEMICOLONS,
    latin1_file,
    publish_curated,
    trips_csv,
)

pytestmark = pytest.mark.django_db


def _url(name: str, upload: Upload) -> str:
    return reverse(name, kwargs={"slug": upload.dataset.slug, "upload_id": upload.pk})


def _upload(client, dataset, name: str, data: bytes, capture) -> Upload:
    with capture(execute=True):
        response = client.post(
            reverse("dataset-upload", kwargs={"slug": dataset.slug}),
            {"file": SimpleUploadedFile(name, data)},
        )
    assert response.status_code == 302
    return Upload.objects.filter(dataset=dataset).latest("pk")


def test_page_gap1_shows_the_errors_against_the_curated_schema_and_no_publish(
    ingest_dirs, login, django_capture_on_commit_callbacks
):
    owner, dataset = owner_and_dataset()
    publish_curated(owner, dataset)
    client = login(owner)
    data = trips_csv(301, bad={12: ("12", "r3", "four km"), 200: ("7", "r1", "2.5")})
    upload = _upload(client, dataset, "may.csv", data, django_capture_on_commit_callbacks)

    page = client.get(_url("dataset-upload-status", upload))

    assert page.status_code == 200
    assert [(e["fieldName"], e["cell"]) for e in page.context["errors"]] == [
        ("distance_km", "four km"),
        ("trip_id", "7"),
    ]
    assert page.context["moves"] == ["reparse", "discard"]
    assert "Publish as the next version" not in page.text
    assert "the schema of version 1, the current one" in page.text
    assert "Distance ridden, in kilometres" in page.text  # descriptions carried over
    assert reverse("dataset-schema-edit", kwargs={"slug": dataset.slug}) in page.text
    refused = client.post(_url("dataset-upload-publish", upload))
    assert refused.status_code == 409
    assert [v.schema for v in DatasetVersion.objects.filter(dataset=dataset)] == [CURATED]


def test_page_a_valid_draft_is_previewed_then_published(
    ingest_dirs, login, django_capture_on_commit_callbacks
):
    owner, dataset = owner_and_dataset()
    publish_curated(owner, dataset)
    client = login(owner)
    upload = _upload(client, dataset, "june.csv", trips_csv(12), django_capture_on_commit_callbacks)
    page = client.get(_url("dataset-upload-status", upload))
    assert page.context["upload"].preview["rows"][0] == ["1", "r1", "0.25"]
    assert "Publish as the next version" in page.text
    assert (
        "Publishing makes these 12 rows version 2, the dataset's current version for everyone "
        "who can read it. A published version cannot be withdrawn or changed."
        in " ".join(page.text.split())
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("dataset-upload-publish", upload))

    assert response.status_code == 302
    latest = DatasetVersion.objects.filter(dataset=dataset).first()
    assert (latest.number, latest.row_count, latest.schema) == (2, 12, CURATED)


def test_page_schema_change_needs_the_box_ticked(
    ingest_dirs, login, django_capture_on_commit_callbacks
):
    owner, dataset = owner_and_dataset()
    publish_curated(owner, dataset)
    client = login(owner)
    data = b"trip_id,distance_km\n1,2.5\n"
    upload = _upload(client, dataset, "narrow.csv", data, django_capture_on_commit_callbacks)
    page = client.get(_url("dataset-upload-status", upload))
    assert "This file changes the dataset's schema: missing columns: rider." in page.text

    assert client.post(_url("dataset-upload-publish", upload)).status_code == 409
    accepted = client.post(_url("dataset-upload-publish", upload), {"accept_schema_change": "on"})
    assert accepted.status_code == 302
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 2


def test_page_gap2_corrects_the_encoding(ingest_dirs, login, django_capture_on_commit_callbacks):
    owner, dataset = owner_and_dataset()
    client = login(owner)
    upload = _upload(
        client, dataset, "names.csv", latin1_file(), django_capture_on_commit_callbacks
    )
    page = client.get(_url("dataset-upload-status", upload))
    assert page.context["upload"].status == Upload.Status.FAILED
    assert page.context["correctable"] is True

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("dataset-upload-reparse", upload), {"encoding": "latin-1"})

    assert response.status_code == 302
    page = client.get(_url("dataset-upload-status", upload))
    assert (page.context["upload"].status, page.context["upload"].detected["encoding"]) == (
        Upload.Status.DRAFT,
        "latin-1",
    )
    assert "corrected by you (guessed utf-8)" in page.text


def test_page_gap2_corrects_the_delimiter(ingest_dirs, login, django_capture_on_commit_callbacks):
    owner, dataset = owner_and_dataset()
    client = login(owner)
    upload = _upload(client, dataset, "rain.csv", SEMICOLONS, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("dataset-upload-reparse", upload), {"delimiter": ";"})

    page = client.get(_url("dataset-upload-status", upload))
    assert page.context["delimiter"] == "semicolon (;)"
    assert page.context["upload"].preview["header"] == ["station", "rain, mm"]
    assert "corrected by you (guessed comma (,))" in page.text


def test_page_reparse_refuses_a_choice_not_offered(ingest_dirs, login):
    owner, dataset = owner_and_dataset()
    upload = Upload.objects.create(
        dataset=dataset, original_name="a.csv", path="", created_by=owner
    )
    response = login(owner).post(_url("dataset-upload-reparse", upload), {"encoding": "klingon"})
    assert response.status_code == 400
    assert response.context["reparse_form"].errors["encoding"] == [
        "Select a valid choice. klingon is not one of the available choices."
    ]
