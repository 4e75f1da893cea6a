"""Daily usage counters: one row per dataset, day, kind of read and reader, never one per read.

`reader` is the signed-in person's id, or 0 for everyone not signed in: anonymous readers are
counted in one row a day and never identified (no IP address, cookie or fingerprint is kept).
Distinct signed-in readers are the rows with a reader; their organisations and countries are
looked up when a page asks, from memberships and profiles, never from the request.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

ANONYMOUS = 0


class Kind(models.TextChoices):
    VIEW = "view", _("Page views")
    DOWNLOAD = "download", _("Downloads")
    API = "api", _("API calls")
    QUERY = "query", _("Aggregate queries")


class DailyCount(models.Model):
    # By string: the counter module never imports the datasets app, which calls it.
    dataset = models.ForeignKey("datasets.Dataset", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day (UTC)"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A plain number, not a foreign key: counts outlive the account, and the id alone is no
    # reason to keep a person's row.
    reader = models.PositiveBigIntegerField(_("reader"), default=ANONYMOUS)
    count = models.PositiveBigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("daily usage count")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "day", "kind", "reader"], name="impact_one_count_per_reader_day"
            )
        ]
        indexes = [models.Index(fields=["day"], name="impact_count_day")]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.day} {self.kind}: {self.count}"
