"""Markdown to safe HTML: CommonMark via markdown-it-py, then sanitised with nh3 (Ammonia)."""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Raw HTML is off at the parser too: nh3 is the second line, not the only one.
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False})
        .enable("table")
        .enable("strikethrough")
    )


def render_markdown(text: str) -> str:
    """Render user-written Markdown to HTML that is safe to mark as safe."""
    return _rendered(text or "")


# Kept per process, keyed by the text itself: the output depends on nothing else, and a list
# page (learnings, the cohort pages) renders the same cards on every view (issue 15's load
# bench: parsing and sanitising were most of the learnings list's CPU). 2,048 texts of a few
# kilobytes each bound the memory to a few megabytes per process.
@lru_cache(maxsize=2048)
def _rendered(text: str) -> str:
    html = _parser().render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


@lru_cache(maxsize=2048)
def markdown_excerpt(text: str, words: int) -> str:
    """The first `words` words of the rendered text, tags stripped: what a card shows, as
    `|markdown|striptags|truncatewords:N` gives it, kept per process like the HTML (stripping
    tags runs an HTML parser over the whole body, the costliest step of a card)."""
    return Truncator(strip_tags(render_markdown(text))).words(words, truncate=" …")
