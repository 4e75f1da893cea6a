"""Dates in the reader's locale: named formats per language (datacollab/formats/, core/dates.py),
and no template fixing a pattern with month or weekday names."""

from __future__ import annotations

import datetime as dt
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from datacollab.core.dates import FORMAT_NAMES, format_date, named_format

SIXTH = dt.date(2026, 12, 6)
MOMENT = dt.datetime(2026, 12, 6, 14, 5, tzinfo=dt.UTC)
SRC = Path(__file__).resolve().parents[2] / "src" / "datacollab"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", "6 December 2026"),
        ("es", "6 de diciembre de 2026"),
        ("fr", "6 décembre 2026"),
    ],
)
def test_long_date_in_each_language(language: str, expected: str) -> None:
    with translation.override(language):
        shown = formats.date_format(SIXTH, "DATE_FORMAT")

    assert shown == expected


def test_long_date_in_portuguese_has_its_prepositions() -> None:
    # "6 de dezembro de 2026" once our catalogue gives the lower-case months
    # (core/month_names.py); Django's own pt catalogue says "Dezembro" until then.
    with translation.override("pt"):
        shown = formats.date_format(SIXTH, "DATE_FORMAT")

    assert shown.lower() == "6 de dezembro de 2026"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", "6 Dec 2026"),
        ("es", "6 dic 2026"),
        ("fr", "6 déc. 2026"),
    ],
)
def test_short_date_in_each_language(language: str, expected: str) -> None:
    with translation.override(language):
        shown = formats.date_format(SIXTH, "SHORT_DATE_FORMAT")

    assert shown == expected


def test_english_keeps_todays_patterns() -> None:
    with translation.override("en-gb"):
        shown = [
            format_date(MOMENT, name)
            for name in (
                "DATETIME_FORMAT",
                "SHORT_DATETIME_FORMAT",
                "DATETIME_ZONE_FORMAT",
                "SHORT_DATETIME_ZONE_FORMAT",
                "WEEKDAY_DATETIME_FORMAT",
                "YEAR_MONTH_FORMAT",
            )
        ]

    assert shown == [
        "6 December 2026, 14:05",
        "6 Dec 2026, 14:05",
        "6 December 2026, 14:05 UTC",
        "6 Dec 2026, 14:05 UTC",
        "Sun 6 Dec 2026, 14:05",
        "December 2026",
    ]


def test_weekday_filter_reads_the_readers_table() -> None:
    template = Template('{% load dates %}{{ moment|datefmt:"WEEKDAY_DATETIME_ZONE_FORMAT" }}')

    with translation.override("es"):
        shown = template.render(Context({"moment": MOMENT}))

    assert shown == "dom 6 dic 2026, 14:05 UTC"


def test_datefmt_filter_of_nothing_is_empty() -> None:
    template = Template('{% load dates %}{{ moment|datefmt:"SHORT_DATETIME_ZONE_FORMAT" }}')

    assert template.render(Context({"moment": None})) == ""


def test_named_format_refuses_an_unknown_name() -> None:
    with pytest.raises(ValueError):
        named_format("j F Y")


@pytest.mark.parametrize("locale", ["en_GB", "es", "fr", "pt"])
def test_every_format_module_sets_every_name(locale: str) -> None:
    module = import_module(f"datacollab.formats.{locale}.formats")

    missing = sorted(name for name in FORMAT_NAMES if not hasattr(module, name))

    assert missing == []


# Letters that print a month's or a weekday's name: only a named format may use them.
NAME_LETTERS = re.compile(r"(?<!\\)[FMDlNEb]")
FIXED_DATE = re.compile(r"""\|(?:date|time):(?:"([^"]*)"|'([^']*)')""")


def test_no_template_fixes_a_date_pattern_with_names() -> None:
    offenders = []
    for path in sorted(SRC.rglob("templates/**/*")):
        if not path.is_file() or path.suffix not in {".html", ".txt", ".ics", ".md"}:
            continue
        for match in FIXED_DATE.finditer(path.read_text()):
            pattern = match.group(1) or match.group(2)
            if pattern in FORMAT_NAMES:
                continue
            if NAME_LETTERS.search(pattern):
                offenders.append(f"{path.relative_to(SRC)}: {pattern}")

    assert offenders == []
