"""Teams, their one submission each, and its files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.challenges.models.challenge import Challenge
from datacollab.network.uploads import private_key


def submission_upload_to(instance: object, filename: str) -> str:
    """FileField.upload_to for submission files (referenced by migrations: keep the name)."""
    return private_key(filename).replace("private/applications", "private/challenges", 1)


class Team(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team name"), max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="challenge_teams", verbose_name=_("members")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="challenge_unique_team_name")
        ]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="submission")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=3000)
    link = models.URLField(_("link"), max_length=500, blank=True)
    datasets = models.ManyToManyField(
        "datasets.Dataset", related_name="challenge_submissions", verbose_name=_("datasets used")
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class SubmissionFile(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=submission_upload_to, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
