"""Impact stories: what someone used a dataset for, in a link and a sentence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImpactStory(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("impact story status", "Waiting for the owner")
        PUBLISHED = "published", pgettext_lazy("impact story status", "Published")
        REJECTED = "rejected", pgettext_lazy("impact story status", "Rejected")

    dataset = models.ForeignKey(
        "datasets.Dataset", on_delete=models.CASCADE, related_name="impact_stories"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impact_stories"
    )
    sentence = models.CharField(_("what you used it for"), max_length=300)
    link = models.URLField(_("link"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("impact story")
        verbose_name_plural = _("impact stories")
        indexes = [models.Index(fields=["dataset", "status"], name="impact_story_dataset_status")]

    def __str__(self) -> str:
        return self.sentence[:80]
