from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.network.models.application import Application
from datacollab.network.models.call import SCORE_BOUND, Call, RubricCriterion
from datacollab.organisations.models import Organisation


class ReviewerConflict(models.Model):
    """A declared conflict of interest: the reviewer never sees its applications."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(
        Call,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("empty: for every call"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "organisation", "call"], name="unique_conflict"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ↔ {self.organisation}"


class ReviewAssignment(models.Model):
    class Source(models.TextChoices):
        SOLVER = "solver", _("Optimiser")
        MANUAL = "manual", _("By hand")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SOLVER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="unique_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.application}"


class Review(models.Model):
    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.CASCADE, related_name="review"
    )
    comment = models.TextField(_("overall comment"), blank=True)
    # Chosen by a convener for the applicant's decision mail (never with the reviewer's name).
    share_comment = models.BooleanField(_("share the overall comment"), default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    weighted_score = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("weighted mean of the criterion scores, on the call's scale"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Review of {self.assignment.application_id} by {self.assignment.reviewer_id}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    # The database keeps the outer bound; services/reviews.py checks the call's own scale.
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(SCORE_BOUND)]
    )
    comment = models.TextField(blank=True)
    share_comment = models.BooleanField(_("share this comment"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=SCORE_BOUND), name="score_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"
