from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.network.models import Cohort, Network


class Channel(models.Model):
    """A discussion space: one per cohort, one for the alumni, one for the whole network."""

    class Scope(models.TextChoices):
        COHORT = "cohort", _("Cohort")
        ALUMNI = "alumni", _("Alumni")
        NETWORK = "network", _("Whole network")

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="channels")
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="channels", null=True, blank=True
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("channel")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(scope="cohort") & models.Q(cohort__isnull=False))
                | (~models.Q(scope="cohort") & models.Q(cohort__isnull=True)),
                name="channel_cohort_iff_cohort_scope",
            ),
            # One channel per cohort, one alumni and one network channel per network: this is
            # what keeps `ensure_channels` idempotent when two callers race.
            models.UniqueConstraint(
                fields=["cohort"],
                condition=models.Q(scope="cohort"),
                name="one_channel_per_cohort",
            ),
            models.UniqueConstraint(
                fields=["network", "scope"],
                condition=models.Q(scope__in=["alumni", "network"]),
                name="one_alumni_and_network_channel_per_network",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_post_at", "-pk"]
        verbose_name = _("thread")

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """A message in a thread. The first post of a thread opens it; the others are replies."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(_("message"), help_text=_("Markdown; @name mentions a person"))
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # A deleted post keeps its row (replies and reactions point at it) but not its text: the
    # text moves to a PostRevision, which only conveners see.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="mentioned_in", blank=True
    )
    # The Message-ID of the email this post came from: a mail delivered twice posts once.
    source_message_id = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        constraints = [
            models.UniqueConstraint(
                fields=["source_message_id"],
                condition=~models.Q(source_message_id=""),
                name="one_post_per_inbound_message",
            )
        ]

    def __str__(self) -> str:
        return f"post {self.pk} in {self.thread}"
