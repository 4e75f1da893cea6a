from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.collaborations.models import Agreement, DataCollaboration
from datacollab.organisations.models import Organisation


class Spectrum(models.TextChoices):
    """The ODI Data Spectrum, from most closed to most open."""

    CLOSED = "closed", _("Closed: the owner only")
    NAMED = "named", _("Named: people or organisations the owner grants")
    GROUP = "group", _("Group: members of the collaboration")
    PUBLIC = "public", _("Public: anyone who registers or accepts the agreement")
    OPEN = "open", _("Open: anyone, under an open licence")


class Dataset(models.Model):
    """Catalog entry. Its data lives in immutable versions; `owner` always has full access."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    licence = models.CharField(
        _("licence"), max_length=40, blank=True, help_text=_("SPDX identifier, e.g. CC-BY-4.0")
    )
    spectrum = models.CharField(
        _("Data Spectrum level"), max_length=10, choices=Spectrum.choices, default=Spectrum.CLOSED
    )
    listed = models.BooleanField(
        _("listed"),
        default=False,
        help_text=_(
            "for named and group data: show the title and description to registered people so "
            "they can request access (the data stays protected)"
        ),
    )
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="datasets")
    collaboration = models.ForeignKey(
        DataCollaboration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
        help_text=_("users must accept its current version before access"),
    )
    temporal_start = models.DateField(_("covers from"), null=True, blank=True)
    temporal_end = models.DateField(_("covers until"), null=True, blank=True)
    spatial = models.CharField(_("spatial coverage"), max_length=200, blank=True)
    update_frequency = models.CharField(
        _("update frequency"), max_length=40, blank=True, help_text=_("e.g. daily, monthly")
    )
    contact_email = models.EmailField(_("contact"), blank=True)
    max_rows = models.PositiveBigIntegerField(
        _("row limit"),
        null=True,
        blank=True,
        help_text=_("most rows a version may have; empty: the site's default"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["spectrum"])]

    def __str__(self) -> str:
        return self.title
