"""What a grantee owes in return for an award: a signed agreement and progress reports."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.network.models.cohort import Cohort
from datacollab.network.models.grant import Award
from datacollab.network.uploads import safe_name
from datacollab.organisations.models import Organisation


def report_upload_to(instance: object, filename: str) -> str:
    """FileField.upload_to for report files (referenced by migrations: keep the name)."""
    # Under private/, which no URL serves: only the checked download view reads it.
    return f"private/grant-reports/{secrets.token_urlsafe(32)}/{safe_name(filename)}"


class AgreementTemplate(models.Model):
    """A cohort's grant agreement text with placeholders; the default applies until a convener
    saves one. Editing it changes only agreements not yet signed."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="agreement_template"
    )
    text = models.TextField(_("agreement text"), help_text=_("Markdown with placeholders"))
    output = models.CharField(
        _("output the grantees contribute to"),
        max_length=300,
        help_text=_("e.g. an ODI and Microsoft report on the cohort's learnings"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Agreement template of {self.cohort}"


class GrantAgreement(models.Model):
    """A signed grant agreement: the exact text signed, frozen, with its SHA-256."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="agreement")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    text_hash = models.CharField(max_length=64, help_text=_("SHA-256 of the text"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Agreement for {self.award}"


class ProgressReport(models.Model):
    """A deliverable or progress report an award owes by a date, and what the grantee sent."""

    class State(models.TextChoices):
        DUE = "due", pgettext_lazy("progress report status", "Due")
        SUBMITTED = "submitted", pgettext_lazy("progress report status", "Submitted")
        CHANGES_REQUESTED = (
            "changes_requested",
            pgettext_lazy("progress report status", "Changes requested"),
        )
        APPROVED = "approved", pgettext_lazy("progress report status", "Approved")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(_("title"), max_length=200)
    expected = models.TextField(_("what is expected"), blank=True)
    due_on = models.DateField(_("due on"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.DUE)
    body = models.TextField(_("report"), blank=True, help_text=_("Markdown"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    convener_note = models.TextField(_("note to the grantee"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["award", "due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.award})"


class ReportFile(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=report_upload_to, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ReportReminder(models.Model):
    """A reminder mailed about a report; the unique constraint makes each one go once."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the due date")
        LATE = "late", _("After the due date")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="one_report_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.report_id}"
