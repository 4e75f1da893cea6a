"""Languages people work in (ISO 639-1 two-letter codes), with names in the reader's language.

The list is Django's own (``django.conf.locale.LANG_INFO``, whose English names Django's
catalogues already translate) plus the languages of the Global South that Django does not
ship (Hausa, Yoruba, Quechua...), whose names our catalogues translate. Every entry also
carries its autonym, so a reader finds their language whatever the page's language is.
Pure: no ORM, no settings.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop


@dataclass(frozen=True)
class Language:
    code: str
    # English name; `name_of` translates it for the reader.
    name: str
    autonym: str


# Languages missing from Django's list that people of the network work in: (code, English
# name, autonym). The names are marked so our catalogues translate them.
_MORE = [
    ("ak", _noop("Akan"), "Akan"),
    ("am", _noop("Amharic"), "አማርኛ"),
    ("ay", _noop("Aymara"), "Aymar aru"),
    ("bm", _noop("Bambara"), "Bamanankan"),
    ("ff", _noop("Fula"), "Fulfulde"),
    ("gn", _noop("Guarani"), "Avañe'ẽ"),
    ("gu", _noop("Gujarati"), "ગુજરાતી"),
    ("ha", _noop("Hausa"), "Hausa"),
    ("ht", _noop("Haitian Creole"), "Kreyòl ayisyen"),
    ("jv", _noop("Javanese"), "Basa Jawa"),
    ("ku", _noop("Kurdish"), "Kurdî"),
    ("lg", _noop("Ganda"), "Luganda"),
    ("ln", _noop("Lingala"), "Lingála"),
    ("lo", _noop("Lao"), "ພາສາລາວ"),
    ("mg", _noop("Malagasy"), "Malagasy"),
    ("ny", _noop("Chichewa"), "Chichewa"),
    ("om", _noop("Oromo"), "Afaan Oromoo"),
    ("ps", _noop("Pashto"), "پښتو"),
    ("qu", _noop("Quechua"), "Runa Simi"),
    ("rw", _noop("Kinyarwanda"), "Ikinyarwanda"),
    ("si", _noop("Sinhala"), "සිංහල"),
    ("sn", _noop("Shona"), "chiShona"),
    ("so", _noop("Somali"), "Soomaali"),
    ("st", _noop("Sotho"), "Sesotho"),
    ("ti", _noop("Tigrinya"), "ትግርኛ"),
    ("tl", _noop("Tagalog"), "Tagalog"),
    ("tn", _noop("Tswana"), "Setswana"),
    ("tw", _noop("Twi"), "Twi"),
    ("wo", _noop("Wolof"), "Wolof"),
    ("xh", _noop("Xhosa"), "isiXhosa"),
    ("yo", _noop("Yoruba"), "Yorùbá"),
    ("zh", _noop("Chinese"), "中文"),
    ("zu", _noop("Zulu"), "isiZulu"),
]

# Other words people write for a language (folded as `_fold` does).
_ALIASES = {
    "asante twi": "tw",
    "bahasa indonesia": "id",
    "bangla": "bn",
    "brazilian portuguese": "pt",
    "cantonese": "zh",
    "castellano": "es",
    "dari": "fa",
    "farsi": "fa",
    "filipino": "tl",
    "mandarin": "zh",
    "persian": "fa",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@functools.cache
def _load() -> dict[str, Language]:
    found = {
        code: Language(code=code, name=info["name"], autonym=info["name_local"])
        for code, info in LANG_INFO.items()
        if len(code) == 2 and "name" in info
    }
    found.update({code: Language(code, name, autonym) for code, name, autonym in _MORE})
    return found


@functools.cache
def _by_word() -> dict[str, str]:
    words = {}
    for language in _load().values():
        words[_fold(language.code)] = language.code
        words[_fold(language.name)] = language.code
        words[_fold(language.autonym)] = language.code
    words.update(_ALIASES)
    return words


def get(code: str) -> Language | None:
    return _load().get(code.strip().lower())


def name_of(code: str) -> str:
    """The language's name in the reader's language; the code itself if unknown."""
    language = get(code)
    return gettext(language.name) if language is not None else code


def label_of(code: str) -> str:
    """Name in the reader's language, then the autonym when it differs: "Swahili (Kiswahili)"."""
    language = get(code)
    if language is None:
        return code
    name = gettext(language.name)
    return name if _fold(name) == _fold(language.autonym) else f"{name} ({language.autonym})"


def choices() -> list[tuple[str, str]]:
    """(code, label) pairs sorted by the label in the reader's language, for form fields."""
    pairs = [(code, label_of(code)) for code in _load()]
    return sorted(pairs, key=lambda pair: _fold(pair[1]))


_SPLIT = re.compile(r"[,;/\n]|\band\b|&")


def parse(text: str) -> tuple[list[str], str]:
    """Free text such as "English, Kiswahili and some Twi" -> (["en", "sw"], "some Twi").

    The codes of the parts that name a known language exactly, sorted; the other parts joined
    back with ", " so nothing a person wrote is lost.
    """
    codes: set[str] = set()
    rest: list[str] = []
    for part in _SPLIT.split(text):
        if not part.strip():
            continue
        code = _by_word().get(_fold(part))
        if code is None:
            rest.append(part.strip())
        else:
            codes.add(code)
    return sorted(codes), ", ".join(rest)
