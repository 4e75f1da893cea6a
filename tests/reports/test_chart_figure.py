"""A chart's figure written in Python is byte for byte what reports/_chart.html renders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from datacollab.reports.chart_figure import chart_figure
from datacollab.reports.charts import Bar, Chart, bar_chart
from tests.factories import make_cohort
from tests.i18n_catalogue import spanish

CHARTS = [
    bar_chart(
        key="funding",
        title="Funding & <awards>",
        description='Per cohort, "as awarded".',
        bars=[Bar("Data Cargo", 20000, "£20,000.00"), Bar("O'Reilly <Lab>", 12.5)],
        headers=("Cohort", "Awarded"),
    ),
    Chart(
        key="numbers",
        title="Numbers",
        description="Cells that are numbers, localised as {{ cell }} does.",
        svg=mark_safe("<svg></svg>"),
        headers=("Region", "Share", "Count"),
        rows=[("Africa", 12.5, 3), ("Europe", Decimal("0.25"), 1234567)],  # type: ignore[list-item]
    ),
    Chart(key="empty", title="Nothing <yet>", description="", svg=mark_safe(""), headers=()),
]


def _both(chart: Chart) -> tuple[str, str]:
    return chart_figure(chart), render_to_string("reports/_chart.html", {"chart": chart})


@pytest.mark.parametrize("language", ["en-gb", "fr", "pt"])
@pytest.mark.parametrize("chart", CHARTS, ids=[c.key for c in CHARTS])
def test_chart_figure_writes_what_the_chart_template_writes(language, chart):
    with translation.override(language):
        python, template = _both(chart)

    assert python == template


@pytest.mark.parametrize("chart", CHARTS, ids=[c.key for c in CHARTS])
def test_chart_figure_translated_writes_what_the_chart_template_writes(tmp_path, chart):
    messages = {
        "No data yet.": "Aún no hay datos (d'ici)",
        "The data of “%(title)s”": "«%(title)s» & co",
    }
    with spanish(tmp_path, messages):
        python, template = _both(chart)

    assert python == template
    assert ("Aún no hay datos (d'ici)" in python) == chart.empty


def test_chart_figure_with_a_broken_translation_shows_the_english_as_the_template(tmp_path):
    with spanish(tmp_path, {"The data of “%(title)s”": "Los datos de %(titulo)s"}):
        python, template = _both(CHARTS[0])

    assert python == template
    assert "The data of “Funding &amp; &lt;awards&gt;”" in python


@pytest.mark.django_db
def test_dashboards_render_no_chart_template(convener, login):
    # Each chart was an include with a loop per row and per cell: 12 to 15 a dashboard.
    cohort = make_cohort()
    client = login(convener)

    pages = [client.get(f"/cohorts/{cohort.slug}/dashboard/"), client.get("/dashboard/")]

    assert [
        (page.status_code, [t.name for t in page.templates].count("reports/_chart.html"))
        for page in pages
    ] == [(200, 0), (200, 0)]
