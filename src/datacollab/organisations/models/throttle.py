from __future__ import annotations

from django.db import models


class ThrottleEvent(models.Model):
    """One counted attempt (a failed login, a mail asked for), kept in the database so the
    limits hold across processes. `key` is a SHA-256 of the address or account, not the
    value itself."""

    scope = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="throttle_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.created_at:%Y-%m-%d %H:%M}"
