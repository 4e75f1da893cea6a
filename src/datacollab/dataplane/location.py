"""Where Spark reads a version's Parquet: where it is stored, never a copy on the web host.

Local storage: the file's path (on a cluster, that folder must be mounted at the same path
on every executor: shared storage). S3-compatible storage: an `s3a://bucket/key` URL, read
by Hadoop's S3A connector on the executors (docs/operations.md, "The data plane on Spark",
says what a cluster configures for it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datacollab.datasets import storage

if TYPE_CHECKING:
    from datacollab.datasets.models import DatasetVersion


def of(version: DatasetVersion) -> str:
    stored = storage.version_storage()
    if storage.is_local(stored):
        return str(stored.path(version.storage_key))
    bucket = getattr(stored, "bucket_name", "")
    prefix = str(getattr(stored, "location", "") or "").strip("/")
    key = f"{prefix}/{version.storage_key}" if prefix else version.storage_key
    return f"s3a://{bucket}/{key}"
