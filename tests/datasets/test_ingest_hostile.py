"""The hostile corpus: every malformed or malicious file gets a clear refusal, nothing crashes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datacollab.core.errors import DomainError
from datacollab.datasets.ingest.limits import MB, Limits
from datacollab.datasets.ingest.messages import refusal_message
from datacollab.datasets.ingest.runner import run_worker
from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.services.uploads import process_upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    sensor_csv,
    upload_bytes,
    upload_file,
)
from tests.datasets.hostile import corpus

pytestmark = pytest.mark.django_db


def _refused(path: Path, name: str | None = None) -> Upload:
    owner, dataset = owner_and_dataset()
    upload = upload_file(actor=owner, dataset=dataset, path=path, name=name)
    assert process_upload(upload_id=upload.pk).status == Upload.Status.FAILED
    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 0
    return upload


def test_zip_bomb_xlsx_is_refused_by_its_ratio(ingest_dirs):
    path = corpus.zip_bomb_xlsx(ingest_dirs)  # 2 GB of content in about 2 MB
    member = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    ratio = member.file_size // member.compress_size
    upload = _refused(path)
    assert upload.error == (
        f"The part xl/worksheets/sheet1.xml of the workbook is compressed {ratio} to 1, more "
        "than the 200 to 1 allowed: refused as a possible decompression bomb."
    )
    assert upload.detected == {"format": "xlsx"}


def test_zip_bomb_xlsx_is_refused_by_its_total_size(ingest_dirs, settings):
    settings.DATASETS_MAX_UPLOAD_BYTES = 16 * MB  # the workbook may expand to 64 MB at most
    upload = _refused(corpus.zip_bomb_xlsx(ingest_dirs, expands_to=128 * MB))
    assert upload.error == (
        "The file expands to more than 64 MB when decompressed: refused as a possible "
        "decompression bomb."
    )


def test_gzip_bomb_is_refused_while_decompressing(ingest_dirs, settings):
    settings.DATASETS_MAX_UPLOAD_BYTES = 16 * MB
    settings.DATASETS_MAX_EXPANSION_RATIO = 10**6  # the absolute cap, not the ratio, stops it
    upload = _refused(corpus.gzip_bomb(ingest_dirs, expands_to=1024 * MB))
    assert upload.error == (
        "The file expands to more than 64 MB when decompressed: refused as a possible "
        "decompression bomb."
    )
    # Nothing was left behind: neither the expansion nor the received file (a bomb cannot
    # become a version, so it is not kept for a retry).
    assert [p for p in (ingest_dirs / "uploads").rglob("*") if p.is_file()] == []
    assert upload.path == ""


def test_fifty_megabyte_line_is_refused(ingest_dirs):
    upload = _refused(corpus.long_line(ingest_dirs))
    assert upload.error == (
        "Line 3 is longer than 10 MB: refused. Check the delimiter and the quotes, or split "
        "the file."
    )


def test_binary_garbage_named_csv_is_refused(ingest_dirs):
    upload = _refused(corpus.binary_garbage(ingest_dirs))
    assert upload.error == (
        "The file is not text: it contains binary data. Upload a CSV, TSV, Parquet or XLSX file."
    )


def test_undetectable_encoding_is_refused(ingest_dirs):
    upload = _refused(corpus.undetectable_encoding(ingest_dirs))
    assert upload.error == (
        "The file is not valid UTF-8 and no encoding could be detected. Save it as UTF-8 and "
        "upload it again."
    )


def test_invalid_utf8_after_the_sample_names_the_line(ingest_dirs):
    path = corpus.bad_utf8_late(ingest_dirs)
    line = path.read_bytes().count(b"\n")
    upload = _refused(path)
    assert upload.error == (
        f"The file is not valid utf-8: line {line} has bytes that cannot be read in that "
        "encoding. Save it as UTF-8 and upload it again."
    )


def test_empty_file_is_refused_on_receipt(ingest_dirs):
    owner, dataset = owner_and_dataset()
    with pytest.raises(DomainError) as caught:
        upload_bytes(actor=owner, dataset=dataset, data=b"")
    assert caught.value.message == "The file is empty."
    assert Upload.objects.count() == 0


def test_blank_lines_only_is_refused(ingest_dirs):
    assert _refused(corpus.blank(ingest_dirs)).error == "The file is empty."


def test_header_only_is_refused(ingest_dirs):
    upload = _refused(corpus.header_only(ingest_dirs))
    assert upload.error == "The file has a header row but no data rows."


def test_parquet_that_is_not_parquet_is_refused(ingest_dirs):
    upload = _refused(corpus.fake_parquet(ingest_dirs))
    assert upload.error == (
        "The file is named .parquet but is not a Parquet file (it does not start with the PAR1 "
        "signature)."
    )


def test_truncated_parquet_is_refused(ingest_dirs):
    good = ingest_dirs / "good.parquet"
    pq.write_table(pa.table({"a": list(range(1000))}), good)
    upload = _refused(corpus.truncated_parquet(ingest_dirs, good))
    assert upload.error == (
        "The Parquet file is damaged or truncated: the file is truncated (no PAR1 footer)"
    )


def test_xlsx_without_sheets_is_refused(ingest_dirs):
    assert _refused(corpus.xlsx_without_sheets(ingest_dirs)).error == "The workbook has no sheets."


def test_zip_that_is_not_a_workbook_is_refused(ingest_dirs):
    upload = _refused(corpus.plain_zip(ingest_dirs))
    assert upload.error == (
        "The file is a ZIP archive but not an Excel workbook (.xlsx). Upload a CSV, TSV, "
        "Parquet or XLSX file."
    )


def test_old_xls_is_refused(ingest_dirs):
    upload = _refused(corpus.old_xls(ingest_dirs))
    assert upload.error == (
        "Old Excel files (.xls) are not accepted: save the sheet as .xlsx or CSV."
    )


def test_worker_wall_clock_limit(ingest_dirs):
    path = sensor_csv(ingest_dirs / "big.csv", 300_000)
    outcome = run_worker(
        source=path,
        name="big.csv",
        work_dir=ingest_dirs / "work",
        limits=Limits(wall_seconds=0.3),
    )
    assert outcome.status == "refused"
    assert refusal_message(outcome.refusal) == "Parsing took longer than 0.3 s: refused."


def test_worker_memory_limit(ingest_dirs):
    path = sensor_csv(ingest_dirs / "big.csv", 1000)
    outcome = run_worker(
        source=path,
        name="big.csv",
        work_dir=ingest_dirs / "work",
        limits=Limits(memory_mb=120),  # below what DuckDB needs to start
    )
    assert outcome.status == "refused"
    assert refusal_message(outcome.refusal) == (
        "The worker ran out of memory (limit 120 MB) while reading the file. Split the file, "
        "or ask the operator to raise DATASETS_WORKER_MEMORY_MB."
    )
