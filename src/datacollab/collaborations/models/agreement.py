from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.collaborations.models.collaboration import DataCollaboration
from datacollab.organisations.models import Organisation


class LicenceId(models.TextChoices):
    """Agreement templates, by SPDX identifier; `custom` for terms written by the parties."""

    O_UDA = "O-UDA-1.0", "Open Use of Data Agreement 1.0"
    C_UDA = "C-UDA-1.0", "Computational Use of Data Agreement 1.0"
    CDLA_PERMISSIVE = "CDLA-Permissive-2.0", "Community Data License Agreement – Permissive 2.0"
    CDLA_SHARING = "CDLA-Sharing-1.0", "Community Data License Agreement – Sharing 1.0"
    ODBL = "ODbL-1.0", "Open Data Commons Open Database License 1.0"
    CC_BY = "CC-BY-4.0", "Creative Commons Attribution 4.0"
    CC0 = "CC0-1.0", "Creative Commons Zero 1.0"
    CUSTOM = "custom", _("Custom terms")


class Agreement(models.Model):
    """A data use agreement of a collaboration; its text lives in immutable versions."""

    collaboration = models.ForeignKey(
        DataCollaboration, on_delete=models.CASCADE, related_name="agreements"
    )
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    licence = models.CharField(max_length=30, choices=LicenceId.choices)
    # Structured terms: permitted_purposes (list[str]), commercial_use (bool),
    # onward_sharing ("none" | "members" | "anyone"), attribution (bool),
    # retention_days (int | None). Exported as an ODRL 2.2 policy.
    terms = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text=_("Markdown"))
    text_hash = models.CharField(max_length=64, help_text=_("SHA-256 of the text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_agreement_version")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class Acceptance(models.Model):
    """A person accepted one exact text version on behalf of an organisation."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("empty: the person accepted for themselves"),
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acceptances"
    )
    text_hash = models.CharField(max_length=64)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation", "accepted_by"], name="unique_acceptance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.accepted_by} for {self.organisation}: {self.version}"
