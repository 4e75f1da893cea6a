from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.core import countries, country_names
from datacollab.core.choice_labels import KeptChoiceLabels


def operation_codes(country: str, operating: Iterable[str] | None) -> list[str]:
    """Where an organisation works: its countries of operation, else its head office's country.

    The one rule the dashboard and selection share for "Global South by operation"."""
    codes = list(operating or [])
    return codes or ([country] if country else [])


def global_south_by_operation(country: str, operating: Iterable[str] | None) -> bool:
    """At least one of the countries it works in is in the Global South."""
    return any(countries.is_global_south(code) for code in operation_codes(country, operating))


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    RESEARCH = "research", _("Research institution")
    NON_PROFIT = "non_profit", _("Non-profit")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


class Organisation(KeptChoiceLabels, models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    org_id = models.CharField(
        _("org-id"), max_length=100, blank=True, help_text=_("e.g. GB-CHC-1234567 (org-id.guide)")
    )
    ror = models.CharField(_("ROR"), max_length=40, blank=True, help_text=_("e.g. 05gq02987"))
    # Where it works, beside where its head office is: the dashboard counts it once in each,
    # and selection may take its Global South share from them.
    operating_countries = models.JSONField(
        _("countries of operation"), default=list, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name

    @property
    def is_global_south(self) -> bool:
        return countries.is_global_south(self.country)

    @property
    def country_name(self) -> str:
        return country_names.name(self.country)

    @property
    def operating_country_names(self) -> list[str]:
        return [countries.name_of(code) for code in self.operating_countries or []]

    @property
    def is_global_south_by_operation(self) -> bool:
        return global_south_by_operation(self.country, self.operating_countries)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"
