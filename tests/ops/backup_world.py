"""A populated deployment for the backup tests, and helpers to look at one."""

from __future__ import annotations

import hashlib
import io
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from datacollab.core import audit
from datacollab.core.backup import tables
from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.storage import version_storage
from datacollab.organisations.models import User
from tests import factories
from tests.datasets.factories_ingest import owner_and_dataset, parse_and_publish, upload_bytes
from tests.network.factories_applications import (  # noqa: F401 - PDF is used by the tests
    PDF,
    add_file_question,
    draft,
    pdf_upload,
)

CSV_V1 = b"id,vehicle,speed\n1,bike-1,12.5\n2,bike-2,20.0\n"
CSV_V2 = b"id,vehicle,speed\n1,bike-1,12.5\n2,bike-2,20.0\n3,bike-3,7.25\n"
CSV_WAITING = b"id,vehicle,speed\n4,bike-4,9.0\n"
APPLICANT = "applicant@example.org"


@dataclass(frozen=True)
class World:
    application_id: int
    question_id: int
    dataset_id: int

    @property
    def attachment_url(self) -> str:
        return reverse("application-file", args=[self.application_id, self.question_id])


def populate() -> World:
    """A network with a call, applications (one with an attachment sent through its page),
    a dataset with two versions and an upload still waiting, and the audit entries of it all."""
    applicant = factories.make_user(email=APPLICANT, roles=["participant"])
    call = factories.make_call(with_questions=False)
    question = add_file_question(call)
    application = draft(call, applicant)
    client = Client()
    client.force_login(applicant)
    response = client.post(
        reverse("application-edit", args=[application.pk]),
        {
            "title": "Open water",
            "summary": "",
            "requested_amount": "1000",
            f"q_{question.pk}": pdf_upload("budget.pdf"),
        },
    )
    assert response.status_code == 302
    factories.make_application(call=call)
    owner, dataset = owner_and_dataset(spectrum="open")
    parse_and_publish(upload_bytes(actor=owner, dataset=dataset, data=CSV_V1, name="v1.csv"))
    parse_and_publish(upload_bytes(actor=owner, dataset=dataset, data=CSV_V2, name="v2.csv"))
    upload_bytes(actor=owner, dataset=dataset, data=CSV_WAITING, name="later.csv")
    audit.record(action="test.note", actor=owner, obj=dataset, details={"why": "backup test"})
    return World(application_id=application.pk, question_id=question.pk, dataset_id=dataset.pk)


def row_counts() -> dict[str, int]:
    return tables.counts(tables.models_in_order())


def domain_rows() -> int:
    """Rows outside the tables migrations fill: 0 in an empty deployment."""
    return sum(
        count for label, count in row_counts().items() if label not in tables.SEEDED and count
    )


def version_checksums() -> dict[int, tuple[str, str]]:
    """Each version: (the checksum its row records, the SHA-256 of its file in storage)."""
    storage = version_storage()
    found = {}
    for version in DatasetVersion.objects.order_by("pk"):
        with storage.open(version.storage_key, "rb") as handle:
            found[version.pk] = (version.checksum, hashlib.sha256(handle.read()).hexdigest())
    return found


def waiting_upload_bytes() -> bytes:
    upload = Upload.objects.get(original_name="later.csv")
    return Path(upload.path).read_bytes()


def download_attachment(world: World) -> tuple[int, bytes]:
    client = Client()
    client.force_login(User.objects.get(email=APPLICANT))
    response = client.get(world.attachment_url)
    return response.status_code, b"".join(response.streaming_content)


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def repack(path: Path, out: Path, change: Any) -> None:
    """Write `out` with the members of `path`, after `change(name, data) -> data` on each."""
    with tarfile.open(out, "w:gz") as tar:
        for name, data in members(path).items():
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def run(*args: str) -> str:
    """Run a command as the CLI would; its output (progress bars go to a discarded stderr)."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def restore(archive: Path) -> str:
    return run("restore", str(archive))
