"""The site's languages: which codes are offered, and which one a request is shown in.

The order (issue 14): the person's saved language (profile), then the language cookie,
then the browser's Accept-Language, then settings.LANGUAGE_CODE. Django's LocaleMiddleware
does the last three; `PersonLanguageMiddleware` puts the profile first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def supported(code: str | None) -> str:
    """`code` as one of settings.LANGUAGES ("es-MX" -> "es", "en" -> "en-gb"), or ""."""
    if not code:
        return ""
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return ""


def saved_language(user: Any) -> str:
    """A person's own choice, or "" when they made none (or it is no longer offered)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return supported(getattr(user, "language", ""))


class PersonLanguageMiddleware:
    """After authentication: a signed-in person's saved language wins over cookie and browser.

    Sits after LocaleMiddleware (which already chose from cookie / Accept-Language) and after
    AuthenticationMiddleware (it needs `request.user`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = saved_language(getattr(request, "user", None))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
