"""A learning's title and body in the network's other languages.

Its author and conveners write them (the same people who edit it); the rules of what a
translation holds are core/content_language.py's. Translating a published learning changes
what its readers see, so it is audited like the publication itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.content_language import (
    apply_translation,
    check_language,
    clean_translation,
)
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.learnings import rules
from datacollab.learnings.models import Learning
from datacollab.learnings.services.learnings import MAX_BODY
from datacollab.search import index


@transaction.atomic
def translate_learning(
    *, actor: Any, learning: Learning, language: str, texts: Mapping[str, str]
) -> Learning:
    """Set the learning's `language` version ({"title": ..., "body": ...}); empty texts
    remove it."""
    learning = Learning.objects.select_for_update().select_related("cohort").get(pk=learning.pk)
    if not rules.may_edit_learning(actor, learning):
        raise NotAllowed(_("Only its author and conveners can translate this learning."))
    language = check_language(language)
    values = clean_translation(
        learning, language=language, values=texts, fields=learning.translatable
    )
    if len(values.get("body", "")) > MAX_BODY:
        raise DomainError(
            _("Keep it under %(n)d characters (it has %(len)d).")
            % {"n": MAX_BODY, "len": len(values["body"])},
            field="body",
        )
    if values and not values.get("title"):
        raise DomainError(_("Give the translation a title too."), field="title")
    changed = apply_translation(learning, language=language, values=values)
    if changed:
        learning.save(update_fields=["translations", "translated_from", "updated_at"])
        audit.record(
            action="learning.translated",
            actor=actor,
            obj=learning,
            details={"slug": learning.slug, "language": language, "changed": changed},
        )
        pk = learning.pk
        transaction.on_commit(lambda: index.refresh("learning", pk))
    return learning
