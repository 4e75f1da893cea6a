"""The country list: complete, well-formed, and classified as data/SOURCES.md says."""

import re
import unicodedata
from collections import Counter

from datacollab.core import countries

# The M49 developed regions (Europe, Northern America, Australia and New Zealand, plus
# Cyprus, Israel and Japan) hold 65 ISO areas; Antarctica is in no region. The other
# 183 are developing, hence Global South.
GLOBAL_SOUTH_COUNT = 183


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def test_all_countries_has_every_officially_assigned_code():
    assert len(countries.all_countries()) == 249


def test_all_countries_codes_unique():
    rows = countries.all_countries()

    for field in ("alpha2", "alpha3", "numeric", "name"):
        duplicates = [
            value for value, n in Counter(getattr(c, field) for c in rows).items() if n > 1
        ]
        assert duplicates == [], field


def test_all_countries_codes_well_formed():
    malformed = [
        c.alpha2
        for c in countries.all_countries()
        if not (
            re.fullmatch(r"[A-Z]{2}", c.alpha2)
            and re.fullmatch(r"[A-Z]{3}", c.alpha3)
            and re.fullmatch(r"[0-9]{3}", c.numeric)
            and c.name.strip() == c.name != ""
        )
    ]

    assert malformed == []


def test_all_countries_regions_are_m49_names():
    regions = Counter(c.region for c in countries.all_countries())

    assert regions == {
        "Africa": 60,
        "Americas": 57,
        "Asia": 51,
        "Europe": 51,
        "Oceania": 29,
        "": 1,
    }


def test_all_countries_global_south_count():
    assert sum(c.global_south for c in countries.all_countries()) == GLOBAL_SOUTH_COUNT


def test_all_countries_returns_a_copy():
    first = countries.all_countries()
    first.clear()

    assert len(countries.all_countries()) == 249


def test_is_global_south_known_developing_countries():
    codes = ["KE", "IN", "BR", "NG", "BD", "CO", "PH", "ZA", "ID", "MX", "KR", "SG", "KZ", "TW"]

    assert {code: countries.is_global_south(code) for code in codes} == dict.fromkeys(codes, True)


def test_is_global_south_known_developed_countries():
    codes = ["GB", "DE", "US", "JP", "AU", "NZ", "CA", "IL", "CY", "RU", "UA", "AL", "GL"]

    assert {code: countries.is_global_south(code) for code in codes} == dict.fromkeys(codes, False)


def test_is_global_south_antarctica_false():
    assert countries.is_global_south("AQ") is False


def test_is_global_south_unknown_code_false():
    assert countries.is_global_south("XK") is False


def test_get_by_alpha2():
    assert countries.get("KE") == countries.Country(
        alpha2="KE",
        alpha3="KEN",
        numeric="404",
        name="Kenya",
        region="Africa",
        subregion="Sub-Saharan Africa",
        global_south=True,
    )


def test_get_by_alpha3_lower_case_and_padded():
    assert countries.get(" bgd ") == countries.get("BD")
    assert countries.get("BD").alpha3 == "BGD"


def test_get_keeps_zero_padded_numeric():
    assert countries.get("AF").numeric == "004"


def test_get_name_with_comma_read_whole():
    assert countries.get("KR").name == "Korea, Republic of"


def test_get_unknown_code_none():
    assert [countries.get(code) for code in ("XK", "", "ZZZ", "GBRX")] == [None, None, None, None]


def test_region_of_known_and_unknown():
    assert [countries.region_of(code) for code in ("br", "AQ", "XK")] == ["Americas", "", ""]


def test_name_of_unknown_returns_code():
    assert [countries.name_of(code) for code in ("civ", "XK")] == ["Côte d'Ivoire", "XK"]


def test_choices_sorted_by_name():
    names = [name for _, name in countries.choices()]

    assert names == sorted(names, key=_fold)
    assert countries.choices()[:3] == [
        ("AF", "Afghanistan"),
        ("AX", "Åland Islands"),
        ("AL", "Albania"),
    ]


def test_choices_pairs_alpha2_with_name():
    assert len(countries.choices()) == 249
    assert dict(countries.choices())["BQ"] == "Bonaire, Sint Eustatius and Saba"
