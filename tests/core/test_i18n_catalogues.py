"""Issue 14: every translated message keeps its msgid's placeholders and markup, so a
translation can neither crash a page (a missing or renamed %(name)s) nor break its HTML.

msgfmt --check (make i18n-check) checks python-format; this also checks the brace fields
({name}, {{ name }}), template tags ({% if %}) and HTML tags, in every catalogue."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "src" / "datacollab" / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))

PATTERNS = [  # in this order: a template tag first, so "{% if" is not read as "% i"
    re.compile(r"\{%.*?%\}"),  # {% if feedback %}
    # {{ name }}, but not the advice "write {{ and }} for a literal brace" in any language
    re.compile(r"\{\{(?!\s*(?:and|y|et|e|ou|o)\s*\}\})\s*[\w.|:\"' ]+?\s*\}\}"),
    re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]"),  # %(name)s
    # %s, %d; no space flag, so French "50 % des" is prose, not a placeholder.
    re.compile(r"%[-#0+]*\d*(?:\.\d+)?[sdifrx]"),
    re.compile(r"(?<!\{)\{[A-Za-z_]\w*\}(?!\})"),  # {name}
    re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b"),  # <a, </a, <strong
]


def placeholders(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    rest = text.replace("%%", "")
    for pattern in PATTERNS:
        for match in pattern.findall(rest):
            found[" ".join(match.split())] += 1
        rest = pattern.sub(" ", rest)
    return found


def mismatches(path: Path) -> list[str]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    problems = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        singular, plural = placeholders(ids[0]), placeholders(ids[-1])
        for index, string in enumerate(strings):
            if not string:
                continue
            have = placeholders(string)
            if len(ids) == 1:
                ok = have == singular
            else:
                # A plural form may leave out the count ("one review"), never add a name;
                # {% blocktranslate count %} names the count `counter`.
                allowed = singular | plural
                ok = not (have - allowed) and set(plural - have) <= {
                    "%(n)d",
                    "%(count)d",
                    "%d",
                    "%(counter)s",
                }
            if not ok:
                problems.append(f"{path.parts[-3]} {ids[0]!r} [{index}]: {string!r}")
    return problems


def test_placeholders_finds_each_kind():
    text = '%(name)s %d {{ call }} {% if feedback %} {org} <a href="x">link</a> 100%%'
    assert placeholders(text) == Counter(
        {
            "%(name)s": 1,
            "%d": 1,
            "{{ call }}": 1,
            "{% if feedback %}": 1,
            "{org}": 1,
            "<a": 1,
            "</a": 1,
        }
    )


def test_a_translation_that_drops_or_renames_a_placeholder_is_found(tmp_path):
    po = tmp_path / "xx" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Hola %(nombre)s"\n\n'
        'msgid "Open <a href=\\"%(url)s\\">it</a>"\nmsgstr "Abrir %(url)s"\n\n'
        'msgid "Fine {org}"\nmsgstr "Bien {org}"\n',
        encoding="utf-8",
    )
    assert mismatches(po) == [
        "xx 'Hello %(name)s' [0]: 'Hola %(nombre)s'",
        "xx 'Open <a href=\"%(url)s\">it</a>' [0]: 'Abrir %(url)s'",
    ]


def test_catalogues_exist_for_each_offered_language_but_english():
    assert [path.parts[-3] for path in CATALOGUES] == ["es", "fr", "pt"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_translations_keep_the_msgids_placeholders_and_markup(path):
    assert mismatches(path) == []
