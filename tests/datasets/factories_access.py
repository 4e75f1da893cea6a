"""Versions for the access, catalog and matrix tests: a Parquet file written with pyarrow into the
datasets storage and its DatasetVersion row (test arrangement, not the ingest path)."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.organisations.models import User
from tests.factories import make_user

VALID_REPORT = {"valid": True, "stats": {"errors": 0}, "tasks": [], "errors": []}
READINGS = {"station": ["north", "south", "east"], "pm25": [12.5, 8.0, 15.25]}
READINGS_SCHEMA = {
    "fields": [
        {"name": "station", "type": "string", "constraints": {"required": True}},
        {"name": "pm25", "type": "number"},
    ]
}


@pytest.fixture
def datasets_storage(settings: Any, tmp_path: Any) -> Any:
    """Version files in a per-test folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "datasets")},
        },
    }
    return tmp_path / "datasets"


def make_version(
    dataset: Dataset,
    columns: dict[str, list[Any]] | None = None,
    schema: dict[str, Any] | None = None,
    *,
    source_format: str = "csv",
    report: dict[str, Any] | None = None,
    creator: User | None = None,
) -> DatasetVersion:
    table = pa.table(columns if columns is not None else READINGS)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    data = buffer.getvalue()
    last = dataset.versions.order_by("-number").values_list("number", flat=True).first()
    number = (last or 0) + 1
    key = f"access-tests/{dataset.slug}/v{number}.parquet"
    storages["datasets"].save(key, ContentFile(data))
    return DatasetVersion.objects.create(
        dataset=dataset,
        number=number,
        storage_key=key,
        row_count=table.num_rows,
        byte_size=len(data),
        checksum=hashlib.sha256(data).hexdigest(),
        schema=schema if schema is not None else READINGS_SCHEMA,
        report=report if report is not None else VALID_REPORT,
        source_name=f"{dataset.slug}.{source_format}",
        source_format=source_format,
        created_by=creator or make_user(),
    )
