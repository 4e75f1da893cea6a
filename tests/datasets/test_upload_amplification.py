"""Finding 10 audited again: which files stay on disk after each kind of refusal, how soon a
decompression bomb is stopped, and when datasets-gc takes a kept file away.

The red team's 600 KB gzip expanded without limit. The first fix compared the output with the
whole file's compressed size: a bomb padded with a little incompressible data (or simply a big
one: a 4.6 MB gzip of 3 GB) was decompressed to disk up to 100 times the file's size before
the check fired. The ratio is now checked against the compressed bytes read so far.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import zlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from datacollab.datasets.ingest import convert
from datacollab.datasets.ingest.errors import Refusal
from datacollab.datasets.models import DatasetVersion, Upload
from datacollab.datasets.services.uploads import process_upload
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    upload_bytes,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _files(folder: Path) -> list[str]:
    """Every file under the test's upload and version folders, relative to it."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _padded_bomb(expanded: int = 64 * MB, padding: int = 1 * MB) -> bytes:
    """A gzip of `expanded` repeated rows, then a member of incompressible bytes: the whole
    file is about `padding` bytes, so 100 times its size is more than it expands to."""
    line = b"1,cargo-bike,12.5\n"
    squeezer = zlib.compressobj(1, zlib.DEFLATED, 31)
    block = b"id,vehicle,speed\n" + line * (MB // len(line))
    parts = [squeezer.compress(block) for _ in range(expanded // len(block))]
    parts.append(squeezer.flush())
    return b"".join(parts) + gzip.compress(os.urandom(padding), compresslevel=1)


def test_gunzip_stops_a_padded_bomb_after_the_floor_not_after_the_whole_file_ratio(tmp_path):
    source = tmp_path / "bomb.csv.gz"
    source.write_bytes(_padded_bomb())
    target = tmp_path / "out.txt"
    assert source.stat().st_size * 100 > 64 * MB  # the whole-file ratio would let it all out

    with pytest.raises(Refusal) as caught:
        convert.gunzip(source, target, max_bytes=8 * 1024 * MB, max_ratio=100)

    assert (caught.value.code, caught.value.params) == (
        "expansion",
        {"ratio": 100, "limit_mb": 16},
    )
    # Refused after the floor (16 MB) plus at most one step of output, never 64 MB.
    assert target.stat().st_size <= 16 * MB


def test_gunzip_lets_an_ordinary_compressed_file_through(tmp_path):
    rows = b"".join(b"%d,bike-%d,%d.5\n" % (i, i % 7, i % 250) for i in range(400_000))
    source = tmp_path / "rows.csv.gz"
    source.write_bytes(gzip.compress(rows, compresslevel=9))
    target = tmp_path / "out.txt"

    written = convert.gunzip(source, target, max_bytes=64 * MB, max_ratio=100, ratio_floor=MB)

    assert (written, target.read_bytes() == rows) == (len(rows), True)


def test_padded_bomb_upload_is_refused_with_the_reason_and_leaves_no_file(ingest_dirs):
    owner, dataset = owner_and_dataset()
    upload = upload_bytes(actor=owner, dataset=dataset, data=_padded_bomb(), name="rows.csv.gz")

    assert process_upload(upload_id=upload.pk).status == Upload.Status.FAILED

    upload.refresh_from_db()
    assert upload.error == (
        "The file expands more than 100 times its compressed size when decompressed (past "
        "16 MB): refused as a possible decompression bomb. Upload it uncompressed, or ask the "
        "operator to raise DATASETS_MAX_EXPANSION_RATIO."
    )
    assert (upload.path, _files(ingest_dirs), DatasetVersion.objects.count()) == ("", [], 0)


def _csv(rows: int) -> bytes:
    return b"id,name\n" + b"".join(b"%d,bike\n" % i for i in range(1, rows + 1))


# A refusal for what the file is removes it at once; one a retry may overcome keeps it.
REFUSALS = [
    ("binary", b"\x00\x01\x02garbage" * 1000, "data.csv", {}, False),
    ("header only", b"id,name\n", "data.csv", {}, False),
    ("broken gzip", b"\x1f\x8b\x08\x00broken" * 100, "data.csv.gz", {}, False),
    ("bomb", _padded_bomb(32 * MB, 64 * 1024), "data.csv.gz", {}, False),
    ("past the row limit", _csv(8), "data.csv", {"max_rows": 5}, True),
]


@pytest.mark.parametrize(
    ("data", "name", "fields", "kept"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
def test_files_left_on_disk_after_each_kind_of_refusal(ingest_dirs, data, name, fields, kept):
    owner, dataset = owner_and_dataset(**fields)
    upload = upload_bytes(actor=owner, dataset=dataset, data=data, name=name)
    received = Path(upload.path).relative_to(ingest_dirs)

    process_upload(upload_id=upload.pk)

    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED
    assert _files(ingest_dirs) == ([str(received)] if kept else [])
    assert bool(upload.path) is kept


def _refused_and_kept(owner, dataset) -> Upload:
    upload = upload_bytes(actor=owner, dataset=dataset, data=_csv(8))
    process_upload(upload_id=upload.pk)
    upload.refresh_from_db()
    assert (upload.status, bool(upload.path)) == (Upload.Status.FAILED, True)
    return upload


def test_datasets_gc_removes_a_kept_refused_file_only_after_the_retention_setting(
    ingest_dirs, settings
):
    settings.DATASETS_UPLOAD_RETENTION_HOURS = 2
    owner, dataset = owner_and_dataset(max_rows=5)
    young, old = _refused_and_kept(owner, dataset), _refused_and_kept(owner, dataset)
    for upload, hours in ((young, 1.5), (old, 2.5)):
        Upload.objects.filter(pk=upload.pk).update(
            updated_at=timezone.now() - dt.timedelta(hours=hours)
        )
    old_file = old.path
    out = io.StringIO()

    call_command("datasets-gc", stdout=out)

    young.refresh_from_db()
    old.refresh_from_db()
    assert (old.status, old.path, young.status) == ("failed", "", "failed")
    assert old.error.startswith("The file has 8 lines after the header")  # its reason kept
    assert _files(ingest_dirs) == [str(Path(young.path).relative_to(ingest_dirs))]
    assert out.getvalue().splitlines() == [
        f"upload #{old.pk} (Refused): {old_file}",
        "datasets-gc: removed 1 item(s)",
    ]
