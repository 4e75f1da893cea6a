"""People's texts over the API in the language asked for (issue 14).

`?lang=es` (or, without it, the `Accept-Language` header, read by Django's locale middleware)
picks the language; a text with no version in it comes in its original language. Each
result says which language it was served in (`language`), which was asked (`requested_language`)
and in which it exists (`languages`), so a client can tell a fallback and offer the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from datacollab.core.content_language import (
    language_codes,
    localize,
    original_language,
    reader_language,
    site_language,
)
from datacollab.datasets.rows import QueryError

LANG_PARAMETER: dict[str, Any] = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "maxLength": 35},
    "description": (
        "The language to return people's texts in: one of the network's languages "
        "(en-gb, es, fr, pt by default; es-ar reads es). Without it, the Accept-Language "
        "header chooses, else the network's default language. A text with no version in that "
        "language comes in its original one: `language` says which was served, `languages` "
        "lists those the text exists in."
    ),
}


def requested_language(request: HttpRequest) -> str:
    """The language asked for: `?lang=`, else the request's (Accept-Language, the person's)."""
    asked = request.GET.get("lang", "")
    if not asked:
        return reader_language()
    found = site_language(asked)
    if found is None:
        # The paging parameters' refusal, so every bad query parameter reads the same.
        raise QueryError(
            _("“%(code)s” is not one of this network's languages: choose among %(known)s.")
            % {"code": asked, "known": ", ".join(language_codes())},
            parameter="lang",
        )
    return found


def available_languages(obj: Any, fields: Iterable[str]) -> list[str]:
    """The languages `obj` has any of `fields` in: its original first, then the site's order."""
    fields = list(fields)
    translations = getattr(obj, "translations", None) or {}
    source = original_language(obj)
    found = {source} | {
        code for code, texts in translations.items() if any(texts.get(f) for f in fields)
    }
    return [source] + [code for code in language_codes() if code in found and code != source]


def texts_in(obj: Any, fields: Iterable[str], language: str, *, main: str) -> dict[str, Any]:
    """`fields` of `obj` in `language` with fallback, and the language fields; `main` is the
    field whose language is reported as the one served (the longest text)."""
    fields = list(fields)
    shown = {field: localize(obj, field, language) for field in fields}
    return {
        **{field: shown[field].text for field in fields},
        "language": shown[main].language,
        "requested_language": language,
        "languages": available_languages(obj, fields),
    }
