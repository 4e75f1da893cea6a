from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.network.models.application import Application


class ExpressionOfInterest(models.Model):
    """The first stage of a two-stage call: submitted, then invited to a full proposal (or not).

    The application row carries the answers; this row only says where it stands in stage one,
    so a one-stage call needs no row at all."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("expression of interest status", "Submitted")
        INVITED = (
            "invited",
            pgettext_lazy("expression of interest status", "Invited to a full proposal"),
        )

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="expression_of_interest"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField()
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")

    def __str__(self) -> str:
        return f"EOI {self.application_id} ({self.status})"
