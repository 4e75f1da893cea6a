from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.network.models import Cohort, Network
from datacollab.organisations.models import Organisation


class SessionKind(models.TextChoices):
    ROUNDTABLE = "roundtable", _("Roundtable")
    WORKSHOP = "workshop", _("Workshop")
    ONE_TO_ONE = "one_to_one", _("1:1 support")
    NETWORKING = "networking", _("Networking")


class Audience(models.TextChoices):
    COHORT = "cohort", _("A cohort")
    ALUMNI = "alumni", _("The alumni")
    NETWORK = "network", _("The whole network")


class Session(models.Model):
    """A roundtable, workshop, 1:1 or networking event of the programme."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("session status", "Scheduled")
        CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")

    # Stable across edits: calendar clients match updates and cancellations by it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="sessions")
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.COHORT
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="sessions", null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/London",
        help_text=_("the organiser's zone, used in calendar files; viewers see their own"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    contributors = models.ManyToManyField(
        Organisation,
        related_name="contributed_sessions",
        blank=True,
        verbose_name=_("primary contributors"),
    )
    reflective_questions = models.TextField(
        _("reflective questions"), blank=True, help_text=_("Markdown, one question per line")
    )
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # iCalendar SEQUENCE: raised by every change a calendar must notice (time, place, status).
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(audience="cohort") | models.Q(cohort__isnull=False),
                name="session_cohort_audience_has_cohort",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """A person invited to a session, and their answer (RSVP)."""

    class Response(models.TextChoices):
        PENDING = "pending", pgettext_lazy("invitation answer", "No answer yet")
        YES = "yes", pgettext_lazy("invitation answer", "Going")
        MAYBE = "maybe", pgettext_lazy("invitation answer", "Maybe")
        NO = "no", pgettext_lazy("invitation answer", "Not going")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    response = models.CharField(max_length=8, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="unique_invitation")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.session}"


class Attendance(models.Model):
    """Whether a person came, as recorded by the convener; the organisation is kept as it was."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )
    attended = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.session}: {self.attended}"


class CalendarFeed(models.Model):
    """A person's private iCalendar feed; the token is the secret in its URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar of {self.user}"
