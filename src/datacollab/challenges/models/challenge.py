"""A challenge around datasets: its dates, rules, prizes and judging rubric."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.network.models.call import SCORE_BOUND


class Challenge(models.Model):
    class Status(models.TextChoices):
        # The moves between these live in challenges/services/lifecycle.py, and only there.
        DRAFT = "draft", pgettext_lazy("challenge status", "Draft")
        OPEN = "open", pgettext_lazy("challenge status", "Open for submissions")
        JUDGING = "judging", pgettext_lazy("challenge status", "Judging")
        RESULTS = "results", pgettext_lazy("challenge status", "Results published")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    rules = models.TextField(_("rules"), blank=True, help_text=_("Markdown"))
    prizes = models.TextField(_("prizes"), blank=True, help_text=_("Markdown"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens at"))
    deadline = models.DateTimeField(_("submission deadline"))
    results_at = models.DateTimeField(_("results date"))
    datasets = models.ManyToManyField(
        "datasets.Dataset", related_name="challenges", verbose_name=_("datasets")
    )
    # The same scale rules as a call's rubric (network/services/score_scale.check_scale).
    score_min = models.PositiveSmallIntegerField(
        _("lowest score"), default=1, validators=[MaxValueValidator(SCORE_BOUND)]
    )
    score_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MaxValueValidator(SCORE_BOUND)]
    )
    judges_per_submission = models.PositiveSmallIntegerField(
        _("judges per submission"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opens_at"))
                & models.Q(results_at__gte=models.F("deadline")),
                name="challenge_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT


class ChallengeCriterion(models.Model):
    """One line of the judging rubric; weighted like a call's RubricCriterion."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("criterion"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name
