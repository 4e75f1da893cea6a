from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.network.models.call import Call


class ReviewReminder(models.Model):
    """One reminder mail sent to a reviewer about a call: the record that keeps reminders
    from repeating within `REVIEW_REMINDER_INTERVAL_HOURS`."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="review_reminders")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_reminders"
    )
    sent_at = models.DateTimeField(_("sent at"))
    unfinished = models.PositiveIntegerField(_("unfinished reviews"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["call", "reviewer", "sent_at"])]

    def __str__(self) -> str:
        return f"Reminder to {self.reviewer_id} about {self.call_id} at {self.sent_at:%Y-%m-%d}"
