"""A version's preview (its first rows on the dataset page) is read from its file once per
process: the file never changes, and reading it meant fetching the whole Parquet file (from
S3 in production) and opening DuckDB on every view of the page (bench/load.py)."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages

from datacollab.datasets.models import DatasetVersion
from datacollab.datasets.selectors.datasets import preview
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org
from tests.factories_data import make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def test_preview_of_a_version_is_read_from_its_file_once():
    version = make_version(make_dataset(owner=make_org(), spectrum="open", licence="CC0-1.0"))
    first = preview(version)
    storages["datasets"].delete(version.storage_key)  # a second read would now fail

    again = preview(DatasetVersion.objects.get(pk=version.pk))

    assert again is first


def test_preview_of_each_version_is_its_own():
    dataset = make_dataset(owner=make_org(), spectrum="open", licence="CC0-1.0")
    one = make_version(dataset, {"station": ["north"], "count": [1]})
    two = make_version(dataset, {"station": ["south"], "count": [2]})

    assert (preview(one).rows, preview(two).rows) == ([["north", "1"]], [["south", "2"]])
