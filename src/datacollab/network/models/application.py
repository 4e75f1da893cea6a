from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.collaborations.models import DataCollaboration
from datacollab.core.choice_labels import KeptChoiceLabels
from datacollab.core.content_language import default_language
from datacollab.network.models.call import Call, Question
from datacollab.network.uploads import application_upload_to
from datacollab.organisations.models import Organisation


class Application(KeptChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("application status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
        WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")

    class Decision(models.TextChoices):
        PENDING = "pending", pgettext_lazy("application decision", "Pending")
        SELECTED = "selected", pgettext_lazy("application decision", "Selected")
        NOT_SELECTED = "not_selected", pgettext_lazy("application decision", "Not selected")

    class Source(models.TextChoices):
        OPEN_CALL = "open_call", _("Open call")
        DIRECT = "direct", _("Direct approach")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    collaboration = models.ForeignKey(
        DataCollaboration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("the data collaboration this application is for"),
    )
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), help_text=_("Markdown"), blank=True)
    requested_amount = models.DecimalField(
        _("amount requested"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    eligible = models.BooleanField(null=True, blank=True)
    eligibility_reasons = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=15, choices=Decision.choices, default=Decision.PENDING)
    source = models.CharField(
        _("way in"), max_length=10, choices=Source.choices, default=Source.OPEN_CALL
    )
    # The language the applicant answers in: any of the network's (settings.LANGUAGES).
    language = models.CharField(_("answered in"), max_length=15, default=default_language)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"], name="one_application_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.title}"


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    # Private: an unguessable key under MEDIA_ROOT/private/, served only by a checked view.
    file = models.FileField(upload_to=application_upload_to, max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="one_answer_each")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value!r}"
