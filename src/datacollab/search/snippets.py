"""Titles and excerpts with the searched words marked, safe to put in a page.

Built from escaped pieces only: the stored text is escaped, then the matched words are wrapped
in <mark>. The same on every database (FTS5's snippet() and ts_headline would each mark words
their own way, and ts_headline cannot see through the folding done in Python).
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from datacollab.search.text import fold

_WORD = re.compile(r"[^\W_]+")
WIDTH = 240


def _matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    folded = [fold(term) for term in terms]
    return [
        (m.start(), m.end())
        for m in _WORD.finditer(text)
        if any(fold(m.group()).startswith(term) for term in folded)
    ]


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out: list[str] = []
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        out.append(escape(text[at:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        at = e
    out.append(escape(text[at:end]))
    return "".join(out)


def highlight(text: str, terms: list[str]) -> SafeString:
    """All of `text`, escaped, with the words that match `terms` marked."""
    # Escaped pieces and our own <mark> tags only.
    return mark_safe(_marked(text, _matches(text, terms), 0, len(text)))


def snippet(text: str, terms: list[str], width: int = WIDTH) -> SafeString:
    """About `width` characters of `text` around its first match, escaped, matches marked."""
    text = " ".join(text.split())
    spans = _matches(text, terms)
    start = 0
    if spans and spans[0][0] > width // 3:
        start = spans[0][0] - width // 3
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 and start - space < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    html = _marked(text, spans, start, end)
    before = "… " if start > 0 else ""
    after = " …" if end < len(text) else ""
    return mark_safe(before + html + after)
