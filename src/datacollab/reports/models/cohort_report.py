from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.core.content_language import default_language
from datacollab.network.models import Cohort


class ReportSection(models.TextChoices):
    """The parts of a cohort's output report after the introduction, in the order shown."""

    SESSIONS = "sessions", _("Sessions and their summaries")
    LEARNINGS = "learnings", _("Learnings by theme")
    PARTICIPANTS = "participants", _("Participant profiles")
    FIGURES = "figures", _("Figures")


def all_sections() -> list[str]:
    return list(ReportSection.values)


class CohortReport(models.Model):
    """The output of a cohort, assembled by a convener: public once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("cohort report status", "Draft")
        PUBLISHED = "published", pgettext_lazy("cohort report status", "Published")

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="report")
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("If left empty: “The output of” followed by the cohort's name."),
    )
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Markdown"))
    # Section keys (ReportSection values) the convener chose to show, in display order.
    sections = models.JSONField(_("sections"), default=all_sections, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Title and introduction as written in `language`; the others in `translations`
    # ({language: {field: text}}, core/content_language.py).
    language = models.CharField(_("written in"), max_length=15, default=default_language)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    # {language: {field: hash of the original when that translation was written}}: a
    # translation whose original changed since is shown as possibly outdated.
    translated_from = models.JSONField(
        _("originals translated"), default=dict, blank=True, editable=False
    )

    translatable = ("title", "introduction")

    class Meta:
        verbose_name = _("cohort output report")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="published_report_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.cohort)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
