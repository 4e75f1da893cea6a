"""Source msgids the translators flagged in their second pass (issue 14, "tr2"), fixed at the
source: each test would fail on the old msgid.

A Spanish catalogue written by the test (tests/i18n_catalogue.py) shows a context reaching the
translator: the same English with two meanings is two entries.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from datacollab.privacy.engine.query import Dimension
from datacollab.privacy.forms import QueryForm, grouping_label
from datacollab.privacy.models import ProtectionSettings
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


def test_time_grouping_is_one_whole_phrase_per_period(tmp_path: Path):
    catalogue = {"%(c)s by week": "%(c)s por semana", "%(c)s by hour": "%(c)s por hora"}

    with spanish(tmp_path, catalogue):
        labels = [
            grouping_label(Dimension("pickup_time", bucket=bucket)) for bucket in ("week", "hour")
        ]

    assert labels == ["pickup_time por semana", "pickup_time por hora"]


def test_query_form_labels_are_whole_sentences_about_the_column():
    settings = ProtectionSettings(dimensions=["pickup_time", "zone"], measures=[])

    with translation.override("en-gb"):
        form = QueryForm(settings=settings, types={"pickup_time": "datetime", "zone": "string"})
        labels = {name: str(field.label) for name, field in form.fields.items() if "_" in name}

    assert labels == {
        "bucket_0": "How to group the dates of pickup_time",
        "from_0": "Only the rows whose pickup_time is on or after this date",
        "to_0": "Only the rows whose pickup_time is before this date",
        "filter_1": "Only the rows whose zone is one of these values",
    }
    assert [str(label) for _bucket, label in form.fields["bucket_0"].choices][:2] == [
        "By hour",
        "By day",
    ]
