"""gettext answers from one merged dict per language, exactly as Django's catalogue chain."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from django.utils.translation import trans_real

from datacollab.core import catalogue
from tests.i18n_catalogue import write_mo

# Ours, written for the test in every language: a msgid Django's own catalogues also hold
# (ours comes first, as LOCALE_PATHS does), one with a context, one plural.
OURS = {
    "Save": "[{lang}] save",
    "month name\x04May": "[{lang}] May",
    "Search": "[{lang}] search",
}
MISSES = ["No catalogue holds this sentence.", "Save ", "month name\x04June"]


@pytest.fixture
def catalogues(tmp_path: Path) -> Iterator[None]:
    for code, _name in settings.LANGUAGES:
        locale = trans_real.to_locale(code)
        messages = {key: value.format(lang=code) for key, value in OURS.items()}
        write_mo(tmp_path / locale / "LC_MESSAGES" / "django.mo", messages)
    with override_settings(LOCALE_PATHS=[tmp_path]):  # empties Django's built translations
        yield


def _django_chain(language: str) -> trans_real.DjangoTranslation:
    """The translation as Django builds it, with its walk (and its fallbacks Django's too)."""
    saved, trans_real._translations = trans_real._translations, {}
    # Put back whatever was there (not catalogue.translation: that would install the patch
    # for the tests after, and hide a process where install() did not run).
    installed, trans_real.translation = trans_real.translation, catalogue._django_translation
    try:
        return trans_real.translation(language)
    finally:
        trans_real.translation = installed
        trans_real._translations = saved


def _every_msgid(chain: trans_real.DjangoTranslation) -> set[str]:
    found: set[str] = set()
    for level in catalogue._levels(chain):
        catalog = getattr(level, "_catalog", None)
        for key in catalog.keys() if catalog is not None else ():
            found.add(key[0] if isinstance(key, tuple) else key)
    return found


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_merged_gettext_answers_as_djangos_chain_for_every_msgid(catalogues, language):
    chain = _django_chain(language)
    merged = trans_real.translation(language)
    msgids = sorted(_every_msgid(chain)) + MISSES

    answers = {m: merged.gettext(m) for m in msgids}

    assert (type(merged), answers) == (
        catalogue.MergedTranslation,
        {m: chain.gettext(m) for m in msgids},
    )
    assert len(msgids) > 400  # Django's own catalogues are in the sample


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_merged_gettext_through_djangos_functions(catalogues, language):
    with translation.override(language):
        shown = [
            translation.gettext("Save"),
            translation.pgettext("month name", "May"),
            translation.pgettext("month name", "June"),
            translation.gettext(MISSES[0]),
            translation.ngettext("%(count)d item", "%(count)d items", 2),
        ]
    chain = _django_chain(language)

    assert shown == [
        f"[{language}] save",
        f"[{language}] May",
        "June",
        MISSES[0],
        chain.ngettext("%(count)d item", "%(count)d items", 2),
    ]


class _Refuses:
    """A catalogue or fallback that fails the test when asked."""

    def get(self, *args: object) -> str:
        raise AssertionError("the chain was walked")

    def gettext(self, message: str) -> str:
        raise AssertionError("the chain was walked")


def test_merged_gettext_miss_reads_one_dict(catalogues):
    # British English holds few of our msgids: a miss used to walk seven catalogues, two
    # lookups each.
    merged = copy.copy(trans_real.translation("en-gb"))
    merged._catalog = _Refuses()
    merged._fallback = _Refuses()

    assert (merged.gettext(MISSES[0]), merged.gettext("Save")) == (MISSES[0], "[en-gb] save")


def test_merged_gettext_language_without_catalogue_falls_back_to_default(catalogues):
    # "xx" has no catalogue anywhere (and "de" only Django's): Django falls back to the
    # default language's chain, and so does the merged dict.
    with translation.override("xx"):
        unknown = (translation.gettext("Save"), translation.gettext(MISSES[0]))
    with translation.override("de"):
        djangos_only = (translation.gettext("Save"), translation.gettext("Search"))

    assert (unknown, djangos_only) == (
        ("[en-gb] save", MISSES[0]),
        (_django_chain("de").gettext("Save"), _django_chain("de").gettext("Search")),
    )


def test_djangos_functions_read_the_merged_dict(catalogues):
    # gettext answers the same through Django's walk, so only a msgid planted in the merged
    # dict shows which one answered: it fails if a Django upgrade builds or activates
    # translations without trans_real.translation, the one name catalogue.install replaces.
    probe = "Only the merged dict holds this."
    with translation.override("fr"):
        translation.gettext("Save")  # Django builds the active translation its own way
        translation.deactivate()
        translation.gettext("Save")  # and its default one
        for language in ("fr", settings.LANGUAGE_CODE):
            catalogue.translation(language)._merged[probe] = f"merged {language}"
        default = translation.gettext(probe)
        translation.activate("fr")
        active = (translation.gettext(probe), translation.pgettext("any", probe))

    assert (active, default) == (("merged fr", probe), f"merged {settings.LANGUAGE_CODE}")


def test_merged_dict_rebuilt_when_django_reloads_catalogues(catalogues, tmp_path):
    # override_settings(LOCALE_PATHS) is how tests (and the autoreloader, likewise) make
    # Django drop its built translations: the next one is merged from the new catalogues.
    with translation.override("fr"):
        first = translation.gettext("Save")
    write_mo(tmp_path / "other" / "fr" / "LC_MESSAGES" / "django.mo", {"Save": "reloaded"})

    with override_settings(LOCALE_PATHS=[tmp_path / "other"]), translation.override("fr"):
        reloaded = (type(trans_real.translation("fr")), translation.gettext("Save"))

    assert (first, reloaded) == ("[fr] save", (catalogue.MergedTranslation, "reloaded"))
