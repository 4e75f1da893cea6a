"""The upload page, the upload status page and the retry button."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.services.uploads import process_upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    parse_and_publish,
    upload_bytes,
)
from tests.datasets.hostile import corpus
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def _upload_url(dataset) -> str:
    return reverse("dataset-upload", kwargs={"slug": dataset.slug})


def _status_url(upload) -> str:
    return reverse(
        "dataset-upload-status", kwargs={"slug": upload.dataset.slug, "upload_id": upload.pk}
    )


def test_upload_page_for_the_owner(ingest_dirs, login):
    owner, dataset = owner_and_dataset()
    response = login(owner).get(_upload_url(dataset))
    assert response.status_code == 200
    assert response.context["form"].fields["file"].label == "Data file"


def test_upload_page_hidden_from_those_who_cannot_see_the_dataset(ingest_dirs, login):
    _, dataset = owner_and_dataset(spectrum="closed")
    response = login(make_user()).get(_upload_url(dataset))
    assert response.status_code == 404


def test_upload_page_refused_to_a_reader_who_is_not_owner(ingest_dirs, login):
    _, dataset = owner_and_dataset(spectrum="open")
    reader = make_user()
    make_org(members=[reader])
    response = login(reader).get(_upload_url(dataset))
    assert response.status_code == 403
    assert "Only members of the owning organisation may upload data." in response.text


def test_upload_page_sends_anonymous_to_login(ingest_dirs):
    _, dataset = owner_and_dataset(spectrum="open")
    response = Client().get(_upload_url(dataset))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_upload_post_parses_a_draft_in_the_background_then_publishes_on_request(
    ingest_dirs, login, django_capture_on_commit_callbacks
):
    owner, dataset = owner_and_dataset()
    file = SimpleUploadedFile("readings.csv", b"id;city\n1;Z\xfcrich\n2;Paris\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(owner).post(_upload_url(dataset), {"file": file})
    upload = Upload.objects.get(dataset=dataset)
    assert response.status_code == 302
    assert response["Location"] == _status_url(upload)
    page = login(owner).get(_status_url(upload))
    assert page.status_code == 200
    assert upload.__class__.objects.get(pk=upload.pk).status == Upload.Status.DRAFT
    assert page.context["delimiter"] == "semicolon (;)"
    assert "latin-1" in page.text
    assert page.context["moves"] == ["publish", "reparse", "discard"]
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 0
    url = reverse("dataset-upload-publish", kwargs={"slug": dataset.slug, "upload_id": upload.pk})
    with django_capture_on_commit_callbacks(execute=True):
        published = login(owner).post(url)
    assert published.status_code == 302
    assert DatasetVersion.objects.get(dataset=dataset).row_count == 2


def test_upload_too_large_answers_413_with_the_limit(ingest_dirs, login, settings):
    settings.DATASETS_MAX_UPLOAD_BYTES = 1024
    owner, dataset = owner_and_dataset()
    file = SimpleUploadedFile("big.csv", b"a\n" + b"1\n" * 1000)
    response = login(owner).post(_upload_url(dataset), {"file": file})
    assert response.status_code == 413
    assert response.context["form"].errors["file"] == [
        "The file is larger than the upload limit of 1024 bytes. Compress it (.csv.gz), "
        "split it, or ask the operator to raise DATASETS_MAX_UPLOAD_BYTES."
    ]
    assert Upload.objects.count() == 0


def test_upload_without_a_file_answers_400(ingest_dirs, login):
    owner, dataset = owner_and_dataset()
    response = login(owner).post(_upload_url(dataset), {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_upload_of_an_empty_file_answers_400(ingest_dirs, login):
    owner, dataset = owner_and_dataset()
    response = login(owner).post(_upload_url(dataset), {"file": SimpleUploadedFile("e.csv", b"")})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["The file is empty."]


def test_upload_by_a_non_owner_is_refused(ingest_dirs, login):
    _, dataset = owner_and_dataset(spectrum="open")
    reader = make_user()
    file = SimpleUploadedFile("a.csv", b"a\n1\n")
    response = login(reader).post(_upload_url(dataset), {"file": file})
    assert response.status_code == 403
    assert Upload.objects.count() == 0


def test_status_page_shows_the_validation_report(ingest_dirs, login):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id\n1\nabc\n")
    process_upload(upload_id=upload.pk, schema={"fields": [{"name": "id", "type": "integer"}]})
    response = login(owner).get(_status_url(upload))
    assert response.status_code == 200
    assert response.context["error_count"] == 1
    assert [(e["type"], e["rowNumber"]) for e in response.context["errors"]] == [("type-error", 3)]
    assert response.context["moves"] == ["reparse", "discard"]
    assert "Check again against the current schema" in response.text
    assert "Publish as the next version" not in response.text


def test_status_page_shows_a_refusal_and_retry(ingest_dirs, login):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id,name\n", name="h.csv")
    process_upload(upload_id=upload.pk)
    response = login(owner).get(_status_url(upload))
    assert response.status_code == 200
    assert "The file has a header row but no data rows." in response.text
    # Nothing in a header-only file can become a version: its file is gone, so no retry.
    assert (response.context["moves"], response.context["file_removed"]) == ([], True)
    assert "The file of this upload has been removed from the server" in response.text


def test_status_page_offers_retry_and_removal_while_the_file_is_kept(ingest_dirs, login):
    owner, dataset = owner_and_dataset(max_rows=1)
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id\n1\n2\n", name="two.csv")
    process_upload(upload_id=upload.pk)
    response = login(owner).get(_status_url(upload))
    assert response.context["moves"] == ["reparse", "discard"]
    assert "Process this file again" in response.text
    assert "Discard this upload (frees your storage)" in response.text


def test_status_page_refused_to_others(ingest_dirs, login):
    owner, dataset = owner_and_dataset(spectrum="open")
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id\n1\n")
    assert login(make_user()).get(_status_url(upload)).status_code == 403
    other_owner, other = owner_and_dataset()
    url = reverse("dataset-upload-status", kwargs={"slug": other.slug, "upload_id": upload.pk})
    assert login(other_owner).get(url).status_code == 404


def test_retry_runs_the_upload_again(ingest_dirs, login, django_capture_on_commit_callbacks):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id\n1\nabc\n")
    process_upload(upload_id=upload.pk, schema={"fields": [{"name": "id", "type": "integer"}]})
    url = reverse("dataset-upload-retry", kwargs={"slug": dataset.slug, "upload_id": upload.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = login(owner).post(url)
    assert response.status_code == 302
    upload.refresh_from_db()
    # Parsed again (with the upload's own schema, none: inferred), now a draft without errors.
    assert upload.status == Upload.Status.DRAFT


def test_retry_of_a_published_upload_answers_409(ingest_dirs, login):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id\n1\n")
    parse_and_publish(upload)
    url = reverse("dataset-upload-retry", kwargs={"slug": dataset.slug, "upload_id": upload.pk})
    response = login(owner).post(url)
    assert response.status_code == 409
    assert response.context["refusal"] == (
        "This upload is published: only a draft, or a refused upload whose file is kept, can "
        "be parsed again."
    )


def _page_queries(client: Client, dataset) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_upload_url(dataset)).status_code == 200
    return len(queries)


def test_upload_page_queries_do_not_grow_with_uploads(ingest_dirs, login):
    owner, dataset = owner_and_dataset()
    client = login(owner)
    for _ in range(2):
        upload_bytes(actor=owner, dataset=dataset, data=b"a\n1\n")
    few = _page_queries(client, dataset)
    for _ in range(4):
        upload = upload_bytes(actor=make_owner(dataset), dataset=dataset, data=b"a\n1\n")
    process_upload(upload_id=upload.pk)
    assert _page_queries(client, dataset) == few


def make_owner(dataset):
    user = make_user()
    dataset.owner.memberships.create(user=user, role="member")
    return user


def test_receive_upload_accepts_a_plain_file_object(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=io.BytesIO(b"a\n1\n").read())
    assert upload.byte_size == 4


@pytest.mark.parametrize(
    ("name", "builder", "message"),
    [
        ("garbage.csv", corpus.binary_garbage, "The file is not text: it contains binary data."),
        ("header.csv", corpus.header_only, "The file has a header row but no data rows."),
        ("fake.parquet", corpus.fake_parquet, "The file is named .parquet but is not a Parquet"),
        ("no-sheets.xlsx", corpus.xlsx_without_sheets, "The workbook has no sheets."),
    ],
)
def test_hostile_uploads_through_the_page_end_in_a_readable_refusal(
    ingest_dirs, login, django_capture_on_commit_callbacks, name, builder, message
):
    owner, dataset = owner_and_dataset()
    client = login(owner)
    data = builder(ingest_dirs).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_upload_url(dataset), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["upload"].status == Upload.Status.FAILED
    assert page.context["upload"].error.startswith(message)
    assert message in page.text
