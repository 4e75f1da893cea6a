"""A small version's CSV is written once per process: each download opened DuckDB and wrote
it again (about 29 ms of CPU, bench/load.py), though the version's file never changes."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.test import Client

from datacollab.core.errors import NotFound
from datacollab.datasets.models import DatasetVersion
from datacollab.datasets.selectors import datasets as selectors
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org
from tests.factories_data import make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def _csv(version: DatasetVersion) -> bytes:
    return b"".join(selectors.csv_chunks(DatasetVersion.objects.get(pk=version.pk)))


def test_csv_of_a_small_version_is_written_from_its_file_once():
    version = make_version(make_dataset(owner=make_org(), spectrum="open", licence="CC0-1.0"))
    first = _csv(version)
    storages["datasets"].delete(version.storage_key)  # a second read would now fail

    assert _csv(version) == first


def test_csv_download_of_each_version_is_its_own():
    dataset = make_dataset(owner=make_org(), spectrum="open", licence="CC0-1.0", slug="fleet")
    make_version(dataset, {"station": ["north"], "count": [1]})
    make_version(dataset, {"station": ["south"], "count": [2]})
    client = Client()

    bodies = [
        b"".join(client.get(f"/datasets/fleet/v{n}/download.csv").streaming_content)
        for n in (1, 2, 1)
    ]

    assert [b.decode().splitlines()[1] for b in bodies] == ['"north",1', '"south",2', '"north",1']


def test_csv_past_the_kept_size_is_not_kept(monkeypatch):
    monkeypatch.setattr(selectors, "CSV_KEPT_ONE_BYTES", 8)
    version = make_version(make_dataset(owner=make_org(), spectrum="open", licence="CC0-1.0"))
    _csv(version)
    storages["datasets"].delete(version.storage_key)

    with pytest.raises(NotFound):  # read again: the file is gone
        _csv(version)
