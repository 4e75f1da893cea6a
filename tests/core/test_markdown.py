from __future__ import annotations

from html.parser import HTMLParser

import pytest

from datacollab.core.markdown import render_markdown

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<svg onload="alert(1)"></svg>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '![img](x" onerror="alert(1))',
    "<details open ontoggle=alert(1)>",
]


def test_markdown_renders_common_syntax():
    html = render_markdown("# Title\n\n**bold** and [a link](https://example.org)")
    assert html == (
        "<h1>Title</h1>\n<p><strong>bold</strong> and "
        '<a href="https://example.org" rel="nofollow noopener noreferrer">a link</a></p>\n'
    )


class _Elements(HTMLParser):
    """Collect what a browser would build: tags and their attributes (text is harmless)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)


@pytest.mark.parametrize("payload", XSS)
def test_markdown_strips_executable_content(payload):
    parser = _Elements()
    parser.feed(render_markdown(payload))
    assert set(parser.tags) <= {"p", "a", "img", "div", "em", "strong"} - {"img", "div"}
    for name, value in parser.attrs:
        assert not name.startswith("on")
        assert name != "style"
        if name == "href":
            assert value.split(":", 1)[0] in {"http", "https", "mailto"} or ":" not in value


def test_markdown_empty_input_gives_empty_output():
    assert render_markdown("") == ""
