"""One dict per language for `gettext`, merged once per process from Django's catalogue chain.

Django builds each language's translation (`trans_real.DjangoTranslation`) from a catalogue per
installed app that has one: their dicts are kept side by side in a `TranslationCatalog` (a list
walked in order), and gettext's own search for `en_GB` also finds each app's empty `en`
catalogue and chains it as a fallback; a language other than the default then falls back to
the default's whole chain. A `gettext` of a msgid the first dicts lack (in British English,
most of ours: the English is the msgid) walks all of them, two lookups each (the msgid, then
its singular plural form): about 6% of the convener's assignments page.

A built translation never changes (Django builds a new one when the catalogues or settings
change: `_translations` is emptied), so its answer to every msgid can be merged into one
dict when it is built: the same walk, done once for every key instead of on every call. Only
`gettext` (and `pgettext`, which Django runs through it) reads the merged dict; `ngettext`
keeps Django's walk, since each level chooses the plural form with its own plural rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import trans_real


def _levels(translation: Any) -> Iterator[Any]:
    # The order GNUTranslations.gettext asks them in: itself, then each `_fallback`.
    while translation is not None:
        yield translation
        translation = getattr(translation, "_fallback", None)


def merged_catalogue(translation: Any) -> dict[str, str]:
    """What `translation.gettext(msgid)` answers for every msgid any level knows."""
    merged: dict[str, str] = {}
    for level in _levels(translation):
        catalog = getattr(level, "_catalog", None)
        if catalog is None:  # a NullTranslations: passes the question on
            continue
        singular = level.plural(1)
        plain: dict[str, str] = {}
        plural_form: dict[str, str] = {}
        # A TranslationCatalog yields its dicts in the order its `get` asks them: first wins.
        for key, value in catalog.items():
            if isinstance(key, tuple):
                if key[1] == singular:
                    plural_form.setdefault(key[0], value)
            else:
                plain.setdefault(key, value)
        # Within a level the msgid itself is asked before its singular plural form; a level
        # only answers what the levels before it did not.
        for key, value in {**plural_form, **plain}.items():
            merged.setdefault(key, value)
    return merged


class MergedTranslation(trans_real.DjangoTranslation):
    """Django's translation for a language, whose `gettext` is one dict lookup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._merged = merged_catalogue(self)

    def gettext(self, message: str) -> str:
        return self._merged.get(message, message)


# Its private names (the cache of built translations, the default one), untyped in the stubs.
_module: Any = trans_real
# Django's own, kept for the tests that compare both.
_django_translation = trans_real.translation


def translation(language: str) -> trans_real.DjangoTranslation:
    # As trans_real.translation, building a MergedTranslation. `_translations` is read from
    # the module on every call: Django's setting_changed receivers replace it.
    cache = _module._translations
    if language not in cache:
        cache[language] = MergedTranslation(language)
    return cache[language]


def install() -> None:
    """Make Django build MergedTranslation objects (CoreConfig.ready, once per process)."""
    trans_real.translation = translation
    # Any built before (a gettext during start-up) are built again, merged, when next asked.
    _module._translations = {}
    _module._default = None
