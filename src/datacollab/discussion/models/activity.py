"""What happens around a post: its earlier versions, reactions, attachments, and who read what."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.discussion.models.channel import Post, Thread
from datacollab.network.uploads import safe_name


def attachment_upload_to(instance: object, filename: str) -> str:
    """FileField.upload_to for post attachments (referenced by migrations: keep the name)."""
    # Under private/, which no URL serves: only the view that checks channel membership reads it.
    return f"private/discussion/{secrets.token_urlsafe(32)}/{safe_name(filename)}"


class PostRevision(models.Model):
    """The text a post had before an edit or a deletion; only conveners see these."""

    class Change(models.TextChoices):
        EDITED = "edited", _("Edited")
        DELETED = "deleted", _("Deleted")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    change = models.CharField(max_length=8, choices=Change.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post revision")

    def __str__(self) -> str:
        return f"{self.change} post {self.post_id}"


class Reaction(models.Model):
    """One person's reaction to a post; a small fixed set, so they can be counted and read aloud."""

    class Kind(models.TextChoices):
        THANKS = "thanks", _("Thanks")
        AGREE = "agree", _("Agree")
        INSIGHTFUL = "insight", _("Insightful")
        QUESTION = "question", _("Question")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="one_reaction_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on post {self.post_id}"


class ThreadRead(models.Model):
    """How far a person has read a thread: the newest post they have seen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    last_read_post_id = models.PositiveBigIntegerField(default=0)
    read_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="one_read_mark_per_thread")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.thread_id} to {self.last_read_post_id}"


class PostAttachment(models.Model):
    """A file on a post: checked like a resource file, served only to the channel's readers."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")

    def __str__(self) -> str:
        return self.name
