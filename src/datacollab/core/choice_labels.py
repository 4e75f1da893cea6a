"""`get_<field>_display()` without rebuilding the choices for every call.

Django's `Model._get_FIELD_display` builds a dict of the field's choices on every call,
hashing each lazy label, which translates it: a list page that shows an organisation's kind
per row translated every kind of the list per row (issue 15's load bench: about a tenth of
the convener's applications page). The labels of a field in one language never change while
the process runs, so they are kept per (field, language); the result is the same string.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@lru_cache(maxsize=512)
def labels(field: models.Field[Any, Any], language: str | None) -> dict[Any, Any]:
    """The field's choices as {value: label}, labels translated into `language` (active)."""
    return {
        make_hashable(value): force_str(label, strings_only=True)
        for value, label in field.flatchoices
    }


class KeptChoiceLabels:
    """Mixin for a model whose choice labels are shown on list pages."""

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:
        value = getattr(self, field.attname)
        return force_str(
            labels(field, get_language()).get(make_hashable(value), value), strings_only=True
        )


@receiver(setting_changed)
def _forget_labels(*, setting: str, **kwargs: Any) -> None:
    # As Django forgets its catalogues when a test changes the languages or locale paths.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        labels.cache_clear()
