from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.datasets.models.dataset import Dataset
from datacollab.organisations.models import Organisation


class GrantQuerySet(models.QuerySet["AccessGrant"]):
    def active(self, today: dt.date | None = None) -> GrantQuerySet:
        """Grants that still count: no end date, or one not yet passed (site time zone)."""
        today = today or timezone.localdate()
        return self.filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today))


class AccessGrant(models.Model):
    """For `named` and `group` datasets: a person or an organisation the owner granted access to.

    A grant with `ends_on` counts up to and including that day (in the site's time zone), then
    is as if absent on every channel; it stays on the owner's page, marked as ended.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dataset_grants",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ends_on = models.DateField(
        _("access ends on"),
        null=True,
        blank=True,
        help_text=_("the last day of access; empty: until removed"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) ^ models.Q(organisation__isnull=False),
                name="grant_to_person_or_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} → {self.user or self.organisation}"

    @property
    def has_ended(self) -> bool:
        return self.ends_on is not None and self.ends_on < timezone.localdate()


class AccessRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("access request status", "Pending")
        APPROVED = "approved", pgettext_lazy("access request status", "Approved")
        DECLINED = "declined", pgettext_lazy("access request status", "Declined")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="access_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("request on behalf of this organisation"),
    )
    purpose = models.TextField(_("purpose"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.requester} → {self.dataset} ({self.status})"
