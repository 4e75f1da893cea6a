"""Money and numbers in the reader's locale (issue 14): the active language picks the CLDR
pattern, so one amount reads £20,000.00 in English, 20 000,00 £GB in French and
20.000,00 GBP in Spanish. Dates and plain numbers use Django's own locale formats
(`|date:"DATE_FORMAT"`, `|localize`), which follow the active language too."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, format_decimal
from django.utils import translation


def babel_locale(language: str | None = None) -> str:
    """Django's language code ("en-gb", "pt") as a CLDR locale ("en_GB", "pt")."""
    return translation.to_locale(language or translation.get_language() or "en-gb")


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
    try:
        return format_currency(value, code, locale=babel_locale(language))
    except UnknownLocaleError:
        return format_currency(value, code, locale="en_GB")


def format_number(value: Decimal | int | float, language: str | None = None) -> str:
    """A count or measure with the locale's grouping and decimal signs (1,234.5 / 1 234,5)."""
    try:
        return format_decimal(value, locale=babel_locale(language))
    except UnknownLocaleError:
        return format_decimal(value, locale="en_GB")
