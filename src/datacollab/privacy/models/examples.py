from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.datasets.models import Dataset


class ExampleQuery(models.Model):
    """A named query the owner saves for a dataset: people with aggregate access start here.

    The query is stored as the engine's canonical JSON and was checked against the dataset's
    protections when saved, so every example can be answered.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    query = models.JSONField(_("query"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "title"], name="example_query_title_once")
        ]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.title}"
