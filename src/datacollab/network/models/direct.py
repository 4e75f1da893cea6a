from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.network.models.application import Application


class Recommendation(models.TextChoices):
    """The interviewer's verdict; services/direct.py turns it into selection merit."""

    STRONG = "strong", _("Strongly recommend")
    RECOMMEND = "recommend", _("Recommend")
    RESERVE = "reserve", _("Reserve")
    AGAINST = "against", _("Do not recommend")


class DirectApproach(models.Model):
    """An organisation the convener approached instead of waiting for it to apply.

    It owns an application of source `direct`, so the candidate joins the same selection as
    the open call's applicants once an interview is recorded."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited to an interview")
        INTERVIEWED = "interviewed", _("Interviewed")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="direct_approach"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INVITED)
    contact_email = models.EmailField(_("contact email"))
    message = models.TextField(_("invitation message"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField()
    interview_notes = models.TextField(_("interview notes"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    interviewed_at = models.DateTimeField(null=True, blank=True)
    interviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("direct approach")

    def __str__(self) -> str:
        return f"Direct approach {self.application_id} ({self.status})"
