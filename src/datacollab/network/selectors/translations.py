"""Reads about a call's texts in several languages: how far each language is translated
(set-up), and which of the texts a reader sees fell back to another language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from datacollab.core import content_language
from datacollab.core.translation_pages import require_translatable_into
from datacollab.network.models import Call, EligibilityCriterion, Question


@dataclass(frozen=True)
class LanguageRow:
    code: str
    name: str
    translated: int
    total: int

    @property
    def complete(self) -> bool:
        return self.translated == self.total


def _texts(call: Call, items: Iterable[Any]) -> list[tuple[Any, str]]:
    """(object, field) of every text of the call that has an original to translate."""
    pairs = [(call, name) for name in call.translatable if getattr(call, name)]
    for item in items:
        pairs += [(item, name) for name in item.translatable if getattr(item, name)]
    return pairs


def call_parts(call: Call) -> tuple[list[Question], list[EligibilityCriterion]]:
    return list(call.questions.all()), list(call.criteria.all())


def translation_rows(call: Call) -> list[LanguageRow]:
    """One row per site language other than the call's own: how many texts it has."""
    questions, criteria = call_parts(call)
    texts = _texts(call, [*questions, *criteria])
    rows = []
    for code, _name in content_language.site_languages():
        if code == call.language:
            continue
        done = sum(1 for obj, name in texts if (obj.translations or {}).get(code, {}).get(name))
        rows.append(LanguageRow(code, content_language.language_name(code), done, len(texts)))
    return rows


def translation_language(call: Call, code: str) -> str:
    """A language the call may be translated into, or 404 (the address names it)."""
    return require_translatable_into(
        code,
        original=call.language,
        refusal=_("This call cannot be translated into “%(code)s”.") % {"code": code},
    )


def call_fallback_note(
    call: Call,
    questions: Sequence[Question] = (),
    criteria: Sequence[EligibilityCriterion] = (),
) -> str:
    """ "Shown in English: no Spanish version yet." when any text the reader sees is."""
    languages = content_language.fallbacks(
        _texts(call, [*questions, *criteria]), original=call.language
    )
    return content_language.fallback_note(languages)
