from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.organisations.models import Organisation


class Release(models.Model):
    """A released answer, kept so that an identical query gets it again at no cost."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, help_text=_("SHA-256 of version, query and protections"))
    query = models.JSONField()
    result = models.JSONField()
    epsilon = models.FloatField()
    delta = models.FloatField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="unique_release_key")]

    def __str__(self) -> str:
        return f"{self.dataset} release {self.key[:12]}"


class BudgetAccount(models.Model):
    """The row locked while a query debits: one per (dataset, person or organisation, period)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) ^ models.Q(organisation__isnull=False),
                name="budget_account_person_or_organisation",
            ),
            models.UniqueConstraint(
                fields=["dataset", "user", "period_start"],
                condition=models.Q(user__isnull=False),
                name="unique_person_budget_period",
            ),
            models.UniqueConstraint(
                fields=["dataset", "organisation", "period_start"],
                condition=models.Q(organisation__isnull=False),
                name="unique_organisation_budget_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.user or self.organisation} from {self.period_start}"


class LedgerEntry(models.Model):
    """Append-only: one debit of epsilon from an account, for one release."""

    account = models.ForeignKey(BudgetAccount, on_delete=models.PROTECT, related_name="entries")
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="+")
    epsilon = models.FloatField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.account}: -{self.epsilon}"
