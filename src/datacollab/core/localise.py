"""Money and numbers in the reader's locale (issue 14): the active language picks the CLDR
pattern, so one amount reads £20,000.00 in English, 20 000,00 £GB in French and
20.000,00 GBP in Spanish. Dates and plain numbers use Django's own locale formats
(`|date:"DATE_FORMAT"`, `|localize`), which follow the active language too."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal
from django.utils import translation


def babel_locale(language: str | None = None) -> str:
    """Django's language code ("en-gb", "pt") as a CLDR locale ("en_GB", "pt")."""
    return translation.to_locale(language or translation.get_language() or "en-gb")


@lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    """The parsed CLDR locale, once per process: Babel parses it again on every call given a
    name, and a list page formats a hundred amounts (issue 15's load bench)."""
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


@lru_cache(maxsize=4096)
def _money(value: str, code: str, locale: str) -> str:
    # Keyed by the amount's text: the same requested amounts recur across an open call's rows
    # and views, and the formatted string depends on nothing else.
    return format_currency(Decimal(value), code, locale=_locale(locale))


def format_money(
    amount: Decimal | int | float | str | None, currency: str = "GBP", language: str | None = None
) -> str:
    """`amount` in `currency` (ISO 4217) as a reader of `language` (default: the active one)
    writes it, with the currency's own decimals (none for XOF). "" for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    code = (currency or "GBP").upper()
    return _money(str(value), code, babel_locale(language))


def format_number(value: Decimal | int | float, language: str | None = None) -> str:
    """A count or measure with the locale's grouping and decimal signs (1,234.5 / 1 234,5)."""
    return format_decimal(value, locale=_locale(babel_locale(language)))
