"""Stored XSS: whatever people write, nothing executable reaches the rendered thread page."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from datacollab.core.markdown import render_markdown
from datacollab.discussion.markdown import render_post
from datacollab.discussion.services import reply, start_thread

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<body onload="alert(1)">',
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<svg onload="alert(1)"><script>alert(2)</script></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<style>@import "javascript:alert(1)";</style>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<!--<img src=x onerror=alert(1)>-->",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](<javascript:alert(1)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '[click](https://ok.example "title" onclick="alert(1)")',
    '[click](https://ok.example"onmouseover="alert(1))',
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<https://ok.example/"onmouseover="alert(1)>',
    "[a](https://ok.example)<img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "@[<script>alert(1)</script>]",
    "@[Bob Brown](javascript:alert(1))",
    "[@[Bob Brown]](javascript:alert(1))",
    '<a href="https://ok.example" target=_blank onclick=alert(1)>x</a>',
    "<x onclick=alert(1)>custom</x>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
SAFE_SCHEMES = re.compile(r"^(https?:|mailto:|/|#|\?)", re.IGNORECASE)


class _Tags(HTMLParser):
    """Every tag of a page with its attributes, and whether it is inside a post (`div.prose`)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.found: list[tuple[bool, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((self.depth > 0, tag, attrs))
        if self.depth:
            self.depth += tag not in {"br", "hr"}
        elif tag == "div" and ("class", "prose") in attrs:
            self.depth = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((self.depth > 0, tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in {"br", "hr"}:
            self.depth -= 1


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}
EMBEDDING = {"iframe", "frame", "svg", "math", "object", "embed", "style", "base", "template"}
SITE_SCRIPT = '<script src="/static/datacollab/htmx.min.js" defer>'


def _problems(page: str) -> list[str]:
    problems = []
    parser = _Tags()
    parser.feed(page)
    for in_post, tag, attrs in parser.found:
        if in_post and tag not in ALLOWED_TAGS:
            problems.append(f"tag <{tag}> in a post")
        if tag in EMBEDDING or (tag == "meta" and any(n == "http-equiv" for n, _ in attrs)):
            problems.append(f"embedding tag <{tag}>")
        for name, value in attrs:
            if in_post and name not in {"href", "title", "rel", "align"}:
                problems.append(f"attribute {name} on <{tag}> in a post")
            if name.startswith("on"):
                problems.append(f"event handler {name} on <{tag}>")
            if name in URL_ATTRIBUTES:
                target = re.sub(r"[\x00-\x20]", "", html.unescape(value or ""))
                if not SAFE_SCHEMES.match(target):
                    problems.append(f"{name} {value!r} on <{tag}>")
    # A `<` of user text is always escaped, so any raw `<script` is a real element.
    scripts = re.findall(r"<script\b[^>]*>", page, re.IGNORECASE)
    if scripts != [SITE_SCRIPT]:
        problems.append(f"scripts {scripts}")
    return problems


def test_no_payload_survives_on_the_thread_page(world, login):
    thread = start_thread(
        actor=world.alice, channel=world.channel, title="<script>alert('t')</script>", body="Hi"
    )
    for payload in PAYLOADS:
        reply(actor=world.alice, thread=thread, body=payload)
    # All in one post too: for payloads that only work together.
    reply(actor=world.alice, thread=thread, body="\n\n".join(PAYLOADS))

    client = login(world.bob)
    url = reverse("thread-detail", args=[thread.pk])
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2)]

    assert sum(page.count('<div class="prose">') for page in pages) == len(PAYLOADS) + 2
    assert [_problems(page) for page in pages] == [[], []]
    assert "<h1>&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;</h1>" in pages[0]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_renders_harmless(payload):
    rendered = render_post(payload)

    assert (
        _problems(
            f'<div class="prose">{rendered}</div>'
            '<script src="/static/datacollab/htmx.min.js" defer>'
        )
        == []
    )


def test_the_checker_catches_what_it_looks_for():
    page = (
        '<div class="prose"><a href="java&#10;script:alert(1)" onclick="x">a</a><svg></svg></div>'
        f'<form action="data:x"></form><script>alert(1)</script>{SITE_SCRIPT}'
    )

    assert _problems(page) == [
        "href 'java\\nscript:alert(1)' on <a>",
        "attribute onclick on <a> in a post",
        "event handler onclick on <a>",
        "tag <svg> in a post",
        "embedding tag <svg>",
        "action 'data:x' on <form>",
        f"scripts ['<script>', '{SITE_SCRIPT}']",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "**bold** and *em* and [a link](https://example.org)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "~~gone~~ `code`\n\n```\nblock\n```",
        "> quote\n\n- one\n- two",
        "mail me at someone@example.org or [x](mailto:a@b.org)",
    ],
)
def test_post_rendering_equals_the_site_markdown_without_mentions(text):
    assert render_post(text) == render_markdown(text)
