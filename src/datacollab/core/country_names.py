"""Country and region names in the reader's language.

`core/countries.py` is pure and keeps the ISO 3166-1 English names (exports, the privacy
engine and matching rely on them). Pages name countries through this module instead: an
English reader gets those same names; a Spanish, French or Portuguese reader gets CLDR's
(through Babel, which the money formats use too), so 249 names need no translator.
Without Babel, or for a code CLDR lacks, the English name is shown.
"""

from __future__ import annotations

import functools

from django.utils import translation

from datacollab.core import countries

# UN M49 codes of the regions countries.csv names, as CLDR keys its territories.
_REGION_CODES = {
    "Africa": "002",
    "Americas": "019",
    "Asia": "142",
    "Europe": "150",
    "Oceania": "009",
}


@functools.lru_cache(maxsize=16)
def _territories(language: str) -> dict[str, str]:
    try:
        from babel import Locale
        from babel.core import UnknownLocaleError
    except ImportError:  # pragma: no cover - Babel is a dependency; stay readable without it
        return {}
    try:
        return dict(Locale.parse(translation.to_locale(language)).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def _reader_territories() -> dict[str, str]:
    language = translation.get_language() or ""
    if not language or language.split("-")[0] == "en":
        return {}  # English readers see the ISO names the rest of the site uses
    return _territories(language)


def name(code: str) -> str:
    """The country's name for the reader; the code itself when it is unknown."""
    english = countries.name_of(code)
    country = countries.get(code)
    if country is None:
        return english
    return _reader_territories().get(country.alpha2, english)


def names(codes: list[str]) -> list[str]:
    return [name(code) for code in codes]


def region(english_region: str) -> str:
    """A region name from countries.csv ("Africa"...) for the reader."""
    code = _REGION_CODES.get(english_region)
    return _reader_territories().get(code, english_region) if code else english_region


def choices() -> list[tuple[str, str]]:
    """(alpha2, name) for form fields, sorted by the name the reader sees."""
    pairs = [(alpha2, name(alpha2)) for alpha2, _english in countries.choices()]
    return sorted(pairs, key=lambda pair: countries._sort_key(pair[1]))
