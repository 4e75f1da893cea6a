"""People's texts over the API in the language asked for (issue 14).

`?lang=es` (or, without it, the `Accept-Language` header, read by Django's locale middleware)
picks the language; a text with no version in it comes in its original language. Each
result says which language it was served in (`language`), which was asked (`requested_language`)
and in which it exists (`languages`), so a client can tell a fallback and offer the others.
"""

from __future__ import annotations

import re
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

# A BCP 47 language tag, loosely: what Accept-Language carries ("es", "pt-BR", "zh-Hant-TW").
TAG_PATTERN = r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"
TAG_MAX = 35

LANG_PARAMETER: dict[str, Any] = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "pattern": TAG_PATTERN, "maxLength": TAG_MAX},
    "description": (
        "The language to return people's texts in, as a language tag: one of the network's "
        "languages (en-gb, es, fr, pt by default; es-ar reads es). Without it, the "
        "Accept-Language header chooses, else the network's default language. A text with no "
        "version in that language (or a language the network does not offer) comes in its "
        "original one: `language` says which was served, `languages` lists those the text "
        "exists in."
    ),
}


def requested_language(request: HttpRequest) -> str:
    """The language asked for: `?lang=`, else the request's (Accept-Language, the person's).

    A well-formed tag the network does not offer is kept as asked: every text then falls
    back to its original, as it would for a browser asking for that language."""
    if "lang" not in request.GET:
        return reader_language()
    asked = request.GET["lang"]
    if len(asked) > TAG_MAX or not re.fullmatch(TAG_PATTERN, asked):
        # The paging parameters' refusal, so every bad query parameter reads the same.
        raise QueryError(
            # Translators: any well-formed language tag is accepted; the list shows a few.
            _("“%(code)s” is not a language tag: give one, for example one of %(known)s.")
            % {"code": asked[:TAG_MAX], "known": ", ".join(language_codes())},
            parameter="lang",
        )
    return site_language(asked) or asked.lower()


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
