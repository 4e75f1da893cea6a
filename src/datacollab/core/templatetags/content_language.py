"""Template side of core/content_language.py: `{% load content_language %}`.

{{ call|localized:"title" }}           the text in the reader's language, with fallback
<h1{{ call|lang_attr:"title" }}>         ' lang="en-gb"' when that text is not in the
                                       reader's language, else nothing
<dd{{ application.language|lang_if_other }}>  the same for a language code
{% fallback_note call "title" "description" %}  "Shown in English: no Spanish version yet."
{% outdated_note learning "title" "body" %}  "The original changed after this translation…"
{{ application.language|language_name }}       "Spanish"
{{ call|marked:"title" }}              the text in the reader's language, inside
                                       <span lang="en-gb"> when it is not in it: for a text
                                       inside a sentence (a blocktranslate variable, a cell)
{{ application.title|in_language:application.language }}  the same for a text and its code
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from datacollab.core import content_language

register = template.Library()


@register.filter
def localized(obj: Any, field: str) -> str:
    return content_language.localized(obj, field)


@register.filter
def content_lang(obj: Any, field: str) -> str:
    return content_language.localize(obj, field).language


def _attr(code: str) -> str:
    if not code or code == content_language.reader_language():
        return ""
    return format_html(' lang="{}"', code)


@register.filter
def lang_attr(obj: Any, field: str) -> str:
    return _attr(content_language.localize(obj, field).language)


@register.filter
def lang_if_other(code: str) -> str:
    return _attr(code)


def _in(text: str, code: str) -> str:
    attr = _attr(code)
    return format_html("<span{}>{}</span>", attr, text) if attr else text


@register.filter
def marked(obj: Any, field: str) -> str:
    shown = content_language.localize(obj, field)
    return _in(shown.text, shown.language)


@register.filter
def in_language(text: str, code: str) -> str:
    return _in(text, code)


@register.filter
def language_name(code: str) -> str:
    return content_language.language_name(code) if code else ""


@register.simple_tag
def fallback_note(obj: Any, *fields: str, original: str | None = None) -> str:
    """A short paragraph when any of `obj`'s `fields` is shown in another language."""
    languages = content_language.fallbacks(((obj, f) for f in fields), original=original)
    note = content_language.fallback_note(languages)
    return format_html('<p class="muted fallback-note">{}</p>', note) if note else ""


@register.simple_tag
def outdated_note(obj: Any, *fields: str) -> str:
    """A short paragraph when any of `obj`'s `fields` shows a translation older than its
    original (core/content_language.py, `translated_from`)."""
    note = content_language.outdated_note((obj, f) for f in fields)
    return format_html('<p class="muted outdated-note">{}</p>', note) if note else ""
