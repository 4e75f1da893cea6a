from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.datasets.models.dataset import Dataset


class Upload(models.Model):
    """A received file on its way to becoming a version (or being refused, with the reason).

    Its life is the state machine of `services/upload_lifecycle.py`: received -> processing
    (parsing) -> draft | invalid | failed; a draft is published or discarded by its owner.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("upload status", "Received")
        PROCESSING = "processing", pgettext_lazy("upload status", "Parsing")
        DRAFT = "draft", pgettext_lazy("upload status", "Draft, ready to publish")
        INVALID = "invalid", pgettext_lazy("upload status", "Draft with errors")
        PUBLISHED = "published", pgettext_lazy("upload status", "Published")
        DISCARDED = "discarded", pgettext_lazy("upload status", "Discarded")
        FAILED = "failed", pgettext_lazy("upload status", "Refused")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="uploads")
    original_name = models.CharField(max_length=255)
    path = models.CharField(max_length=500, help_text=_("where the received file waits"))
    byte_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    detected = models.JSONField(
        default=dict, blank=True, help_text=_("format, encoding, delimiter: the guess shown")
    )
    error = models.TextField(blank=True)
    report = models.JSONField(null=True, blank=True)
    schema = models.JSONField(
        null=True,
        blank=True,
        help_text=_("Table Schema given with the file (the API's `schema`); none: inferred"),
    )
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("the uploader's corrections of the guess: format, encoding, delimiter"),
    )
    base_version = models.ForeignKey(
        "DatasetVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("the current version whose schema the draft was checked against"),
    )
    changes = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("how the draft's schema differs from the current one (columns, keys)"),
    )
    preview = models.JSONField(null=True, blank=True, help_text=_("header and first rows"))
    draft_schema = models.JSONField(
        null=True, blank=True, help_text=_("the schema the draft was validated against")
    )
    draft_path = models.CharField(
        max_length=500, blank=True, help_text=_("the draft's typed Parquet, until published")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # While processing: which process runs the worker (host, pid, its start time) and until
    # when its lease holds; it renews the lease as it waits, so a kill -9 shows at once.
    runner_host = models.CharField(max_length=255, blank=True)
    runner_pid = models.PositiveIntegerField(null=True, blank=True)
    runner_started = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_("the runner process's start time, in clock ticks")
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"


class DatasetVersion(models.Model):
    """Immutable: a Parquet file in storage plus this row, committed only once the file is whole."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=500, unique=True)
    row_count = models.PositiveBigIntegerField()
    byte_size = models.PositiveBigIntegerField()
    checksum = models.CharField(max_length=64, help_text=_("SHA-256 of the Parquet file"))
    schema = models.JSONField(help_text=_("Frictionless Table Schema"))
    report = models.JSONField(help_text=_("Frictionless-compatible validation report"))
    source_name = models.CharField(max_length=255, blank=True)
    source_format = models.CharField(max_length=10, blank=True)
    detected = models.JSONField(default=dict, blank=True)
    upload = models.OneToOneField(
        Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="version"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.number}"
