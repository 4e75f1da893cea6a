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
    trans_real.translation = catalogue._django_translation
    try:
        return trans_real.translation(language)
    finally:
        trans_real.translation = catalogue.translation
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
