"""What `datacollab backup` must carry for datasets: version files and uploads still waiting."""

from __future__ import annotations

from datacollab.core.backup.areas import (
    FolderArea,
    Source,
    StorageArea,
    register_area,
    register_source,
)


def register() -> None:
    register_area("datasets", lambda: StorageArea("datasets", "datasets"))
    register_area("uploads", lambda: FolderArea("uploads", "DATASETS_UPLOAD_DIR"))
    register_source(
        Source(
            model="datasets.DatasetVersion",
            fields=("storage_key",),
            area="datasets",
            checksum_field="checksum",
        )
    )
    # Received files and typed drafts: rows hold their absolute paths, which a restore moves
    # under its own DATASETS_UPLOAD_DIR.
    register_source(Source(model="datasets.Upload", fields=("path", "draft_path"), area="uploads"))
