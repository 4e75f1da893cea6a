"""publish_parquet: owner only, numbered under a lock, storage first and the row last."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.datasets.models import DatasetVersion
from datacollab.datasets.services.versions import publish_parquet, remove_orphan_files
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _parquet(folder: Path, rows: int = 3) -> Path:
    path = folder / f"in-{rows}.parquet"
    pq.write_table(pa.table({"id": list(range(rows))}), path)
    return path


def _publish(actor, dataset, parquet: Path, **overrides) -> DatasetVersion:
    arguments = {
        "actor": actor,
        "dataset": dataset,
        "parquet": parquet,
        "schema": {"fields": [{"name": "id", "type": "integer"}]},
        "report": {"valid": True, "tasks": []},
        "source_name": "in.parquet",
        "source_format": "parquet",
        "detected": {"format": "parquet"},
        **overrides,
    }
    return publish_parquet(**arguments)


def _stored(folder: Path) -> list[str]:
    store = folder / "store"
    if not store.exists():
        return []
    return sorted(str(p.relative_to(store)) for p in store.rglob("*") if p.is_file())


def test_publish_numbers_versions_and_stores_under_the_key(ingest_dirs):
    owner, dataset = owner_and_dataset()
    first = _publish(owner, dataset, _parquet(ingest_dirs, 3))
    second = _publish(owner, dataset, _parquet(ingest_dirs, 5))
    assert [(first.number, first.row_count), (second.number, second.row_count)] == [(1, 3), (2, 5)]
    assert _stored(ingest_dirs) == sorted([first.storage_key, second.storage_key])
    assert second.storage_key == f"datasets/{dataset.pk}/v2-{second.checksum[:12]}.parquet"
    assert (ingest_dirs / "store" / second.storage_key).read_bytes() == (
        ingest_dirs / "in-5.parquet"
    ).read_bytes()


def test_publish_refuses_a_non_owner(ingest_dirs):
    _, dataset = owner_and_dataset()
    with pytest.raises(NotAllowed) as caught:
        _publish(make_user(), dataset, _parquet(ingest_dirs))
    assert caught.value.message == "Only members of the owning organisation may publish versions."
    assert _stored(ingest_dirs) == []


def test_publish_refuses_a_file_that_is_not_parquet(ingest_dirs):
    owner, dataset = owner_and_dataset()
    bogus = ingest_dirs / "bogus.parquet"
    bogus.write_bytes(b"not parquet at all")
    with pytest.raises(DomainError) as caught:
        _publish(owner, dataset, bogus)
    assert caught.value.message.startswith("The version file is not a readable Parquet file: ")
    assert DatasetVersion.objects.count() == 0


def test_failure_after_the_file_is_stored_rolls_back_and_removes_it(ingest_dirs):
    owner, dataset = owner_and_dataset()
    # The row insert fails (schema may not be null) after the file reached storage.
    with pytest.raises(IntegrityError):
        _publish(owner, dataset, _parquet(ingest_dirs), schema=None)
    assert DatasetVersion.objects.count() == 0
    assert _stored(ingest_dirs) == []


def test_crash_before_commit_leaves_no_visible_version(ingest_dirs):
    owner, dataset = owner_and_dataset()
    with pytest.raises(RuntimeError), transaction.atomic():
        version = _publish(owner, dataset, _parquet(ingest_dirs))
        orphan = version.storage_key
        assert _stored(ingest_dirs) == [orphan]
        raise RuntimeError("the process dies before the transaction commits")
    # Only rows make versions visible: none exists. The file is an unreachable orphan that
    # `datacollab datasets-gc` removes; publishing again takes number 1 afresh.
    assert DatasetVersion.objects.count() == 0
    assert _stored(ingest_dirs) == [orphan]
    again = _publish(owner, dataset, _parquet(ingest_dirs))
    assert (again.number, again.storage_key) == (1, orphan)


def _age(path: Path, hours: float) -> None:
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


def test_gc_removes_old_orphans_and_keeps_versions(ingest_dirs):
    owner, dataset = owner_and_dataset()
    kept = _publish(owner, dataset, _parquet(ingest_dirs, 4))
    with pytest.raises(RuntimeError), transaction.atomic():
        orphan = _publish(owner, dataset, _parquet(ingest_dirs, 9)).storage_key
        raise RuntimeError("crash before commit")
    young = ingest_dirs / "store" / "datasets" / str(dataset.pk) / ".partial-young.parquet"
    young.write_bytes(b"being written")
    for key in (kept.storage_key, orphan):
        _age(ingest_dirs / "store" / key, 48)
    stale_work = ingest_dirs / "uploads" / "work" / "17-dead"
    stale_work.mkdir(parents=True)
    _age(stale_work, 48)

    out = io.StringIO()
    call_command("datasets-gc", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        f"storage: {orphan}",
        f"work: {stale_work}",
        "datasets-gc: would remove 2 item(s)",
    ]
    assert len(_stored(ingest_dirs)) == 3

    removed = remove_orphan_files(older_than=dt.timedelta(hours=24))

    assert removed == [f"storage: {orphan}", f"work: {stale_work}"]
    assert _stored(ingest_dirs) == sorted(
        [kept.storage_key, f"datasets/{dataset.pk}/.partial-young.parquet"]
    )
    assert not stale_work.exists()
