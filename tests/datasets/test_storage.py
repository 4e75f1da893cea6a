"""The version storage layer: whole files under keys, never partial ones."""

from __future__ import annotations

import pytest

from datacollab.datasets.models import DatasetVersion
from datacollab.datasets.storage import (
    TEMP_PREFIX,
    delete_version_file,
    local_copy,
    save_version_file,
    version_key,
)
from tests.datasets.factories_ingest import ingest_dirs_fixture  # noqa: F401 - a fixture


def test_version_key_names_dataset_number_and_checksum():
    assert version_key(dataset_id=7, number=3, checksum="abcdef0123456789" * 4) == (
        "datasets/7/v3-abcdef012345.parquet"
    )


def test_save_writes_the_whole_file_and_no_temporary(ingest_dirs):
    source = ingest_dirs / "local.parquet"
    source.write_bytes(b"x" * 3_000_000)
    key = save_version_file(source, "datasets/1/v1-abc.parquet")
    folder = ingest_dirs / "store" / "datasets" / "1"
    assert key == "datasets/1/v1-abc.parquet"
    assert (folder / "v1-abc.parquet").read_bytes() == source.read_bytes()
    assert [p.name for p in folder.iterdir()] == ["v1-abc.parquet"]


def test_save_failure_leaves_nothing_under_the_key(ingest_dirs):
    with pytest.raises(FileNotFoundError):
        save_version_file(ingest_dirs / "missing.parquet", "datasets/1/v1-abc.parquet")
    folder = ingest_dirs / "store" / "datasets" / "1"
    assert [p.name for p in folder.iterdir()] == []
    assert not any(p.name.startswith(TEMP_PREFIX) for p in folder.iterdir())


def test_local_copy_is_the_stored_file_and_delete_removes_it(ingest_dirs):
    source = ingest_dirs / "local.parquet"
    source.write_bytes(b"data")
    key = save_version_file(source, "datasets/2/v1-abc.parquet")
    version = DatasetVersion(storage_key=key)
    with local_copy(version) as path:
        assert path.read_bytes() == b"data"
    delete_version_file(key)
    assert not (ingest_dirs / "store" / key).exists()
