"""Public sessions (the informational webinar before a call) and registrations by people
who may have no account. Kept beside `Session` rather than on it: the session's own audience
rule is unchanged, and a public listing only adds a public page and a registration form."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.events.models.session import Session


class PublicListing(models.Model):
    """A session shown on the public timetable, with its registration limit."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="public_listing")
    is_public = models.BooleanField(_("public"), default=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("empty: no limit")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.session} (public: {self.is_public})"


class Registration(models.Model):
    """One person registered for a public session. The email is personal data: it is shown
    to conveners only, never on a public page."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("registration status", "Email not confirmed yet")
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=150)
    # Stored lower-cased, so one address registers once per session.
    email = models.EmailField(_("email"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # Secret in the confirm and cancel links mailed to the person.
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "email"], name="one_registration_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.session}"
