"""Every word a template shows a person is marked for translation.

The network reaches Spanish, French and Portuguese speakers (issue 14): a word
left out of ``{% translate %}`` / ``{% blocktranslate %}`` stays English for
them. This test reads every template with Django's own lexer, replaces what is
marked (and every ``{{ expression }}`` and tag) by a placeholder, parses the
HTML that is left and fails on any word in text or in an attribute a person
sees (``title``, ``alt``, ``placeholder``, ``aria-label``, a button's
``value``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

SRC = Path(__file__).resolve().parent.parent / "src" / "datacollab"

# Words that read the same in every language, each with its reason. Keep short:
# a word belongs here only if a translator would leave it untouched.
ALLOWED_WORDS = {
    "datacollab": "the product's name",
    "ODI": "the Open Data Institute's initials",
    "CSV": "file format name",
    "JSON": "file format name",
    "JSONL": "file format name",
    "PDF": "file format name",
    "Parquet": "file format name",
    "Markdown": "file format name",
    "SVG": "file format name",
    "XLSX": "file format name",
    "API": "technical initials",
    "URL": "technical initials",
    "ODRL": "standard's name (glossary: proper names)",
    "DCAT": "standard's name",
    "AP": "part of DCAT-AP",
    "OpenAPI": "standard's name",
    "GBP": "currency code",
    "EUR": "currency code",
    "USD": "currency code",
    "ID": "identifier initials",
    "SPDX": "standard's name",
    "iCalendar": "standard's name",
    "ics": "file extension",
    "KB": "unit",
    "MB": "unit",
    "GB": "unit",
    "km": "unit",
    "SHA-256": "hash algorithm's name",
    "JSON-LD": "file format name",
    "Turtle": "RDF file format name",
    "org-id": "organisation identifier scheme (org-id.guide)",
    "ROR": "Research Organization Registry, an identifier scheme",
}
# Literals a filter prints that are values of a standard, not prose.
ALLOWED_LITERALS = {
    "any": "Table Schema's type name for an untyped field",
    "string": "Table Schema's default type name",
}

# Elements whose text is not prose: code a person copies, and script/style.
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp"}
VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "label",
    "hx-confirm",  # htmx shows it in a confirm dialog
    "hx-prompt",
}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}

# Two letters or more: single letters are list markers, units or symbols.
WORD = re.compile(r"[^\W\d_]{2,}")
# A literal handed to a filter that prints it (default, yesno...) is shown too.
SHOWN_LITERAL = re.compile(r"\|(?:default|default_if_none|yesno):\"([^\"]*)\"")
PLACEHOLDER = "\ufffc"


def _templates() -> list[Path]:
    return sorted(
        p for p in SRC.glob("**/templates/**/*") if p.is_file() and p.suffix in {".html", ".txt"}
    )


ALLOWED = re.compile(
    "|".join(
        rf"(?<![\w-]){re.escape(term)}(?![\w-])"
        for term in sorted(ALLOWED_WORDS, key=len, reverse=True)
    )
)


def _words(text: str) -> list[str]:
    return WORD.findall(ALLOWED.sub(" ", text))


def _skeleton(source: str) -> tuple[str, list[tuple[int, str]]]:
    """The template's text with every tag, variable and translated span replaced.

    Newlines are kept so the HTML parser's line numbers are the template's.
    Also returns literal strings a variable prints, which are shown unmarked.
    """
    parts: list[str] = []
    shown_literals: list[tuple[int, str]] = []
    depth_translated = 0  # inside blocktranslate
    depth_skipped = 0  # inside comment / verbatim
    for token in Lexer(source).tokenize():
        lines = "\n" * token.contents.count("\n")
        if token.token_type == TokenType.COMMENT:
            parts.append(lines)
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name in {"blocktranslate", "blocktrans"}:
                depth_translated += 1
            elif name in {"endblocktranslate", "endblocktrans"}:
                depth_translated -= 1
            elif name in {"comment", "verbatim"}:
                depth_skipped += 1
            elif name in {"endcomment", "endverbatim"}:
                depth_skipped -= 1
            parts.append(PLACEHOLDER + lines)
            continue
        if token.token_type == TokenType.VAR:
            for literal in SHOWN_LITERAL.findall(token.contents):
                if _words(literal) and literal not in ALLOWED_LITERALS:
                    shown_literals.append((token.lineno, literal))
            parts.append(PLACEHOLDER + lines)
            continue
        if depth_translated or depth_skipped:
            parts.append(PLACEHOLDER + "\n" * token.contents.count("\n"))
        else:
            parts.append(token.contents)
    return "".join(parts), shown_literals


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skipping.append(tag)
        values = dict(attrs)
        shown = [v for k, v in attrs if k in VISIBLE_ATTRIBUTES and v]
        if (
            tag == "input"
            and (values.get("type") or "") in BUTTON_INPUT_TYPES
            and values.get("value")
        ):
            shown.append(values["value"] or "")
        for value in shown:
            if _words(value):
                self.found.append((self.getpos()[0], value))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        skipping = list(self._skipping)
        self.handle_starttag(tag, attrs)
        self._skipping = skipping

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and _words(data):
            # The text starts on the parser's line plus its own leading newlines.
            offset = len(data) - len(data.lstrip("\n"))
            self.found.append((self.getpos()[0] + offset, data.strip()))


def unmarked_text(path: Path, root: Path = SRC) -> list[str]:
    source = path.read_text(encoding="utf-8")
    skeleton, literals = _skeleton(source)
    rel = path.relative_to(root)
    problems = [f"{rel}:{line}: {text!r} (literal shown by a filter)" for line, text in literals]
    if path.suffix == ".txt":
        for number, line in enumerate(skeleton.split("\n"), start=1):
            if _words(line):
                problems.append(f"{rel}:{number}: {line.strip()!r}")
        return problems
    parser = _VisibleText()
    parser.feed(skeleton)
    parser.close()
    problems += [
        f"{rel}:{line}: {' '.join(text.replace(PLACEHOLDER, ' ').split())!r}"
        for line, text in parser.found
    ]
    return problems


def test_templates_every_visible_word_marked_for_translation() -> None:
    problems = [problem for path in _templates() for problem in unmarked_text(path)]

    assert problems == []


def test_templates_scanner_finds_unmarked_text(tmp_path: Path) -> None:
    template = tmp_path / "templates" / "x.html"
    template.parent.mkdir()
    template.write_text(
        '{% load i18n %}<h1>{% translate "Fine" %}</h1>\n'
        "<p>Left in English</p>\n"
        '<img alt="A chart" src="x.png">{# a comment #}\n'
        "{% blocktranslate %}Marked {{ x }}{% endblocktranslate %}<code>pip install</code>\n"
        '<input type="submit" value="Save">{{ x|default:"Nothing yet" }} CSV\n',
        encoding="utf-8",
    )

    problems = unmarked_text(template, root=tmp_path)

    assert problems == [
        "templates/x.html:5: 'Nothing yet' (literal shown by a filter)",
        "templates/x.html:2: 'Left in English'",
        "templates/x.html:3: 'A chart'",
        "templates/x.html:5: 'Save'",
    ]
