"""Dates in the reader's locale, by name: `format_date(moment, "SHORT_DATE_FORMAT")`.

Django knows DATE_FORMAT, SHORT_DATE_FORMAT and the rest; the patterns our pages show
beyond those (a time zone after the time, a weekday before the date) are named in
datacollab/formats/<locale>/formats.py too and read here from the same modules, so a
language's whole table sits in one file. Machine formats (ISO 8601, CSV, iCalendar)
never come through here.

French writes the first day of a month as an ordinal, "1er décembre 2026", and only the first
("2 décembre"). Django's format codes cannot say so, so every date shown with a day number and
a month name goes through `date_format` here (the `date` and `datefmt` template filters, the
dates in mails and PDFs), which turns the day into "1er" on the first of a month in French.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib import import_module

from django.utils import dateformat, formats
from django.utils.translation import get_language

# Django's names, read through formats.get_format (which caches and knows the fallbacks).
DJANGO_NAMES = frozenset(
    {
        "DATE_FORMAT",
        "DATETIME_FORMAT",
        "TIME_FORMAT",
        "SHORT_DATE_FORMAT",
        "SHORT_DATETIME_FORMAT",
        "YEAR_MONTH_FORMAT",
        "MONTH_DAY_FORMAT",
    }
)
OUR_NAMES = frozenset(
    {
        "DATETIME_ZONE_FORMAT",
        "DATETIME_ZONE_NAME_FORMAT",
        "SHORT_DATETIME_ZONE_FORMAT",
        "SHORT_DATETIME_ZONE_NAME_FORMAT",
        "SHORT_YEAR_MONTH_FORMAT",
        "WEEKDAY_DATETIME_FORMAT",
        "WEEKDAY_DATETIME_ZONE_FORMAT",
    }
)
FORMAT_NAMES = DJANGO_NAMES | OUR_NAMES
DEFAULT_MODULE = "datacollab.formats.en_GB.formats"


def named_format(name: str, lang: str | None = None) -> str:
    """The pattern `name` stands for in `lang` (default: the active language)."""
    if name in DJANGO_NAMES:
        return str(formats.get_format(name, lang))
    if name not in OUR_NAMES:
        raise ValueError(f"{name!r} is not a named date format: use one of {sorted(FORMAT_NAMES)}")
    for module in formats.get_format_modules(lang or get_language()):
        pattern = getattr(module, name, None)
        if pattern is not None:
            return str(pattern)
    # A language without its own module reads as the default one.
    return str(getattr(import_module(DEFAULT_MODULE), name))


# Codes that print the month as a word; "1er" goes only where a day number reads before one
# ("1er déc. 2026"), not in numeric dates ("01/12/2026").
MONTH_NAME_CODES = frozenset("FNMbE")
# Languages that write the first of a month as an ordinal, and how (an escaped suffix).
FIRST_DAY_SUFFIX = {"fr": r"\e\r"}


def _codes(pattern: str) -> list[tuple[str, bool]]:
    """The pattern's characters, each with whether it is a format code (not escaped)."""
    out: list[tuple[str, bool]] = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append((char, False))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append((char, True))
    return out


def first_of_month(pattern: str, value: date | datetime, lang: str | None = None) -> str:
    """`pattern` with its day number written as an ordinal where `lang` writes the first of a
    month so and `value` is one ("j F Y" -> "j\\e\\r F Y" in French on 1 December)."""
    suffix = FIRST_DAY_SUFFIX.get((lang or get_language() or "").split("-")[0].lower())
    if suffix is None or getattr(value, "day", None) != 1:
        return pattern
    codes = _codes(pattern)
    if not any(code and char in MONTH_NAME_CODES for char, code in codes):
        return pattern
    out = []
    for char, code in codes:
        if code and char == "j":
            out.append("j" + suffix)
        elif code:
            out.append(char)
        else:
            out.append("\\" + char)
    return "".join(out)


def date_format(value: date | datetime, name: str | None = None, lang: str | None = None) -> str:
    """`value` in the named format (ours or Django's) or a pattern, in `lang` (default: the
    active language): `django.utils.formats.date_format` plus the French first of the month."""
    name = name or "DATE_FORMAT"
    pattern = named_format(name, lang) if name in OUR_NAMES else str(formats.get_format(name, lang))
    return dateformat.format(value, first_of_month(pattern, value, lang))


def format_date(value: date | datetime, name: str, lang: str | None = None) -> str:
    return dateformat.format(value, first_of_month(named_format(name, lang), value, lang))
