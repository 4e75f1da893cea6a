"""The layout's two loops, written in Python: the menu's entries and the language buttons.

Every page renders them (base.html): a `{% for %}` with an `{% if %}` per entry, about a
hundred template nodes for a convener's 17 entries. The same HTML (tests/core/
test_layout_tags.py keeps the loops and compares both byte for byte).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from datacollab.core.html_text import shown
from datacollab.core.templatetags.datacollab import site_languages

register = template.Library()

CURRENT = ' aria-current="page"'


@register.simple_tag(takes_context=True)
def menu_items(context: Any) -> SafeString:
    """As `{% for link in nav_links %}<li>…</li>{% endfor %}` (nav_links may be lazy)."""
    links = context.get("nav_links") or []
    if callable(links):
        links = links()
    return mark_safe(  # every value escaped as {{ }} does
        "".join(
            f'<li><a href="{shown(link.url)}"{CURRENT if link.current else ""}>'
            f"{shown(link.label)}</a></li>"
            for link in links
        )
    )


@register.simple_tag(takes_context=True)
def language_buttons(context: Any) -> SafeString:
    """One button per site language, the page's own pressed."""
    current = context.get("LANGUAGE_CODE")
    return mark_safe(  # every value escaped as {{ }} does
        "".join(
            f'<button type="submit" class="link" name="language" value="{shown(code)}"'
            f' lang="{shown(code)}" aria-pressed="{"true" if code == current else "false"}">'
            f"{shown(name)}</button>"
            for code, name in site_languages()
        )
    )
