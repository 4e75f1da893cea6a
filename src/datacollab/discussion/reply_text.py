"""The new text of an emailed reply: quoted mail, reply headers and signatures removed.

Pure functions over text (no Django), tested on the quote styles of Gmail, Outlook, Apple Mail
and Thunderbird, in English, French, German and Spanish. When in doubt we cut: a reply that
loses a line of quote is better than a thread that fills with copies of earlier posts.
"""

from __future__ import annotations

import html
import re

import nh3

# "On Tue, 5 Dec 2026 at 10:00, Ana <ana@x.org> wrote:" (Gmail, Apple Mail, Thunderbird), and
# its French, German and Spanish forms. Gmail wraps the line, so two lines are joined to test.
_ATTRIBUTION = re.compile(
    r"^\s*(On\s.+\swrote|Le\s.+\sa\s+écrit|Am\s.+\sschrieb\s.+|El\s.+\sescribió)\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
# Outlook puts the old message under a rule, or under a "From: / Sent:" block.
_OUTLOOK_RULE = re.compile(r"^\s*(-{2,}\s*Original Message\s*-{2,}|_{20,})\s*$", re.IGNORECASE)
_HEADER = re.compile(
    r"^\s*\*?(From|De|Von|Sent|Envoyé|Gesendet|Enviado|Date|To|À|An|Para|Subject|Objet|Betreff|Asunto|Cc)\s*:\*?\s",
    re.IGNORECASE,
)
_FROM = re.compile(r"^\s*\*?(From|De|Von)\s*:", re.IGNORECASE)
# Signatures: the standard delimiter, and the lines phones and apps add.
_SIGNATURE_RULE = re.compile(r"^--\s*$")
_SENT_FROM = re.compile(
    r"^\s*(Sent from my \S.*|Sent from (Mail|Outlook) for .*|Get Outlook for \S.*|"
    r"Envoyé de mon \S.*|Von meinem \S.* gesendet|Enviado desde mi \S.*)\s*$",
    re.IGNORECASE,
)


def _quote_start(lines: list[str]) -> int:
    """Index of the first line of quoted mail, or len(lines)."""
    for i, line in enumerate(lines):
        joined = line if i + 1 >= len(lines) else f"{line} {lines[i + 1]}"
        if _ATTRIBUTION.match(line) or (
            line.strip().lower().startswith(("on ", "le ", "am ", "el "))
            and _ATTRIBUTION.match(joined)
        ):
            return i
        if _OUTLOOK_RULE.match(line):
            return i
        if _FROM.match(line):
            # A From: line starts a quote only when more header lines follow it closely.
            following = sum(1 for nxt in lines[i + 1 : i + 5] if _HEADER.match(nxt))
            if following >= 2:
                return i
    return len(lines)


def reply_text(text: str) -> str:
    """The part of a plain-text reply that its author wrote."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[: _quote_start(lines)]
    kept: list[str] = []
    for line in lines:
        if _SIGNATURE_RULE.match(line):
            break
        if line.lstrip().startswith(">"):
            continue  # inline or bottom quoting
        kept.append(line.rstrip())
    while kept and (not kept[-1].strip() or _SENT_FROM.match(kept[-1])):
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept)


_BLOCKQUOTE = re.compile(r"<blockquote\b.*?</blockquote\s*>", re.IGNORECASE | re.DOTALL)
_GMAIL_QUOTE = re.compile(r"<div[^>]*class=\"?[^\">]*gmail_quote.*", re.IGNORECASE | re.DOTALL)
_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/h\d)\b[^>]*>", re.IGNORECASE)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML-only reply, quoted blocks dropped (a fallback: most mail programs
    send a text part too)."""
    markup = _GMAIL_QUOTE.sub("", _BLOCKQUOTE.sub("", markup))
    markup = _BREAKS.sub("\n", markup)
    return html.unescape(nh3.clean(markup, tags=set())).strip()
