from __future__ import annotations

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from datacollab.core.localise import format_money, format_number
from datacollab.core.markdown import markdown_excerpt, render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))


@register.filter(name="markdown_excerpt")
def markdown_excerpt_filter(text: str, words: int) -> SafeString:
    """`{{ body|markdown_excerpt:40 }}`: the same as `|markdown|striptags|truncatewords:40`
    (safe, as those filters keep it), computed once per text and kept (core/markdown.py)."""
    # Safe: nh3 sanitised the HTML, then its tags were stripped.
    return mark_safe(markdown_excerpt(text or "", int(words)))


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
