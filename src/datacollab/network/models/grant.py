from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.network.models.application import Application
from datacollab.network.models.cohort import Cohort
from datacollab.organisations.models import Organisation


class Award(models.Model):
    class Kind(models.TextChoices):
        GRANT = "grant", pgettext_lazy("kind of award", "Grant")
        CONTRACT = "contract", _("Contract paid against invoices (amounts excl. VAT)")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="awards")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="awards")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="award"
    )
    identifier = models.CharField(
        _("identifier"), max_length=120, unique=True, help_text=_("360Giving grant id")
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GRANT)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(max_length=3)
    awarded_on = models.DateField()
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "organisation__name"]
        constraints = [
            # The database, not only the service, makes a double award impossible.
            models.UniqueConstraint(fields=["cohort", "organisation"], name="one_award_per_cohort"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="award_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.amount} {self.currency}"


class Instalment(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="instalments")
    position = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    invoice_reference = models.CharField(
        _("invoice reference"),
        max_length=100,
        blank=True,
        help_text=_("for contracts paid against invoices"),
    )
    paid_on = models.DateField(null=True, blank=True)
    # When set, the instalment is payable only once this report is approved.
    report = models.ForeignKey(
        "network.ProgressReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instalments",
    )

    class Meta:
        ordering = ["award", "position"]
        constraints = [
            models.UniqueConstraint(fields=["award", "position"], name="unique_instalment_position")
        ]

    def __str__(self) -> str:
        return f"{self.award} #{self.position}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None
