"""Versions for the formats tests: a Parquet file written with pyarrow into the datasets storage
and its DatasetVersion row (test arrangement, not the ingest path)."""

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
    columns: dict[str, list[Any]] | pa.Table,
    schema: dict[str, Any],
    *,
    number: int | None = None,
    creator: User | None = None,
) -> DatasetVersion:
    table = columns if isinstance(columns, pa.Table) else pa.table(columns)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    data = buffer.getvalue()
    if number is None:
        last = dataset.versions.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    key = f"test/{dataset.slug}/v{number}.parquet"
    storages["datasets"].save(key, ContentFile(data))
    return DatasetVersion.objects.create(
        dataset=dataset,
        number=number,
        storage_key=key,
        row_count=table.num_rows,
        byte_size=len(data),
        checksum=hashlib.sha256(data).hexdigest(),
        schema=schema,
        report=VALID_REPORT,
        source_name=f"{dataset.slug}.csv",
        source_format="csv",
        created_by=creator or make_user(),
    )
