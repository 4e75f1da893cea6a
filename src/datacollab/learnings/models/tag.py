from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    """A theme of the programme (built in, made by a data migration) or a custom tag."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_theme = models.BooleanField(
        _("programme theme"), default=False, help_text=_("one of the built-in themes")
    )

    class Meta:
        ordering = ["-is_theme", "name"]
        verbose_name = _("tag")

    def __str__(self) -> str:
        return self.name
