from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    COMMUNITY = "community", _("Community (free, registered)")
    ENTERPRISE = "enterprise", _("Enterprise (paid plan)")


def _limit(label: Any) -> models.PositiveIntegerField:  # a lazy translation
    return models.PositiveIntegerField(label, validators=[MinValueValidator(1)])


class ApiTiers(models.Model):
    """The steward's API tiers for one dataset or one collaboration (its datasets share them).

    A dataset with no tiers of its own uses its collaboration's, else the site's defaults
    (settings.API_TIER_DEFAULTS).
    """

    dataset = models.OneToOneField(
        "datasets.Dataset",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tiers",
    )
    collaboration = models.OneToOneField(
        "collaborations.DataCollaboration",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tiers",
    )
    anonymous_per_minute = _limit(_("anonymous: requests per minute"))
    anonymous_per_month = _limit(_("anonymous: requests per month"))
    community_per_minute = _limit(_("community: requests per minute"))
    community_per_month = _limit(_("community: requests per month"))
    enterprise_per_minute = _limit(_("enterprise: requests per minute"))
    enterprise_per_month = _limit(_("enterprise: requests per month"))
    enterprise_price = models.DecimalField(
        _("enterprise: monthly price"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="GBP")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("API tiers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dataset__isnull=False, collaboration__isnull=True)
                | models.Q(dataset__isnull=True, collaboration__isnull=False),
                name="api_tiers_one_scope",
            )
        ]

    def __str__(self) -> str:
        return str(self.dataset or self.collaboration)

    @property
    def scope(self) -> str:
        if self.dataset_id is not None:
            return f"dataset:{self.dataset_id}"
        return f"collaboration:{self.collaboration_id}"


class EnterprisePlan(models.Model):
    """A paid plan: the steward puts a person or an organisation on the enterprise tier."""

    tiers = models.ForeignKey(ApiTiers, on_delete=models.CASCADE, related_name="plans")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("enterprise plan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, organisation__isnull=True)
                | models.Q(user__isnull=True, organisation__isnull=False),
                name="enterprise_plan_one_account",
            ),
            # At most one running plan per account and scope.
            models.UniqueConstraint(
                fields=["tiers", "user"],
                condition=models.Q(ended_at__isnull=True, user__isnull=False),
                name="enterprise_plan_one_open_per_user",
            ),
            models.UniqueConstraint(
                fields=["tiers", "organisation"],
                condition=models.Q(ended_at__isnull=True, organisation__isnull=False),
                name="enterprise_plan_one_open_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_label} @ {self.tiers}"

    @property
    def account(self) -> str:
        if self.organisation_id is not None:
            return f"org:{self.organisation_id}"
        return f"user:{self.user_id}"

    @property
    def account_label(self) -> str:
        return str(self.organisation or self.user)
