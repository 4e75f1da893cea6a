"""Red-team finding 10: disk and processing amplification.

Replayed: refused uploads kept their file (1.8 GB left by two refusals, kept by datasets-gc);
a 600 KB gzip became a 157-million-row version. Now: a gzip expansion ratio, a row limit per
dataset that its owner may raise (within the site's maximum), storage quotas per person and per
collaboration, refused files removed at once or after the retention by datasets-gc.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from datacollab.core.errors import DomainError
from datacollab.core.models import AuditEntry
from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.services.datasets import update_dataset
from datacollab.datasets.services.quotas import QuotaExceeded, person_use, row_limit
from datacollab.datasets.services.upload_lifecycle import (
    discard_upload,
    publish_upload,
    retry_upload,
)
from datacollab.datasets.services.uploads import process_upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    parse_and_publish,
    upload_bytes,
)
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import make_collaboration, make_dataset

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _received(folder: Path) -> list[Path]:
    uploads = folder / "uploads"
    return sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else []


def _csv(rows: int) -> bytes:
    return b"id,name\n" + b"".join(b"%d,bike\n" % i for i in range(1, rows + 1))


def _repetitive_gzip(expanded: int) -> bytes:
    """A small .csv.gz whose rows repeat: it expands about a thousand times."""
    line = b"1,cargo-bike,12.5\n"
    body = b"id,vehicle,speed\n" + line * (expanded // len(line))
    return gzip.compress(body, compresslevel=9)


def test_small_gzip_past_the_expansion_ratio_is_refused_and_leaves_no_file(ingest_dirs):
    owner, dataset = owner_and_dataset()
    data = _repetitive_gzip(40 * MB)
    assert len(data) < 200 * 1024  # a small file, as the attack's 600 KB
    upload = upload_bytes(actor=owner, dataset=dataset, data=data, name="rows.csv.gz")

    assert process_upload(upload_id=upload.pk).status == Upload.Status.FAILED

    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED
    assert upload.error == (
        "The file expands more than 100 times its compressed size when decompressed (past "
        "16 MB): refused as a possible decompression bomb. Upload it uncompressed, or ask the "
        "operator to raise DATASETS_MAX_EXPANSION_RATIO."
    )
    assert (upload.path, _received(ingest_dirs)) == ("", [])
    assert DatasetVersion.objects.count() == 0


def test_text_file_past_the_dataset_row_limit_is_refused_then_published_once_raised(
    ingest_dirs, django_capture_on_commit_callbacks
):
    owner, dataset = owner_and_dataset(max_rows=5)
    upload = upload_bytes(actor=owner, dataset=dataset, data=_csv(8))

    assert process_upload(upload_id=upload.pk).status == Upload.Status.FAILED

    upload.refresh_from_db()
    assert (upload.status, upload.error) == (
        Upload.Status.FAILED,
        "The file has 8 lines after the header, more than this dataset's row limit of 5. An "
        "owner may raise the limit on the dataset's edit page (up to the site's maximum), "
        "then retry.",
    )
    # A raised limit may let it through: the file waits for the retry.
    assert _received(ingest_dirs) == [Path(upload.path)]

    update_dataset(actor=owner, dataset=dataset, max_rows=10)
    with django_capture_on_commit_callbacks(execute=True):
        retry_upload(actor=owner, upload=upload)

    upload.refresh_from_db()
    assert upload.status == Upload.Status.DRAFT
    assert publish_upload(actor=owner, upload=upload).row_count == 8


def test_parquet_past_the_row_limit_is_refused_by_its_footer(ingest_dirs):
    owner, dataset = owner_and_dataset(max_rows=3)
    buffer = io.BytesIO()
    pq.write_table(pa.table({"n": list(range(7))}), buffer)
    upload = upload_bytes(actor=owner, dataset=dataset, data=buffer.getvalue(), name="n.parquet")

    assert process_upload(upload_id=upload.pk).status == Upload.Status.FAILED

    upload.refresh_from_db()
    assert upload.error == (
        "The data has 7 rows, more than this dataset's row limit of 3. An owner may raise the "
        "limit on the dataset's edit page (up to the site's maximum), then retry."
    )


def test_row_limit_defaults_to_the_site_and_cannot_pass_its_maximum(ingest_dirs, settings):
    settings.DATASETS_DEFAULT_MAX_ROWS = 1000
    settings.DATASETS_MAX_ROWS_LIMIT = 5000
    owner, dataset = owner_and_dataset()
    assert row_limit(dataset) == 1000

    with pytest.raises(DomainError) as caught:
        update_dataset(actor=owner, dataset=dataset, max_rows=5001)

    assert (caught.value.field, caught.value.message) == (
        "max_rows",
        "The row limit must be between 1 and 5000 (the site's maximum).",
    )
    update_dataset(actor=owner, dataset=dataset, max_rows=5000)
    dataset.refresh_from_db()
    assert row_limit(dataset) == 5000


def test_dataset_edit_page_sets_the_row_limit(ingest_dirs, login):
    owner, dataset = owner_and_dataset(spectrum="closed")
    client = login(owner)
    page = client.get(f"/datasets/{dataset.slug}/edit/")
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"max_rows": "250000", "licence_choice": "", "licence_other": ""}

    response = client.post(f"/datasets/{dataset.slug}/edit/", data)

    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.max_rows == 250_000


def test_person_quota_refuses_with_the_quota_the_use_and_how_to_free_space(ingest_dirs, settings):
    settings.DATASETS_QUOTA_PERSON_BYTES = 100
    owner, dataset = owner_and_dataset()
    upload_bytes(actor=owner, dataset=dataset, data=b"a,b\n" + b"1,2\n" * 15)  # 64 bytes

    with pytest.raises(QuotaExceeded) as caught:
        upload_bytes(actor=owner, dataset=dataset, data=b"a,b\n" + b"1,2\n" * 15)

    assert caught.value.message == (
        "This file (64 bytes) would take your storage past your quota of 100 bytes: you "
        "already use 64 bytes. Free space by discarding the drafts and refused uploads "
        "you no longer need (the button on each upload's page), or ask the operator to raise "
        "DATASETS_QUOTA_PERSON_BYTES."
    )
    assert (Upload.objects.count(), len(_received(ingest_dirs))) == (1, 1)


def test_collaboration_quota_counts_every_member_and_published_versions(ingest_dirs, settings):
    settings.DATASETS_QUOTA_COLLABORATION_BYTES = 1000
    first, second = make_user(), make_user()
    org = make_org(members=[first, second])
    collaboration = make_collaboration(lead=org)
    dataset = make_dataset(owner=org, creator=first, collaboration=collaboration)
    upload = upload_bytes(actor=first, dataset=dataset, data=_csv(60))
    version = parse_and_publish(upload)
    assert version.byte_size < 1000

    data = b"x" * (1000 - version.byte_size + 1)
    with pytest.raises(QuotaExceeded) as caught:
        upload_bytes(actor=second, dataset=dataset, data=data)

    assert caught.value.message.startswith(
        f"This file ({len(data)} bytes) would take the collaboration's storage past its quota "
        f"of 1000 bytes: its datasets already use {version.byte_size} bytes."
    )


def test_quota_stops_a_stream_without_a_size_and_keeps_no_partial_file(ingest_dirs, settings):
    settings.DATASETS_QUOTA_PERSON_BYTES = 3 * MB
    owner, dataset = owner_and_dataset()

    with pytest.raises(QuotaExceeded):
        upload_bytes(actor=owner, dataset=dataset, data=b"a\n" + b"1\n" * (2 * MB))

    assert (Upload.objects.count(), _received(ingest_dirs)) == (0, [])


def test_api_upload_past_the_quota_is_413_with_the_reason(ingest_dirs, settings):
    settings.DATASETS_QUOTA_PERSON_BYTES = 10
    owner, dataset = owner_and_dataset(spectrum="group")
    _, secret = make_token(owner)
    data = {"file": SimpleUploadedFile("bikes.csv", b"id\n1\n2\n3\n4\n5\n")}

    response = Client().post(f"/api/v1/datasets/{dataset.slug}/uploads", data, **bearer(secret))

    assert response.status_code == 413
    body = response.json()
    assert (body["error"], body["parameter"]) == ("quota_exceeded", "file")
    assert body["message"].startswith(
        "This file (13 bytes) would take your storage past your quota of 10 bytes"
    )


def test_refused_binary_file_is_removed_at_once(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"\x00\x01\x02garbage" * 1000)

    assert process_upload(upload_id=upload.pk).status == Upload.Status.FAILED

    upload.refresh_from_db()
    assert (upload.status, upload.path, _received(ingest_dirs)) == ("failed", "", [])
    assert person_use(owner) == 0


def _age(upload: Upload, hours: float) -> None:
    Upload.objects.filter(pk=upload.pk).update(
        updated_at=timezone.now() - dt.timedelta(hours=hours)
    )


def test_datasets_gc_collects_invalid_and_abandoned_uploads_after_the_retention(ingest_dirs):
    owner, dataset = owner_and_dataset()
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "integer"}]}
    invalid = upload_bytes(actor=owner, dataset=dataset, data=_csv(3))
    process_upload(upload_id=invalid.pk, schema=schema)
    abandoned = upload_bytes(actor=owner, dataset=dataset, data=_csv(2))
    recent = upload_bytes(actor=owner, dataset=dataset, data=_csv(1))
    _age(invalid, 25)
    _age(abandoned, 25)
    out = io.StringIO()

    call_command("datasets-gc", stdout=out)

    invalid.refresh_from_db()
    abandoned.refresh_from_db()
    recent.refresh_from_db()
    # A draft left unpublished past the retention is discarded, with the reason.
    assert (invalid.status, invalid.path, invalid.error) == (
        "discarded",
        "",
        "Discarded: not published within the retention time.",
    )
    assert (abandoned.status, abandoned.path, abandoned.error) == (
        "failed",
        "",
        "Abandoned: not processed within the retention time; upload it again.",
    )
    assert _received(ingest_dirs) == [Path(recent.path)]
    assert out.getvalue().splitlines()[-1] == "datasets-gc: removed 2 item(s)"


def test_discarding_a_refused_upload_frees_the_quota_and_is_audited(
    ingest_dirs, login, django_capture_on_commit_callbacks
):
    owner, dataset = owner_and_dataset(max_rows=1)
    upload = upload_bytes(actor=owner, dataset=dataset, data=_csv(3))
    process_upload(upload_id=upload.pk)
    assert person_use(owner) == len(_csv(3))

    with django_capture_on_commit_callbacks(execute=True):
        response = login(owner).post(f"/datasets/{dataset.slug}/uploads/{upload.pk}/discard/")

    assert response.status_code == 302
    upload.refresh_from_db()
    assert (upload.path, _received(ingest_dirs), person_use(owner)) == ("", [], 0)
    entry = AuditEntry.objects.filter(action="dataset.upload_discarded").get()
    assert entry.details == {"upload": upload.pk, "bytes": len(_csv(3))}


def test_discarding_a_published_upload_is_refused(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=_csv(2))
    parse_and_publish(upload)

    with pytest.raises(DomainError) as caught:
        discard_upload(actor=owner, upload=upload)

    assert caught.value.message == ("This upload is published: it cannot be discarded.")
