"""Source msgids the translators flagged in their second pass (issue 14, "tr2"), fixed at the
source: each test would fail on the old msgid.

A Spanish catalogue written by the test (tests/i18n_catalogue.py) shows a context reaching the
translator: the same English with two meanings is two entries.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from datacollab.reports.figures import residence_chart, residence_label
from datacollab.reports.selectors.diversity import NOT_RECORDED, Residence
from tests.i18n_catalogue import spanish

CONTEXT = "\x04"  # GNU gettext: msgctxt, then this byte, then msgid


def test_residence_share_sentence_says_live_once():
    residence = Residence(people=40, rows=[], global_south=12, recorded=30)

    with translation.override("en-gb"):
        chart = residence_chart("residence", residence)

    assert chart.description == (
        "40 people take part; a person who lives in several countries counts in each. Counts "
        "below 5 are withheld, as on the feedback pages. 40 % of the people who gave their "
        "country of residence live in the Global South."
    )


def test_not_recorded_for_people_and_for_organisations_are_two_msgids(tmp_path: Path):
    class Organisation:
        operating_countries: list[str] = []
        is_global_south_by_operation = False

    catalogue = {
        f"people's country of residence{CONTEXT}Not recorded": "Sin indicar",
        f"organisation's countries of operation{CONTEXT}Not recorded": "Sin registrar",
    }

    with spanish(tmp_path, catalogue):
        person = residence_label(NOT_RECORDED)
        html = render_to_string("organisations/_operation.html", {"organisation": Organisation()})

    assert person == "Sin indicar"
    assert '<span class="muted">Sin registrar</span>' in html
