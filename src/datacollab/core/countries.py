"""Countries and territories (ISO 3166-1) with their UN M49 region and Global South flag.

The data lives in ``data/countries.csv``; where each column comes from, and the rule
behind ``global_south``, is written down in ``data/SOURCES.md``. This module is pure
(no ORM, no settings) so forms, models, the privacy engine and reports can all use it.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Country:
    alpha2: str
    alpha3: str
    # Kept as text: ISO numeric codes are zero-padded ("004"), and the padding is part
    # of the code.
    numeric: str
    name: str
    # UN M49 region and sub-region names; both empty for Antarctica, which M49 places
    # in no region.
    region: str
    subregion: str
    global_south: bool


def _sort_key(name: str) -> str:
    # Fold accents so "Åland Islands" sits beside "Albania" and "Côte d'Ivoire" beside
    # "Costa Rica", where a reader looks for them, not after "Zimbabwe".
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@functools.cache
def _load() -> tuple[list[Country], dict[str, Country]]:
    text = resources.files("datacollab.core").joinpath("data/countries.csv").read_text("utf-8")
    countries = [
        Country(
            alpha2=row["alpha2"],
            alpha3=row["alpha3"],
            numeric=row["numeric"],
            name=row["name"],
            region=row["region"],
            subregion=row["subregion"],
            global_south=row["global_south"] == "1",
        )
        for row in csv.DictReader(text.splitlines())
    ]
    countries.sort(key=lambda country: _sort_key(country.name))
    # Alpha-2 and alpha-3 codes never collide (different lengths), so one index serves both.
    by_code = {country.alpha2: country for country in countries}
    by_code.update({country.alpha3: country for country in countries})
    return countries, by_code


def get(code: str) -> Country | None:
    """The country for an alpha-2 or alpha-3 code, in any case; None if unknown."""
    return _load()[1].get(code.strip().upper())


def all_countries() -> list[Country]:
    """Every ISO 3166-1 country or territory, sorted by name."""
    # A copy, so a caller that sorts or filters in place cannot corrupt the cache.
    return list(_load()[0])


def is_global_south(code: str) -> bool:
    country = get(code)
    return country is not None and country.global_south


def choices() -> list[tuple[str, str]]:
    """(alpha2, name) pairs sorted by name, for Django form and model field choices."""
    return [(country.alpha2, country.name) for country in _load()[0]]


def region_of(code: str) -> str:
    country = get(code)
    return country.region if country is not None else ""


def name_of(code: str) -> str:
    # Falling back to the code keeps old or mistyped codes visible in listings instead
    # of rendering as blanks.
    country = get(code)
    return country.name if country is not None else code
