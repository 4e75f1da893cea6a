"""The network's own texts (its name and the home page's introduction) and each cohort's
focus and description, in the site's other languages.

Conveners only, like the rest of set-up; one language of one thing at a time, in one
transaction and one audit entry naming the fields that changed. What a translation may hold
is core/content_language.py's rule, the same as for calls: a site language other than the
original's, known fields, within their lengths; an empty text removes that translation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


@transaction.atomic
def translate_network(*, actor: Any, network: Network, language: str, texts: Texts) -> Network:
    """Set the network's `language` version of its name and description."""
    require_convener(actor)
    language = check_language(language)
    network = Network.objects.select_for_update().get(pk=network.pk)
    values = clean_translation(
        network, language=language, values=texts, fields=network.translatable
    )
    changed = apply_translation(network, language=language, values=values)
    if changed:
        network.save(update_fields=["translations", "translated_from"])
        audit.record(
            action="network.translated",
            actor=actor,
            obj=network,
            details={"language": language, "changed": changed},
        )
    return network


@transaction.atomic
def translate_cohort(*, actor: Any, cohort: Cohort, language: str, texts: Texts) -> Cohort:
    """Set the cohort's `language` version of its focus and description."""
    require_convener(actor)
    language = check_language(language)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    values = clean_translation(cohort, language=language, values=texts, fields=cohort.translatable)
    changed = apply_translation(cohort, language=language, values=values)
    if changed:
        cohort.save(update_fields=["translations", "translated_from"])
        audit.record(
            action="cohort.translated",
            actor=actor,
            obj=cohort,
            details={"slug": cohort.slug, "language": language, "changed": changed},
        )
    return cohort
