from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.core.content_language import default_language
from datacollab.organisations.models import Organisation


class Network(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    # Content in several languages (core/content_language.py), as calls have it: the fields
    # above hold the text as written in `language`; `translations` holds {language: {field:
    # text}} and `translated_from` the hash of each original a translation was written from.
    language = models.CharField(_("written in"), max_length=15, default=default_language)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    translated_from = models.JSONField(
        _("originals translated"), default=dict, blank=True, editable=False
    )

    translatable = ("name", "description")

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="cohorts")
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    focus = models.CharField(
        _("focus"), max_length=200, help_text=_("e.g. early-stage data collaborations")
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("most organisations"))
    budget = models.DecimalField(
        _("total budget"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    award_cap = models.DecimalField(
        _("cap per award"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("20000.00"),
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="GBP")
    members = models.ManyToManyField(
        Organisation, through="CohortMembership", related_name="cohorts", blank=True
    )
    # Content in several languages (core/content_language.py), as calls have it: the fields
    # above hold the text as written in `language`; `translations` holds {language: {field:
    # text}} and `translated_from` the hash of each original a translation was written from.
    language = models.CharField(_("written in"), max_length=15, default=default_language)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    translated_from = models.JSONField(
        _("originals translated"), default=dict, blank=True, editable=False
    )

    # The name stays as written: it is the cohort's proper name in mails, reports and exports.
    translatable = ("focus", "description")

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("cohort")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="cohort_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CohortMembership(models.Model):
    """A participating organisation of a cohort (selected through a call, or added by hand)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "organisation"], name="unique_cohort_member")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.cohort}"
