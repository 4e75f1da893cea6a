"""The network's own texts (its name and the home page's introduction) and each cohort's
focus and description, in the site's other languages.

Conveners only, like the rest of set-up; one language of one thing at a time, in one
transaction and one audit entry naming the fields that changed. What a translation may hold
is core/content_language.py's rule, the same as for calls: a site language other than the
original's, known fields, within their lengths; an empty text removes that translation.
The network and a cohort differ only in their fields (each model's `translatable`) and in
the audit entry's name, so one service serves both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from django.db import transaction

from datacollab.core import audit
from datacollab.core.content_language import (
    apply_translation,
    check_language,
    clean_translation,
)
from datacollab.network.models import Cohort, Network
from datacollab.network.services.setup import require_convener

Texts = Mapping[str, str]
Thing = TypeVar("Thing", bound=Network | Cohort)


@transaction.atomic
def translate_texts(*, actor: Any, thing: Thing, language: str, texts: Texts) -> Thing:
    """Set the `language` version of the network's or a cohort's translatable texts."""
    require_convener(actor)
    language = check_language(language)
    thing = cast(Thing, type(thing).objects.select_for_update().get(pk=thing.pk))
    values = clean_translation(thing, language=language, values=texts, fields=thing.translatable)
    changed = apply_translation(thing, language=language, values=values)
    if changed:
        thing.save(update_fields=["translations", "translated_from"])
        # There is one network; a cohort is named by its slug.
        named: dict[str, str] = {"slug": thing.slug} if isinstance(thing, Cohort) else {}
        audit.record(
            action=f"{thing._meta.model_name}.translated",
            actor=actor,
            obj=thing,
            details={**named, "language": language, "changed": changed},
        )
    return thing
