"""Finding 10 audited through each way in: a storage quota refuses the same way on the upload
page, the API and the `ingest` command (the quota, the use, how to free space), and only an
owner may raise a dataset's row limit, within the site's maximum."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from datacollab.core.errors import NotAllowed
from datacollab.datasets.models import Upload
from datacollab.datasets.services.datasets import update_dataset
from datacollab.datasets.services.upload_lifecycle import retry_upload
from datacollab.datasets.services.uploads import process_upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    upload_bytes,
)
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import make_collaboration, make_dataset

pytestmark = pytest.mark.django_db

NEAR = b"id\n" + b"1\n" * 40  # 83 bytes: near the 100-byte quota
OVER = b"id\n" + b"2\n" * 10  # 23 bytes more: past it
REFUSAL = (
    "This file (23 bytes) would take your storage past your quota of 100 bytes: you already "
    "use 83 bytes. Free space by discarding the drafts and refused uploads you no "
    "longer need (the button on each upload's page), or ask the operator to raise "
    "DATASETS_QUOTA_PERSON_BYTES."
)


@pytest.fixture
def near_quota(ingest_dirs, settings):
    settings.DATASETS_QUOTA_PERSON_BYTES = 100
    owner, dataset = owner_and_dataset(spectrum="group")
    upload_bytes(actor=owner, dataset=dataset, data=NEAR)
    return owner, dataset


def test_quota_refusal_on_the_upload_page(near_quota, login):
    owner, dataset = near_quota
    url = reverse("dataset-upload", kwargs={"slug": dataset.slug})

    response = login(owner).post(url, {"file": SimpleUploadedFile("more.csv", OVER)})

    assert response.status_code == 413
    assert response.context["form"].errors["file"] == [REFUSAL]
    assert Upload.objects.count() == 1


def test_quota_refusal_through_the_api(near_quota):
    owner, dataset = near_quota
    _, secret = make_token(owner)
    data = {"file": SimpleUploadedFile("more.csv", OVER)}

    response = Client().post(f"/api/v1/datasets/{dataset.slug}/uploads", data, **bearer(secret))

    assert (response.status_code, response.json()["message"]) == (413, REFUSAL)
    assert Upload.objects.count() == 1


def test_quota_refusal_by_the_ingest_command(near_quota, tmp_path):
    owner, dataset = near_quota
    source = tmp_path / "more.csv"
    source.write_bytes(OVER)

    with pytest.raises(CommandError) as caught:
        call_command("ingest", str(source), "--dataset", dataset.slug, "--as", owner.email)

    assert str(caught.value) == REFUSAL
    assert Upload.objects.count() == 1


def _csv(rows: int) -> bytes:
    return b"id\n" + b"".join(b"%d\n" % i for i in range(rows))


def test_row_limit_cannot_be_raised_by_a_collaboration_member_who_is_not_an_owner(
    ingest_dirs, login
):
    owner = make_user()
    org = make_org(members=[owner])
    partner = make_user()
    collaboration = make_collaboration(lead=org, members=[(make_org(members=[partner]), "member")])
    dataset = make_dataset(
        owner=org, creator=owner, spectrum="group", collaboration=collaboration, max_rows=5
    )
    upload = upload_bytes(actor=owner, dataset=dataset, data=_csv(8))
    process_upload(upload_id=upload.pk)

    with pytest.raises(NotAllowed):
        update_dataset(actor=partner, dataset=dataset, max_rows=10)
    page = login(partner).post(
        reverse("dataset-edit", kwargs={"slug": dataset.slug}), {"max_rows": "10"}
    )

    dataset.refresh_from_db()
    assert (page.status_code, dataset.max_rows) == (403, 5)
    # The owner raises it; the kept file is retried and becomes a draft.
    update_dataset(actor=owner, dataset=dataset, max_rows=10)
    retry_upload(actor=owner, upload=upload)
    assert process_upload(upload_id=upload.pk).status == Upload.Status.DRAFT
