from __future__ import annotations

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from datacollab.core.localise import format_money, format_number
from datacollab.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))


@register.filter
def money(amount: Decimal | int | float | None, currency: str = "GBP") -> str:
    """An amount in the reader's locale (core/localise.py): `{{ award.amount|money:"GBP" }}`."""
    return format_money(amount, currency)


@register.filter
def number(value: Decimal | int | float | None) -> str:
    """A count shown to people, grouped the reader's way: 12,345 / 12 345 / 12.345."""
    return "" if value is None else format_number(value)


@register.simple_tag
def site_languages() -> list[tuple[str, str]]:
    """settings.LANGUAGES as written there: each language in its own name, whatever the page's
    language (Django's get_available_languages translates them: "English" became "Inglés")."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]
