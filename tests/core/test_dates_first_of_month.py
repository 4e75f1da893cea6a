"""French writes the first of a month "1er décembre 2026" (core/dates.py): in the `date` and
`datefmt` filters and in the dates mails and PDFs build in Python; the second of the month,
numeric dates and the other languages are unchanged."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from datacollab.core.dates import date_format, first_of_month, format_date

FIRST = dt.date(2026, 12, 1)
SECOND = dt.date(2026, 12, 2)
SRC = Path(__file__).resolve().parents[2] / "src" / "datacollab"


def _date_filter(value: dt.date, name: str, language: str) -> str:
    with translation.override(language):
        return Template("{{ value|date:name }}").render(Context({"value": value, "name": name}))


@pytest.mark.parametrize(
    ("value", "name", "expected"),
    [
        (FIRST, "DATE_FORMAT", "1er décembre 2026"),
        (SECOND, "DATE_FORMAT", "2 décembre 2026"),
        (FIRST, "SHORT_DATE_FORMAT", "1er déc. 2026"),
        (SECOND, "SHORT_DATE_FORMAT", "2 déc. 2026"),
        (FIRST, "MONTH_DAY_FORMAT", "1er décembre"),
        (FIRST, "YEAR_MONTH_FORMAT", "décembre 2026"),
    ],
)
def test_date_filter_in_french_writes_the_first_of_the_month_as_1er(value, name, expected):
    assert _date_filter(value, name, "fr") == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", "1 December 2026"),
        ("es", "1 de diciembre de 2026"),
    ],
)
def test_date_filter_in_other_languages_keeps_the_plain_day(language, expected):
    assert _date_filter(FIRST, "DATE_FORMAT", language) == expected


def test_date_filter_in_portuguese_keeps_the_plain_day():
    # Lower-cased: the month's capital depends on the catalogue (core/month_names.py).
    assert _date_filter(FIRST, "DATE_FORMAT", "pt").lower() == "1 de dezembro de 2026"


def test_date_filter_with_a_numeric_pattern_in_french_has_no_ordinal():
    assert _date_filter(FIRST, "d/m/Y", "fr") == "01/12/2026"


def test_date_filter_with_a_pattern_of_day_and_month_name_in_french_has_the_ordinal():
    assert _date_filter(FIRST, "j F", "fr") == "1er décembre"


def test_datefmt_filter_in_french_writes_1er():
    moment = dt.datetime(2026, 12, 1, 14, 5)
    with translation.override("fr"):
        shown = Template('{% load dates %}{{ m|datefmt:"WEEKDAY_DATETIME_FORMAT" }}').render(
            Context({"m": moment})
        )

    assert shown == "mar. 1er déc. 2026 à 14:05"


def test_format_date_on_the_second_in_french_is_unchanged():
    with translation.override("fr"):
        shown = format_date(dt.datetime(2026, 12, 2, 9, 0), "DATETIME_FORMAT")

    assert shown == "2 décembre 2026 à 09:00"


def test_date_format_for_mails_in_french_writes_1er():
    shown = []
    for language in ("fr", "en-gb"):
        with translation.override(language):
            shown.append(date_format(FIRST, "DATE_FORMAT"))

    assert shown == ["1er décembre 2026", "1 December 2026"]


def test_first_of_month_keeps_escaped_letters_escaped():
    assert first_of_month(r"\j\o\u\r j F", FIRST, "fr") == r"\j\o\u\r j\e\r F"


def test_no_python_module_formats_a_date_without_the_french_first():
    """Python code formats dates with core/dates.py's `date_format`, not Django's, so a mail or
    PDF in French says "1er" too."""
    found = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"formats\.date_format\(", path.read_text(encoding="utf-8"))
    ]

    assert found == []
