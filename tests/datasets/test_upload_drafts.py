"""Uploads become drafts checked against the curated schema (issue 11, gaps 1 and 2)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.services.upload_lifecycle import (
    discard_upload,
    publish_upload,
    reparse_upload,
)
from datacollab.datasets.services.uploads import process_upload, receive_upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    upload_bytes,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CURATED = {
    "fields": [
        {
            "name": "trip_id",
            "type": "integer",
            "description": "One trip of one cargo bike",
            "constraints": {"required": True, "unique": True},
        },
        {"name": "rider", "type": "string", "description": "Pseudonymous rider code"},
        {
            "name": "distance_km",
            "type": "number",
            "description": "Distance ridden, in kilometres",
            "constraints": {"minimum": 0},
        },
    ]
}


def trips_csv(rows: int, *, bad: dict[int, tuple[str, str, str]] | None = None) -> bytes:
    lines = ["trip_id,rider,distance_km"]
    for i in range(1, rows + 1):
        lines.append(",".join((bad or {}).get(i, (str(i), f"r{i % 9}", f"{i % 40 / 4:.2f}"))))
    return ("\n".join(lines) + "\n").encode()


def publish_curated(owner: Any, dataset: Any) -> DatasetVersion:
    first = receive_upload(
        actor=owner,
        dataset=dataset,
        stream=io.BytesIO(trips_csv(20)),
        name="trips.csv",
        enqueue=False,
        schema=CURATED,
    )
    draft = process_upload(upload_id=first.pk)
    return publish_upload(actor=owner, upload=draft)


@pytest.fixture(name="curated")
def curated_fixture(ingest_dirs):
    owner, dataset = owner_and_dataset()
    version = publish_curated(owner, dataset)
    return owner, dataset, version


def test_gap1_a_new_upload_is_checked_against_the_curated_schema_and_not_published(curated):
    owner, dataset, v1 = curated
    # 301 rows: "four km" in the number column and trip 7 twice.
    data = trips_csv(301, bad={12: ("12", "r3", "four km"), 200: ("7", "r1", "2.5")})
    upload = upload_bytes(actor=owner, dataset=dataset, data=data, name="trips-may.csv")

    draft = process_upload(upload_id=upload.pk)

    assert draft.status == Upload.Status.INVALID
    errors = {(e["type"], e["fieldName"], e["cell"]) for e in draft.report["tasks"][0]["errors"]}
    assert errors == {("type-error", "distance_km", "four km"), ("unique-error", "trip_id", "7")}
    assert draft.draft_schema == CURATED
    assert draft.changes == {}
    assert list(DatasetVersion.objects.filter(dataset=dataset)) == [v1]
    v1.refresh_from_db()
    assert v1.schema == CURATED


def test_gap1_an_invalid_draft_cannot_be_published(curated):
    owner, dataset, _ = curated
    data = trips_csv(30, bad={3: ("3", "r3", "four km")})
    draft = process_upload(upload_id=upload_bytes(actor=owner, dataset=dataset, data=data).pk)

    with pytest.raises(Conflict) as refused:
        publish_upload(actor=owner, upload=draft)

    assert refused.value.message.startswith("This draft does not meet the dataset's schema")
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1


def test_a_valid_draft_is_published_with_the_curated_schema_and_its_descriptions(curated):
    owner, dataset, _ = curated
    draft = process_upload(
        upload_id=upload_bytes(actor=owner, dataset=dataset, data=trips_csv(301)).pk
    )
    assert (draft.status, draft.preview["header"], len(draft.preview["rows"])) == (
        Upload.Status.DRAFT,
        ["trip_id", "rider", "distance_km"],
        10,
    )
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1

    version = publish_upload(actor=owner, upload=draft)

    assert (version.number, version.row_count, version.schema) == (2, 301, CURATED)
    draft.refresh_from_db()
    assert (draft.status, draft.path, draft.draft_path) == (Upload.Status.PUBLISHED, "", "")


def test_first_upload_stops_at_a_draft_with_the_inferred_schema(ingest_dirs):
    owner, dataset = owner_and_dataset()
    draft = process_upload(
        upload_id=upload_bytes(actor=owner, dataset=dataset, data=trips_csv(5)).pk
    )
    assert draft.status == Upload.Status.DRAFT
    assert [f["type"] for f in draft.draft_schema["fields"]] == ["integer", "string", "number"]
    assert (draft.base_version, DatasetVersion.objects.filter(dataset=dataset).count()) == (None, 0)


def test_new_and_missing_columns_are_named_and_need_acceptance(curated):
    owner, dataset, _ = curated
    data = b"trip_id,distance_km,weather\n1,2.5,dry\n2,3.0,wet\n"
    draft = process_upload(upload_id=upload_bytes(actor=owner, dataset=dataset, data=data).pk)
    assert draft.status == Upload.Status.DRAFT
    assert draft.changes == {
        "added": ["weather"],
        "removed": ["rider"],
        "reordered": False,
        "dropped_keys": [],
    }
    # Known columns keep their curated field; the new one is inferred.
    fields = draft.draft_schema["fields"]
    assert fields[:2] == [CURATED["fields"][0], CURATED["fields"][2]]
    assert (fields[2]["name"], fields[2]["type"]) == ("weather", "string")

    with pytest.raises(Conflict) as refused:
        publish_upload(actor=owner, upload=draft)
    assert refused.value.message == (
        "This draft changes the dataset's schema (new columns: weather; missing columns: "
        "rider): accept the change to publish it, or fix the file."
    )
    version = publish_upload(actor=owner, upload=draft, accept_schema_change=True)
    assert version.number == 2
    assert AuditEntry.objects.filter(action="dataset.upload_schema_change_accepted").count() == 1


LATIN1_TAIL = "1000000,Müller,3.5\n".encode("latin-1")


def latin1_file() -> bytes:
    # The first 256 KB are plain ASCII, so the guess is UTF-8; a name further on is Latin-1.
    head = trips_csv(20000)
    return head + LATIN1_TAIL


def test_gap2_a_latin1_file_guessed_wrong_is_reparsed_with_the_corrected_encoding(
    ingest_dirs, django_capture_on_commit_callbacks
):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=latin1_file())
    refused = process_upload(upload_id=upload.pk)
    assert (refused.status, refused.detected["encoding"]) == (Upload.Status.FAILED, "utf-8")
    assert Path(refused.path).is_file()  # kept, so the guess can be corrected

    with django_capture_on_commit_callbacks(execute=True):
        reparse_upload(actor=owner, upload=refused, encoding="latin-1")

    draft = Upload.objects.get(pk=upload.pk)
    assert (draft.status, draft.detected["encoding"], draft.detected["corrected"]) == (
        Upload.Status.DRAFT,
        "latin-1",
        ["encoding"],
    )
    version = publish_upload(actor=owner, upload=draft)
    assert version.row_count == 20001


SEMICOLONS = b"station;rain, mm\nA;3,5\nB;0,25\nC;12,0\n"


def test_gap2_a_semicolon_file_guessed_as_comma_is_reparsed_with_the_corrected_delimiter(
    ingest_dirs, django_capture_on_commit_callbacks
):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=SEMICOLONS)
    guessed = process_upload(upload_id=upload.pk)
    assert (guessed.detected["delimiter"], guessed.preview["header"]) == (
        ",",
        ["station;rain", "mm"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        reparse_upload(actor=owner, upload=guessed, delimiter=";")

    draft = Upload.objects.get(pk=upload.pk)
    assert (draft.status, draft.detected["delimiter"], draft.preview["header"]) == (
        Upload.Status.DRAFT,
        ";",
        ["station", "rain, mm"],
    )
    assert draft.preview["rows"] == [["A", "3,5"], ["B", "0,25"], ["C", "12,0"]]


def test_reparse_checks_the_draft_against_the_schema_current_now(
    curated, django_capture_on_commit_callbacks
):
    owner, dataset, _v1 = curated
    draft = process_upload(
        upload_id=upload_bytes(actor=owner, dataset=dataset, data=trips_csv(10)).pk
    )
    publish_curated(owner, dataset)  # v2 comes between

    with pytest.raises(Conflict) as stale:
        publish_upload(actor=owner, upload=draft)
    assert stale.value.message.startswith("Version 2 was published after this draft was checked")

    with django_capture_on_commit_callbacks(execute=True):
        reparse_upload(actor=owner, upload=draft)
    assert publish_upload(actor=owner, upload=Upload.objects.get(pk=draft.pk)).number == 3


def test_discard_removes_the_draft_files_and_keeps_the_record(
    curated, django_capture_on_commit_callbacks
):
    owner, dataset, _ = curated
    draft = process_upload(
        upload_id=upload_bytes(actor=owner, dataset=dataset, data=trips_csv(10)).pk
    )
    files = [Path(draft.path), Path(draft.draft_path)]

    with django_capture_on_commit_callbacks(execute=True):
        discard_upload(actor=owner, upload=draft)

    draft.refresh_from_db()
    assert (draft.status, draft.path, draft.draft_path) == (Upload.Status.DISCARDED, "", "")
    assert [f.exists() for f in files] == [False, False]


# --- the moves the state machine refuses ------------------------------------------------------


@pytest.fixture(name="draft")
def draft_fixture(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=trips_csv(5))
    return owner, process_upload(upload_id=upload.pk)


def test_publish_refused_twice(draft):
    owner, upload = draft
    publish_upload(actor=owner, upload=upload)
    with pytest.raises(Conflict) as refused:
        publish_upload(actor=owner, upload=upload)
    assert refused.value.message == (
        "This upload is published: only a draft without errors can be published."
    )


@pytest.mark.parametrize("move", ["reparse", "discard"])
def test_published_upload_cannot_be_reparsed_or_discarded(draft, move):
    owner, upload = draft
    publish_upload(actor=owner, upload=upload)
    service = reparse_upload if move == "reparse" else discard_upload
    with pytest.raises(Conflict):
        service(actor=owner, upload=upload)


@pytest.mark.parametrize("move", ["publish", "reparse", "discard"])
def test_discarded_upload_refuses_every_move(draft, move):
    owner, upload = draft
    discard_upload(actor=owner, upload=upload)
    service = {"publish": publish_upload, "reparse": reparse_upload, "discard": discard_upload}
    with pytest.raises(Conflict):
        service[move](actor=owner, upload=upload)


def test_received_upload_cannot_be_published(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=trips_csv(5))
    with pytest.raises(Conflict) as refused:
        publish_upload(actor=owner, upload=upload)
    assert refused.value.message == (
        "This upload is received: only a draft without errors can be published."
    )


@pytest.mark.parametrize("move", ["publish", "reparse", "discard"])
def test_moves_refused_to_a_non_owner(draft, move):
    _, upload = draft
    service = {"publish": publish_upload, "reparse": reparse_upload, "discard": discard_upload}
    with pytest.raises(NotAllowed):
        service[move](actor=make_user(), upload=upload)
    assert Upload.objects.get(pk=upload.pk).status == Upload.Status.DRAFT


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"encoding": "klingon"}, "“klingon” is not a text encoding this server knows"),
        ({"encoding": "rot13"}, "“rot13” is not a text encoding this server knows"),
        ({"delimiter": ";;"}, "The delimiter must be one character, such as , ; | or tab."),
        ({"delimiter": '"'}, "The delimiter must be one character, such as , ; | or tab."),
        ({"format": "xlsx"}, "The format can be corrected to csv or tsv."),
    ],
)
def test_reparse_refuses_unusable_corrections(draft, options, message):
    owner, upload = draft
    with pytest.raises(DomainError) as refused:
        reparse_upload(actor=owner, upload=upload, **options)
    assert refused.value.message.startswith(message)


def test_processing_a_draft_again_changes_nothing(draft):
    _owner, upload = draft
    again = process_upload(upload_id=upload.pk)
    assert (again.status, again.draft_path) == (Upload.Status.DRAFT, upload.draft_path)


def test_every_move_is_audited(draft, django_capture_on_commit_callbacks):
    owner, upload = draft
    with django_capture_on_commit_callbacks(execute=True):
        reparse_upload(actor=owner, upload=upload, delimiter="tab")
    publish_upload(actor=owner, upload=Upload.objects.get(pk=upload.pk))
    actions = list(
        AuditEntry.objects.filter(action__startswith="dataset.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "dataset.upload_received",
        "dataset.upload_parsed",
        "dataset.upload_reparsed",
        "dataset.upload_parsed",
        "dataset.version_published",
    ]
