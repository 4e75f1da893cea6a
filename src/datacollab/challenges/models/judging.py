"""Judges, their conflicts, assignments and scores."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.challenges.models.challenge import Challenge, ChallengeCriterion
from datacollab.challenges.models.teams import Submission, Team
from datacollab.network.models.call import SCORE_BOUND


class Judge(models.Model):
    """Someone the convener invited to judge this challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_judging"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="challenge_unique_judge")
        ]

    def __str__(self) -> str:
        return str(self.user)


class JudgeConflict(models.Model):
    """A conflict a judge declared with a team: they never judge its submission."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="conflicts")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_conflicts"
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "judge"], name="challenge_unique_conflict")
        ]

    def __str__(self) -> str:
        return f"{self.judge} ↔ {self.team}"


class JudgeAssignment(models.Model):
    class Source(models.TextChoices):
        SOLVER = "solver", _("Optimiser")
        MANUAL = "manual", _("By hand")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_assignments"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SOLVER)
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    weighted_score = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "judge"], name="challenge_unique_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.judge} judges {self.submission}"


class JudgeScore(models.Model):
    assignment = models.ForeignKey(JudgeAssignment, on_delete=models.CASCADE, related_name="scores")
    # Criteria only change while a draft, before any score; a deleted challenge takes all.
    criterion = models.ForeignKey(ChallengeCriterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(SCORE_BOUND)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="challenge_one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"
