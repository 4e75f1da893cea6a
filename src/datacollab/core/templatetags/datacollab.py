from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

from datacollab.core.markdown import render_markdown

register = template.Library()

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))


@register.filter
def money(amount: Decimal | int | float | None, currency: str = "GBP") -> str:
    if amount is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency, "")
    formatted = number_format(Decimal(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{symbol}{formatted}" if symbol else f"{formatted} {currency}"
