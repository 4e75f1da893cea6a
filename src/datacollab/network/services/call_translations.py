"""A call's texts in other languages: its title, summary and description, each question's
label and help, and each eligibility criterion's description (what applicants read).

Conveners only, like the rest of set-up; one language at a time, all of it in one
transaction and one audit entry naming what changed. The rules of what a translation may
hold are core/content_language.py's: a site language other than the call's own, known fields,
within their lengths. A translation may be edited in any state of the call: it changes no
date, rule or question, only how the same call reads in another language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.content_language import (
    apply_translation,
    check_language,
    clean_translation,
)
from datacollab.core.errors import DomainError
from datacollab.network.models import Call, EligibilityCriterion, Question
from datacollab.network.services.setup import require_convener

Texts = Mapping[str, str]


def _strangers_refusal(kind: str, count: int) -> str:
    """One whole sentence per kind of item, singular or plural by how many ids it names."""
    if kind == "question":
        return ngettext(
            "Question %(ids)s does not belong to this call.",
            "Questions %(ids)s do not belong to this call.",
            count,
        )
    return ngettext(
        "Eligibility rule %(ids)s does not belong to this call.",
        "Eligibility rules %(ids)s do not belong to this call.",
        count,
    )


def _check_ids(kind: str, given: Mapping[int, Texts], known: Mapping[int, Any]) -> None:
    strangers = sorted(set(given) - set(known))
    if strangers:
        raise DomainError(
            _strangers_refusal(kind, len(strangers)) % {"ids": ", ".join(map(str, strangers))}
        )


@transaction.atomic
def translate_call(
    *,
    actor: Any,
    call: Call,
    language: str,
    texts: Texts,
    questions: Mapping[int, Texts] | None = None,
    criteria: Mapping[int, Texts] | None = None,
) -> Call:
    """Set the call's `language` version: `texts` for the call's own fields, `questions` and
    `criteria` by primary key. An empty text removes that field's translation."""
    require_convener(actor)
    language = check_language(language)
    call = Call.objects.select_for_update().get(pk=call.pk)
    own_questions = {q.pk: q for q in Question.objects.filter(call=call)}
    own_criteria = {c.pk: c for c in EligibilityCriterion.objects.filter(call=call)}
    questions, criteria = questions or {}, criteria or {}
    _check_ids("question", questions, own_questions)
    _check_ids("criterion", criteria, own_criteria)
    changed: dict[str, list[str]] = {}
    cleaned = clean_translation(call, language=language, values=texts, fields=call.translatable)
    fields = apply_translation(call, language=language, values=cleaned)
    if fields:
        call.save(update_fields=["translations", "translated_from"])
        changed["call"] = fields
    for label, given, known in (
        ("question", questions, own_questions),
        ("criterion", criteria, own_criteria),
    ):
        for pk, values in given.items():
            item = known[pk]
            values = clean_translation(
                item,
                language=language,
                values=values,
                fields=item.translatable,
                original=call.language,
            )
            fields = apply_translation(item, language=language, values=values)
            if fields:
                item.save(update_fields=["translations", "translated_from"])
                changed[f"{label}:{pk}"] = fields
    if changed:
        audit.record(
            action="call.translated",
            actor=actor,
            obj=call,
            details={"language": language, "changed": changed},
        )
    return call
