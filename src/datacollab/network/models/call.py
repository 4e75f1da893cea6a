from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.core.content_language import default_language
from datacollab.network.models.cohort import Cohort
from datacollab.organisations.models import Organisation

# The outer bound of every call's score scale; ReviewScore's database check uses it too.
SCORE_BOUND = 10


class Call(models.Model):
    class Status(models.TextChoices):
        # The moves between these live in network/services/call_lifecycle.py, and only there.
        DRAFT = "draft", pgettext_lazy("call status", "Draft")
        OPEN = "open", pgettext_lazy("call status", "Open")
        CLOSED = "closed", pgettext_lazy("call status", "Closed")
        REVIEWING = "reviewing", pgettext_lazy("call status", "Reviewing and selecting")
        DECIDED = "decided", pgettext_lazy("call status", "Decided")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="calls")
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens at"))
    deadline = models.DateTimeField(_("deadline"))
    timezone = models.CharField(
        _("time zone of the deadline"), max_length=64, default="Europe/London"
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    review_deadline = models.DateTimeField(
        _("review deadline"),
        null=True,
        blank=True,
        help_text=_("when reviewers should have submitted; empty: no deadline"),
    )
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("reviewers do not see the applicant's organisation, people or file names"),
    )
    # The rubric's score scale (services/score_scale.py): fixed once the first score exists,
    # so every review of the call is on the same scale. The end labels are wording only.
    score_min = models.PositiveSmallIntegerField(
        _("lowest score"), default=1, validators=[MaxValueValidator(SCORE_BOUND)]
    )
    score_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MaxValueValidator(SCORE_BOUND)]
    )
    score_min_label = models.CharField(_("label of the lowest score"), max_length=40, blank=True)
    score_max_label = models.CharField(_("label of the highest score"), max_length=40, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing early"), max_length=500, blank=True, default=""
    )
    # Set: the call has two stages, a short expression of interest until this moment, then
    # full proposals from the organisations the convener invites (services/stages.py).
    eoi_deadline = models.DateTimeField(
        _("expressions of interest close at"), null=True, blank=True
    )
    # Content in several languages (core/content_language.py): the fields above hold the
    # text as written in `language`; `translations` holds {language: {field: text}}, and the
    # call's questions and criteria are translated the same way, from the same language.
    language = models.CharField(_("written in"), max_length=15, default=default_language)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    # {language: {field: hash of the original when that translation was written}}: a
    # translation whose original changed since is shown as possibly outdated.
    translated_from = models.JSONField(
        _("originals translated"), default=dict, blank=True, editable=False
    )

    translatable = ("title", "summary", "description")

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("open call")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opens_at")),
                name="call_deadline_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(score_min__lt=models.F("score_max"), score_max__lte=SCORE_BOUND),
                name="call_score_scale_in_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Anyone may see the call's page once it has been opened, for good."""
        return self.status != self.Status.DRAFT

    @property
    def score_choices(self) -> range:
        """Every score a reviewer may give on this call's scale."""
        return range(self.score_min, self.score_max + 1)

    @property
    def is_open(self) -> bool:
        """Taking applications from everyone now (extensions aside): the same rule as
        call_lifecycle.require_accepting, which past-deadline `open` calls also fail."""
        now = timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.deadline


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    NUMBER = "number", _("Number")
    URL = "url", _("URL")
    FILE = "file", _("File upload")


class QuestionStage(models.TextChoices):
    EOI = "eoi", _("Expression of interest")
    FULL = "full", _("Full proposal")


class Question(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help"), max_length=500, blank=True)
    required = models.BooleanField(default=True)
    choices = models.JSONField(
        default=list, blank=True, help_text=_("options for single and multiple choice")
    )
    max_length = models.PositiveIntegerField(null=True, blank=True)
    max_words = models.PositiveIntegerField(_("word limit"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=4, choices=QuestionStage.choices, default=QuestionStage.FULL
    )
    min_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_file_bytes = models.PositiveIntegerField(default=5 * 1024 * 1024)
    allowed_extensions = models.JSONField(
        default=list, blank=True, help_text=_('e.g. ["pdf", "docx"]; empty means pdf only')
    )
    # {language: {"label": ..., "help_text": ...}}, from the call's language.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    # {language: {field: hash of the original when that translation was written}}: a
    # translation whose original changed since is shown as possibly outdated.
    translated_from = models.JSONField(
        _("originals translated"), default=dict, blank=True, editable=False
    )

    translatable = ("label", "help_text")

    class Meta:
        ordering = ["call", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def language(self) -> str:
        """Written in its call's language (no query when read through the call)."""
        return self.call.language


class CriterionKind(models.TextChoices):
    ORG_KIND_IN = "org_kind_in", _("Organisation kind is one of")
    COUNTRY_IN = "country_in", _("Country is one of")
    GLOBAL_SOUTH = "global_south", _("Organisation is in the Global South")
    ANSWER_EQUALS = "answer_equals", _("Answer to a question equals")
    ANSWER_AT_LEAST = "answer_at_least", _("Numeric answer is at least")
    AMOUNT_AT_MOST = "amount_at_most", _("Requested amount is at most")


class EligibilityCriterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=20, choices=CriterionKind.choices)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, null=True, blank=True)
    value = models.JSONField(default=list, blank=True)
    description = models.CharField(
        _("description shown to applicants"),
        max_length=300,
    )
    # {language: {"description": ...}}, from the call's language.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    # {language: {field: hash of the original when that translation was written}}: a
    # translation whose original changed since is shown as possibly outdated.
    translated_from = models.JSONField(
        _("originals translated"), default=dict, blank=True, editable=False
    )

    translatable = ("description",)

    class Meta:
        ordering = ["call", "id"]
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")

    def __str__(self) -> str:
        return self.description

    @property
    def language(self) -> str:
        return self.call.language


class Extension(models.Model):
    """A named late extension: this organisation may still edit and submit until `until`."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="extensions")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    until = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="unique_extension")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} until {self.until:%Y-%m-%d %H:%M}"


class RubricCriterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rubric")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("criterion"), max_length=120)
    description = models.CharField(_("what a reviewer looks for"), max_length=500, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        ordering = ["call", "position", "id"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")

    def __str__(self) -> str:
        return self.name
