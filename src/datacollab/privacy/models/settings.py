from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.datasets.models import Dataset
from datacollab.organisations.models import Organisation


class ProtectionSettings(models.Model):
    """The owner's protections for aggregate queries on one dataset (defaults: the safe ones)."""

    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, related_name="protection")
    contributor = models.CharField(
        _("contributor column"), max_length=200, help_text=_("e.g. firm: whose figures")
    )
    unit = models.CharField(
        _("privacy unit column"),
        max_length=200,
        blank=True,
        help_text=_("e.g. bike_id: whose presence differential privacy hides; empty: no noise"),
    )
    dimensions = models.JSONField(_("dimensions"), default=list)
    measures = models.JSONField(
        _("measures"), default=list, help_text=_('[{"column": ..., "lower": ..., "upper": ...}]')
    )
    k = models.PositiveIntegerField(_("contributors per cell at least"), default=3)
    dominance_n = models.PositiveIntegerField(_("dominance: largest contributors"), default=1)
    dominance_share = models.FloatField(_("dominance: their share at most"), default=0.5)
    min_rows = models.PositiveIntegerField(_("rows per cell at least"), default=5)
    rounding = models.PositiveIntegerField(_("round counts and sums to"), default=1)
    epsilon = models.FloatField(_("epsilon per query"), default=1.0)
    delta = models.FloatField(_("delta per query"), default=1e-7)
    max_cells_per_unit = models.PositiveIntegerField(_("cells per unit at most"), default=24)
    max_rows_per_cell = models.PositiveIntegerField(_("rows per unit per cell at most"), default=1)
    public_dimensions = models.BooleanField(
        _("dimension values are public"),
        default=False,
        help_text=_(
            "zone names, hours and the like are public knowledge: cells are released without "
            "the noisy threshold that hides which ones exist (far more cells released)"
        ),
    )
    lattice = models.JSONField(
        _("lattice"),
        default=list,
        blank=True,
        help_text=_(
            'without noise: the groupings that may be asked, [{"column": ..., "bucket": ...}]'
        ),
    )
    budget_person = models.FloatField(_("epsilon per person per period"), default=10.0)
    budget_organisation = models.FloatField(_("epsilon per organisation per period"), default=30.0)
    period_days = models.PositiveIntegerField(_("budget period (days)"), default=30)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.dataset} protections"


class AggregateGrant(models.Model):
    """'Aggregates only': the grantee may run protected queries and never reads a row.

    Kept apart from `datasets.AccessGrant` on purpose: the datasets rules never see it, so no
    row channel (page, preview, download, rows API, search, export) can admit by it.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) ^ models.Q(organisation__isnull=False),
                name="aggregate_grant_to_person_or_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} → {self.user or self.organisation} (aggregates only)"
