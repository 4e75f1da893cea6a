"""Dates in the reader's locale, by name: `format_date(moment, "SHORT_DATE_FORMAT")`.

Django knows DATE_FORMAT, SHORT_DATE_FORMAT and the rest; the patterns our pages show
beyond those (a time zone after the time, a weekday before the date) are named in
datacollab/formats/<locale>/formats.py too and read here from the same modules, so a
language's whole table sits in one file. Machine formats (ISO 8601, CSV, iCalendar)
never come through here.
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


def format_date(value: date | datetime, name: str, lang: str | None = None) -> str:
    return dateformat.format(value, named_format(name, lang))
