"""Post bodies: the site's Markdown (`datacollab.core.markdown`) plus mentions, `@[Name]`.

A mention is `@[` + a person's name or email address + `]`, e.g. `@[Amina Diallo]` or
`@[amina@example.org]`. The brackets make it unambiguous where a name with spaces ends. A
mention inside code or a link is plain text. The same parser finds mentions when a post is
written (to notify) and renders them (as links), so the two can never disagree.

The output goes through the same nh3 sanitiser, with the same allow-lists, as
`core.markdown.render_markdown`; a test checks both give the same HTML for text without mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import nh3
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from datacollab.core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

MENTION_RE = re.compile(r"@\[([^\[\]\n]{1,160})\]")
MAX_MENTIONS = 20


def mention_key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class MentionLink:
    label: str
    url: str


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@" or state.linkLevel > 0:
        return False
    match = MENTION_RE.match(state.src, state.pos)
    if match is None or not match.group(1).strip():
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.content = match.group(1)
        token.markup = match.group(0)
    state.pos = match.end()
    return True


def _render_mention(
    self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    link: MentionLink | None = env.get("mentions", {}).get(mention_key(token.content))
    if link is None:
        return escapeHtml(token.markup)
    return f'<a href="{escapeHtml(link.url)}">@{escapeHtml(link.label)}</a>'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # The same configuration as core.markdown's parser, plus the mention rule.
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": False})
        .enable("table")
        .enable("strikethrough")
    )
    md.inline.ruler.before("link", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    return md


def mentioned_names(body: str) -> list[str]:
    """The distinct mentions written in `body` (normalised keys), in order of appearance."""
    keys: list[str] = []
    for block in _parser().parse(body or ""):
        for token in block.children or ():
            if token.type == "mention":
                key = mention_key(token.content)
                if key not in keys:
                    keys.append(key)
    return keys


def render_post(body: str, mentions: Iterable[tuple[str, MentionLink]] = ()) -> str:
    """Render a post body to safe HTML; `mentions` maps mention keys to the person's link.

    A mention absent from `mentions` (nobody by that name can read the channel) stays text.
    """
    env = {"mentions": dict(mentions)}
    html = _parser().render(body or "", env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


def post_html(post: Any) -> SafeString:
    """A post's body as safe HTML, its stored mentions linked to the people's pages."""

    links: dict[str, MentionLink] = {}
    people = list(post.mentions.all())
    for person in people:
        if person.display_name:
            links[mention_key(person.display_name)] = MentionLink(
                str(person), reverse("discussion-person", args=[person.pk])
            )
    for person in people:  # an email address is unique: it wins over a shared name
        links[mention_key(person.email)] = MentionLink(
            str(person), reverse("discussion-person", args=[person.pk])
        )
    # Safe to mark: nh3 sanitised it with the site's allow-lists, as the `markdown` filter does.
    return mark_safe(render_post(post.body, links.items()))
