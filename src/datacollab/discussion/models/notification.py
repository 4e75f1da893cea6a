from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.discussion.models.channel import Channel, Post


class EmailPreference(models.Model):
    """How a person hears of new posts. Absent row = the default (daily digest)."""

    class Mode(models.TextChoices):
        EACH_POST = "each", _("An email for each post")
        DAILY = "daily", _("A daily digest")
        OFF = "off", _("No email (mentions still notify)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    mode = models.CharField(max_length=5, choices=Mode.choices, default=Mode.DAILY)
    # Secret in one-click unsubscribe links (RFC 8058); rotating it voids old links.
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    muted_channels = models.ManyToManyField(Channel, related_name="+", blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.mode}"


class Notification(models.Model):
    """Something a person should hear about; emailed alone or gathered into a digest."""

    class Reason(models.TextChoices):
        NEW_POST = "post", _("New post")
        MENTION = "mention", _("Mention")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=8, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="one_notification_per_post")
        ]
        indexes = [models.Index(fields=["emailed_at", "user"], name="notification_pending")]

    def __str__(self) -> str:
        return f"{self.reason} for {self.user}"
