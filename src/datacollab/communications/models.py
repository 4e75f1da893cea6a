"""A convener's message to groups of people, and each person's choice about announcements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.network.models import OutgoingMail


class Message(models.Model):
    """Composed once, rendered per recipient when sent; the rendered mails go through the
    network's reviewed outbox (`OutgoingMail`), the same send path as decision mails."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("message status", "Draft")
        SENT = "sent", pgettext_lazy("message status", "Sent")
        DISCARDED = "discarded", pgettext_lazy("message status", "Discarded")

    class Category(models.TextChoices):
        # The law (PECR / ePrivacy, CAN-SPAM) lets people refuse announcements; mails about
        # their own application or grant are transactional and always sent.
        ANNOUNCEMENT = "announcement", _("Announcement (honours unsubscribe)")
        SERVICE = "service", _("Service message about their own application or grant")

    groups = models.JSONField(_("groups"), default=list)
    category = models.CharField(
        _("kind of message"),
        max_length=12,
        choices=Category.choices,
        default=Category.ANNOUNCEMENT,
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # Counted when sent: the groups are computed then, so later changes do not rewrite history.
    recipient_count = models.PositiveIntegerField(default=0)
    unsubscribed_count = models.PositiveIntegerField(default=0)
    mails = models.ManyToManyField(OutgoingMail, related_name="group_messages", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")

    def __str__(self) -> str:
        return self.subject


class MailPreference(models.Model):
    """Whether a person receives announcements. Absent row = they do (the default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="announcement_preference"
    )
    announcements = models.BooleanField(default=True)
    # Secret in one-click unsubscribe links (RFC 8058).
    token = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: announcements {'on' if self.announcements else 'off'}"
