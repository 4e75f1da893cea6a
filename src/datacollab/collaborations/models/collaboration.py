from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.organisations.models import Organisation


class DataCollaboration(models.Model):
    class Status(models.TextChoices):
        SCOPING = "scoping", pgettext_lazy("collaboration status", "Scoping")
        ACTIVE = "active", pgettext_lazy("collaboration status", "Active")
        CONCLUDED = "concluded", pgettext_lazy("collaboration status", "Concluded")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    challenge = models.TextField(_("challenge it addresses"), help_text=_("Markdown"))
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    goals = models.TextField(_("goals"), blank=True, help_text=_("Markdown"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCOPING)
    lead = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_collaborations"
    )
    members = models.ManyToManyField(
        Organisation, through="CollaborationMember", related_name="collaborations", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("data collaboration")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    DATA_PROVIDER = "data_provider", _("Data provider")
    DATA_USER = "data_user", _("Data user")
    STEWARD = "steward", _("Steward")
    FUNDER = "funder", _("Funder")


class CollaborationMember(models.Model):
    collaboration = models.ForeignKey(
        DataCollaboration, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="collaboration_memberships"
    )
    role = models.CharField(max_length=15, choices=MemberRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "organisation", "role"], name="unique_collab_member_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}) in {self.collaboration}"


class Principle(models.TextChoices):
    """Microsoft's Data Collaboration Principles."""

    # Translators: the five principles are adjectives describing a data collaboration (the
    # collaboration is open, usable...), shown as the headings of its scorecard.
    OPEN = "open", pgettext_lazy("principle: the data collaboration is", "Open")
    USABLE = "usable", pgettext_lazy("principle: the data collaboration is", "Usable")
    EMPOWERING = "empowering", pgettext_lazy("principle: the data collaboration is", "Empowering")
    PRIVATE = "private", pgettext_lazy("principle: the data collaboration is", "Private")
    SECURE = "secure", pgettext_lazy("principle: the data collaboration is", "Secure")


class SelfAssessment(models.Model):
    collaboration = models.ForeignKey(
        DataCollaboration, on_delete=models.CASCADE, related_name="self_assessments"
    )
    principle = models.CharField(max_length=12, choices=Principle.choices)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "principle"], name="one_self_assessment_per_principle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collaboration}: {self.principle} {self.score}/5"
