"""Round trips: a received file becomes an immutable, typed Parquet version."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datacollab.core.errors import Conflict, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.services.upload_lifecycle import publish_upload, retry_upload
from datacollab.datasets.services.uploads import (
    TooLarge,
    process_upload,
    receive_upload,
)
from datacollab.datasets.storage import local_copy
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    parse_and_publish,
    sensor_csv,
    upload_bytes,
    upload_file,
)
from tests.datasets.hostile.xlsx import write_xlsx
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db

SENSOR_TYPES = {
    "id": pa.int64(),
    "vehicle": pa.string(),
    "speed": pa.float64(),
    "recorded": pa.date32(),
}


def _table(version: DatasetVersion) -> pa.Table:
    with local_copy(version) as path:
        return pq.read_table(path)


def _types(table: pa.Table) -> dict[str, pa.DataType]:
    return {f.name: f.type for f in table.schema}


def _publish(path: Path, name: str | None = None) -> tuple[Upload, DatasetVersion]:
    owner, dataset = owner_and_dataset()
    upload = upload_file(actor=owner, dataset=dataset, path=path, name=name)
    version = parse_and_publish(upload)
    upload.refresh_from_db()
    assert upload.error == ""
    return upload, version


def test_csv_round_trip_types_rows_and_checksum(ingest_dirs):
    upload, version = _publish(sensor_csv(ingest_dirs / "sensors.csv", 2500))
    table = _table(version)
    assert (version.number, version.row_count, table.num_rows) == (1, 2500, 2500)
    assert _types(table) == SENSOR_TYPES
    assert table.slice(0, 1).to_pylist()[0]["vehicle"] == "bike-1"
    assert version.storage_key == (
        f"datasets/{version.dataset_id}/v1-{version.checksum[:12]}.parquet"
    )
    assert upload.status == Upload.Status.PUBLISHED
    assert version.upload_id == upload.pk
    assert version.detected == {"format": "csv", "encoding": "utf-8", "delimiter": ","}
    assert version.source_format == "csv"
    assert [f["name"] for f in version.schema["fields"]] == list(SENSOR_TYPES)
    assert version.report["valid"] is True
    entry = AuditEntry.objects.filter(action="dataset.version_published").get()
    assert entry.details["version"] == 1
    assert entry.details["rows"] == 2500


def test_second_upload_is_version_two(ingest_dirs):
    owner, dataset = owner_and_dataset()
    first = upload_file(actor=owner, dataset=dataset, path=sensor_csv(ingest_dirs / "a.csv", 10))
    second = upload_file(actor=owner, dataset=dataset, path=sensor_csv(ingest_dirs / "b.csv", 20))
    assert parse_and_publish(first).number == 1
    version = parse_and_publish(second)
    assert (version.number, version.row_count) == (2, 20)


def test_processing_a_published_upload_again_changes_nothing(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_file(actor=owner, dataset=dataset, path=sensor_csv(ingest_dirs / "a.csv", 5))
    parse_and_publish(upload)
    assert process_upload(upload_id=upload.pk).status == Upload.Status.PUBLISHED
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1


def test_tsv_round_trip(ingest_dirs):
    path = sensor_csv(ingest_dirs / "sensors.tsv", 100, delimiter="\t")
    upload, version = _publish(path)
    assert _types(_table(version)) == SENSOR_TYPES
    assert upload.detected == {"format": "tsv", "encoding": "utf-8", "delimiter": "\t"}


def test_semicolon_latin1_round_trip(ingest_dirs):
    path = ingest_dirs / "export.csv"
    path.write_bytes("id;city\n1;Zürich\n2;São Paulo\n".encode("latin-1"))
    upload, version = _publish(path)
    assert upload.detected == {"format": "csv", "encoding": "latin-1", "delimiter": ";"}
    assert _table(version).column("city").to_pylist() == ["Zürich", "São Paulo"]


def test_utf8_with_bom_round_trip(ingest_dirs):
    path = ingest_dirs / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfid,name\n1,caf\xc3\xa9\n")
    upload, version = _publish(path)
    assert upload.detected["encoding"] == "utf-8-sig"
    assert _table(version).column_names == ["id", "name"]


def test_parquet_input_round_trip(ingest_dirs):
    path = ingest_dirs / "in.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"]}), path)
    upload, version = _publish(path)
    table = _table(version)
    assert table.to_pydict() == {"id": [1, 2, 3], "name": ["a", "b", "c"]}
    assert upload.detected == {"format": "parquet"}


def test_xlsx_input_round_trip(ingest_dirs):
    rows = [["id", "name", "score"], [1, "Zoë", 1.5], [2, "Bob", 2], [3, "Čedo", 3.25]]
    path = write_xlsx(ingest_dirs / "book.xlsx", {"Readings": rows, "Notes": [["x"]]})
    upload, version = _publish(path)
    table = _table(version)
    assert table.to_pydict() == {
        "id": [1, 2, 3],
        "name": ["Zoë", "Bob", "Čedo"],
        "score": [1.5, 2.0, 3.25],
    }
    assert upload.detected == {"format": "xlsx", "sheet": "Readings"}
    assert version.source_format == "xlsx"


def test_gzip_input_round_trip(ingest_dirs):
    path = ingest_dirs / "sensors.csv.gz"
    path.write_bytes(gzip.compress(sensor_csv(ingest_dirs / "s.csv", 300).read_bytes()))
    upload, version = _publish(path)
    assert (version.row_count, _types(_table(version))) == (300, SENSOR_TYPES)
    assert upload.detected == {
        "format": "csv",
        "compression": "gzip",
        "encoding": "utf-8",
        "delimiter": ",",
    }


def test_invalid_data_is_kept_as_an_invalid_upload_with_its_report(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id,n\n1,2\n2,x\n")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "n", "type": "integer"}]}
    assert process_upload(upload_id=upload.pk, schema=schema).status == Upload.Status.INVALID
    upload.refresh_from_db()
    assert upload.status == Upload.Status.INVALID
    errors = upload.report["tasks"][0]["errors"]
    assert [(e["type"], e["rowNumber"], e["fieldName"]) for e in errors] == [("type-error", 3, "n")]
    assert DatasetVersion.objects.count() == 0


def test_receive_streams_to_the_upload_folder(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"a,b\n1,2\n", name="../../x.csv")
    path = Path(upload.path)
    assert path.parent == ingest_dirs / "uploads" / str(dataset.pk)
    assert path.read_bytes() == b"a,b\n1,2\n"
    assert (upload.original_name, upload.byte_size, upload.status) == ("x.csv", 8, "received")


def test_receive_refuses_a_stranger(ingest_dirs):
    _, dataset = owner_and_dataset()
    stranger = make_user()
    make_org(members=[stranger])
    with pytest.raises(NotAllowed) as caught:
        upload_bytes(actor=stranger, dataset=dataset, data=b"a\n1\n")
    assert caught.value.message == "Only members of the owning organisation may upload data."
    assert Upload.objects.count() == 0


def test_receive_refuses_above_the_limit_while_streaming(ingest_dirs, settings):
    settings.DATASETS_MAX_UPLOAD_BYTES = 3 * 1024 * 1024
    owner, dataset = owner_and_dataset()
    with pytest.raises(TooLarge) as caught:
        receive_upload(
            actor=owner,
            dataset=dataset,
            stream=io.BytesIO(b"x" * (3 * 1024 * 1024 + 1)),
            name="big.csv",
        )
    assert caught.value.message == (
        "The file is larger than the upload limit of 3.0 MB. Compress it (.csv.gz), split it, "
        "or ask the operator to raise DATASETS_MAX_UPLOAD_BYTES."
    )
    assert caught.value.status == 413
    assert Upload.objects.count() == 0
    assert [p for p in (ingest_dirs / "uploads").rglob("*") if p.is_file()] == []


def test_receive_refuses_a_declared_size_above_the_limit(ingest_dirs, settings):
    settings.DATASETS_MAX_UPLOAD_BYTES = 2 * 1024**3
    owner, dataset = owner_and_dataset()
    with pytest.raises(TooLarge) as caught:
        receive_upload(
            actor=owner,
            dataset=dataset,
            stream=io.BytesIO(b"a"),
            name="a.csv",
            size_hint=3 * 1024**3,
        )
    assert caught.value.message.startswith("The file is larger than the upload limit of 2 GB.")


def test_retry_after_invalid_processes_again(ingest_dirs, django_capture_on_commit_callbacks):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id\n1\nx\n")
    strict = {"fields": [{"name": "id", "type": "integer"}]}
    process_upload(upload_id=upload.pk, schema=strict)
    upload.refresh_from_db()
    assert upload.status == Upload.Status.INVALID
    with django_capture_on_commit_callbacks(execute=True):
        retry_upload(actor=owner, upload=upload)
    upload.refresh_from_db()
    # Without the strict schema the inferred one accepts the column as text.
    assert upload.status == Upload.Status.DRAFT
    assert publish_upload(actor=owner, upload=upload).row_count == 2


def test_retry_refuses_a_published_upload(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id\n1\n")
    parse_and_publish(upload)
    upload.refresh_from_db()
    with pytest.raises(Conflict) as caught:
        retry_upload(actor=owner, upload=upload)
    assert caught.value.message == (
        "This upload is published: only a draft, or a refused upload whose file is kept, can "
        "be parsed again."
    )


def test_processing_refuses_when_the_uploader_left_the_organisation(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=b"id\n1\n")
    dataset.owner.memberships.all().delete()
    owner._org_ids_cache = None
    assert process_upload(upload_id=upload.pk).status == Upload.Status.FAILED
    upload.refresh_from_db()
    assert upload.error == f"{owner} is no longer a member of the owning organisation."
    assert not (ingest_dirs / "store").exists()
