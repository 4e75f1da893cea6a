from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.collaborations.models import DataCollaboration
from datacollab.core.content_language import default_language
from datacollab.core.private_files import private_key
from datacollab.events.models import Session
from datacollab.learnings.models.tag import Tag
from datacollab.network.models import Cohort
from datacollab.organisations.models import Organisation


def resource_upload_to(instance: object, filename: str) -> str:
    """FileField.upload_to for resource files (referenced by migrations: keep the name)."""
    # Cohort-only material must not sit at a guessable `resources/<year>/<name>`.
    return private_key("learnings", filename)


class Visibility(models.TextChoices):
    COHORT = "cohort", _("The cohort only")
    PUBLIC = "public", _("Public")


class Learning(models.Model):
    """A short insight from a session or a collaboration, credited to organisations."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("learning status", "Draft")
        PUBLISHED = "published", pgettext_lazy("learning status", "Published")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("insight"), help_text=_("Markdown"))
    # The cohort whose members may read a cohort-only learning.
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="learnings")
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="learnings"
    )
    collaboration = models.ForeignKey(
        DataCollaboration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learnings",
    )
    tags = models.ManyToManyField(Tag, related_name="learnings", blank=True)
    contributors = models.ManyToManyField(
        Organisation, related_name="learnings", blank=True, verbose_name=_("credited to")
    )
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.COHORT
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learnings"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Title and body as written in `language`; {language: {field: text}} for the others
    # (core/content_language.py).
    language = models.CharField(_("written in"), max_length=15, default=default_language)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    # {language: {field: hash of the original when that translation was written}}: a
    # translation whose original changed since is shown as possibly outdated.
    translated_from = models.JSONField(
        _("originals translated"), default=dict, blank=True, editable=False
    )

    translatable = ("title", "body")

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("learning")

    def __str__(self) -> str:
        return self.title


class Resource(models.Model):
    """An entry of the resource library, or material of a session (slides, recording, post)."""

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("Guidance")
        LITERATURE = "literature", _("Literature")
        TOOL = "tool", _("Tool")
        TEMPLATE = "template", _("Template")
        BLOG_POST = "blog_post", _("Blog post")
        VIDEO = "video", _("Video")
        PODCAST = "podcast", _("Podcast")
        FILE = "file", _("File")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    url = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(_("file"), upload_to=resource_upload_to, max_length=300, blank=True)
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="resources"
    )
    # Set for cohort-only material; empty means anyone may see it.
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="resources"
    )
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    tags = models.ManyToManyField(Tag, related_name="resources", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("resource")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(visibility="cohort") | models.Q(cohort__isnull=False),
                name="cohort_resource_has_cohort",
            ),
            models.CheckConstraint(
                condition=~(models.Q(url="") & models.Q(file="")),
                name="resource_has_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title
