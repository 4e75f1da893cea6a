"""Admin (superusers only, core/admin.py): look datasets, versions, uploads, grants and
requests up, read-only.

Two rules hold here as everywhere: writes go through the pages (whose services check
permission and write the audit log), and the list holds only the datasets the Data Spectrum
rule lets the viewer see (`visible_datasets`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from datacollab.core.admin import ReadOnlyAuditedAdmin
from datacollab.datasets.models import (
    AccessGrant,
    AccessRequest,
    Dataset,
    DatasetVersion,
    Upload,
)
from datacollab.datasets.selectors.access import visible_datasets


class VisibleOnlyAdmin(ReadOnlyAuditedAdmin):
    """Read-only, and limited to the rows of datasets this person may see."""

    dataset_path = "dataset"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        visible = visible_datasets(request.user).values("pk")
        lookup = "pk__in" if not self.dataset_path else f"{self.dataset_path}__in"
        return super().get_queryset(request).filter(**{lookup: visible})


@admin.register(Dataset)
class DatasetAdmin(VisibleOnlyAdmin):
    dataset_path = ""
    list_display = ("title", "slug", "owner", "spectrum", "licence", "listed", "updated_at")
    list_filter = ("spectrum", "listed")
    search_fields = ("title", "slug", "owner__name")
    list_select_related = ("owner",)


@admin.register(DatasetVersion)
class DatasetVersionAdmin(VisibleOnlyAdmin):
    list_display = ("dataset", "number", "row_count", "byte_size", "source_format", "created_at")
    list_select_related = ("dataset",)
    # The report carries cell values, which are data: the admin shows the metadata only.
    exclude = ("report",)


@admin.register(Upload)
class UploadAdmin(VisibleOnlyAdmin):
    list_display = ("original_name", "dataset", "status", "byte_size", "created_at")
    list_filter = ("status",)
    list_select_related = ("dataset",)
    exclude = ("report",)


@admin.register(AccessGrant)
class AccessGrantAdmin(VisibleOnlyAdmin):
    list_display = ("dataset", "user", "organisation", "granted_by", "created_at")
    list_select_related = ("dataset", "user", "organisation", "granted_by")


@admin.register(AccessRequest)
class AccessRequestAdmin(VisibleOnlyAdmin):
    list_display = ("dataset", "requester", "organisation", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("dataset", "requester", "organisation")
