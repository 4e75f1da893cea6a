"""A tiny catalogue compiled for a test: the real ones are being translated, so a test that
a mail is in Spanish installs the few Spanish strings it looks for (issue 14)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo


def install(settings, folder: Path, language: str, messages: dict) -> None:
    """Compile `messages` (msgid -> msgstr; a (singular, plural) key takes a tuple) for
    `language` and put it first in LOCALE_PATHS, so it wins over the project's catalogue.
    Changing the setting clears Django's translation caches, now and when the test ends."""
    catalog = Catalog(locale=language)
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    target = folder / "locale" / language / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "django.mo", "wb") as out:
        write_mo(out, catalog)
    settings.LOCALE_PATHS = [
        folder / "locale",
        *[p for p in settings.LOCALE_PATHS if p != folder / "locale"],
    ]
