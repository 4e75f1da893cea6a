"""Mails go out in the recipient's language, never the sender's (issue 14).

Every path that renders a mail (subject and body) does it inside `in_language_of(recipient)`:
in a request the active language is the sender's, and in the task worker it is
settings.LANGUAGE_CODE, so neither may be left to chance. A recipient is a person (anything
with `.language`) or an address: an address with an account uses that person's language;
an address without one gets `default` (e.g. the language a visitor registered in), else
settings.LANGUAGE_CODE.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from datacollab.core.languages import supported


def _fallback(default: str | None) -> str:
    return supported(default) or supported(settings.LANGUAGE_CODE) or settings.LANGUAGE_CODE


def _language_of_person(person: Any) -> str:
    return supported(getattr(person, "language", ""))


def language_for(recipient: Any, *, default: str | None = None) -> str:
    """The language to write to `recipient` (a person or an email address) in."""
    if isinstance(recipient, str):
        address = recipient.strip().lower()
        language = (
            get_user_model()
            .objects.filter(email__iexact=address)
            .values_list("language", flat=True)
            .first()
        )
        return supported(language) or _fallback(default)
    return _language_of_person(recipient) or _fallback(default)


@contextmanager
def in_language_of(recipient: Any, *, default: str | None = None) -> Iterator[str]:
    """Render a mail to `recipient` inside this block; yields the language code."""
    language = language_for(recipient, default=default)
    with translation.override(language):
        yield language


def by_language(recipients: Iterable[Any], *, default: str | None = None) -> dict[str, list[str]]:
    """Addresses grouped by their language (one query), for a mail sent to several people:
    each group gets its own copy rendered in its language. Order of addresses is kept."""
    people: list[Any] = list(recipients)
    plain = [r.strip().lower() for r in people if isinstance(r, str)]
    saved: dict[str, str] = {}
    if plain:
        for email, language in (
            get_user_model().objects.filter(email__in=plain).values_list("email", "language")
        ):
            saved[email.lower()] = language
    groups: dict[str, list[str]] = {}
    for recipient in people:
        if isinstance(recipient, str):
            address = recipient.strip()
            language = supported(saved.get(address.lower())) or _fallback(default)
        else:
            address = recipient.email
            language = _language_of_person(recipient) or _fallback(default)
        groups.setdefault(language, []).append(address)
    return groups
