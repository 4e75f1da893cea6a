from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.network.models.application import Application
from datacollab.network.models.call import Call


class SelectionProposal(models.Model):
    """One run of the selection optimiser: its parameters, its answer and its explanation."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("selection proposal status", "Proposed")
        CONFIRMED = "confirmed", pgettext_lazy("selection proposal status", "Confirmed")
        SUPERSEDED = "superseded", pgettext_lazy("selection proposal status", "Superseded")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="proposals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    parameters = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Proposal {self.pk} for {self.call}"


class EmailTemplate(models.Model):
    """Editable decision mails. Bodies are Django templates with a small, fixed context."""

    class Kind(models.TextChoices):
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="email_templates")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="one_template_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.call}: {self.get_kind_display()}"


class OutgoingMail(models.Model):
    """A mail rendered for review: conveners read it before it is sent.

    Decision mails belong to an application; messages to a group (communications app) have
    none and carry their own headers (one-click unsubscribe). Both leave by `deliver_mail`."""

    # The decision kinds, and a convener's message to a group.
    KIND_CHOICES = [*EmailTemplate.Kind.choices, ("message", _("Message to a group"))]

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("decision mail status", "Awaiting review")
        SENT = "sent", pgettext_lazy("decision mail status", "Sent")
        CANCELLED = "cancelled", pgettext_lazy("decision mail status", "Cancelled")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="outgoing_mails",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=15, choices=KIND_CHOICES)
    to = models.JSONField(default=list)
    # Extra mail headers, e.g. List-Unsubscribe (RFC 8058) on announcements.
    headers = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.subject
