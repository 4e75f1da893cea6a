from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.datasets.models import DatasetVersion


class LatticePattern(models.Model):
    """A dataset version's suppression pattern, computed once and read by every process.

    Keyed by the version and a hash of the protections it depends on
    (`engine.lattice.protection_key`): changed protections look up another key, and
    `set_protection` deletes the dataset's old patterns.
    """

    version = models.ForeignKey(
        DatasetVersion, on_delete=models.CASCADE, related_name="lattice_patterns"
    )
    protection_key = models.CharField(_("protections hash"), max_length=64)
    pattern = models.JSONField(_("pattern"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "protection_key"], name="privacy_pattern_per_version_settings"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.protection_key[:8]}"
