"""A version with time-zone-aware timestamps reads everywhere (DuckDB converts them with pytz)."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from tests.datasets.factories_formats import make_version
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db

SCHEMA = {"fields": [{"name": "at", "type": "datetime"}, {"name": "n", "type": "integer"}]}


def _zoned_open_dataset():
    dataset = make_dataset(spectrum="open", licence="CC0-1.0", slug="zoned")
    table = pa.table(
        {
            "at": pa.array([datetime(2021, 3, 1, 10, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
            "n": pa.array([1], pa.int64()),
        }
    )
    make_version(dataset, table, SCHEMA)
    return dataset


def test_zoned_timestamps_preview_and_rows_api(client):
    _zoned_open_dataset()
    page = client.get("/datasets/zoned/")
    assert page.status_code == 200
    assert "2021-03-01" in page.content.decode()
    rows = client.get("/api/v1/datasets/zoned/versions/1/rows")
    assert rows.status_code == 200
    assert rows.json()["rows"] == [{"at": "2021-03-01T10:00:00+00:00", "n": 1}]
