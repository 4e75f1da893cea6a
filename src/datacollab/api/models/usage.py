from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuotaCounter(models.Model):
    """One account's use of one scope in one month, and in the current minute.

    Written only by one conditional UPDATE per request (api/throttle.py), so two processes
    can never both take the last request of a quota. `account` is `user:<id>`, `org:<id>` or
    `anon:<keyed hash of the address>`; `scope` is `dataset:<id>`, `collaboration:<id>` or
    `site`.
    """

    account = models.CharField(max_length=80)
    scope = models.CharField(max_length=40)
    month = models.DateField(help_text=_("the first day of the month (UTC)"))
    used = models.PositiveIntegerField(default=0)
    minute = models.BigIntegerField(default=0, help_text=_("minutes since the epoch"))
    minute_used = models.PositiveIntegerField(default=0)
    warned = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "scope", "month"], name="quota_counter_key")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.scope} {self.month:%Y-%m}: {self.used}"


class UsageDay(models.Model):
    """Metering: calls per day, key, account, dataset and endpoint; one upsert per request."""

    day = models.DateField()
    dataset_id = models.BigIntegerField(default=0, help_text=_("0: no dataset"))
    collaboration_id = models.BigIntegerField(default=0, help_text=_("0: none"))
    key_id = models.BigIntegerField(default=0, help_text=_("0: no key (session or anonymous)"))
    account = models.CharField(max_length=80)
    tier = models.CharField(max_length=12)
    endpoint = models.CharField(max_length=100)
    calls = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dataset_id", "key_id", "account", "endpoint"],
                name="usage_day_key",
            )
        ]
        indexes = [
            models.Index(fields=["dataset_id", "day"]),
            models.Index(fields=["collaboration_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.endpoint} {self.account}: {self.calls}"
