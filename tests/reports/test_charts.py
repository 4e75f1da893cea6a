"""Server-side SVG charts: accessible, escaped, drawn to scale, with their data table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from datacollab.reports.charts import (
    LABEL_WIDTH,
    VALUE_WIDTH,
    WIDTH,
    Bar,
    Group,
    bar_chart,
    funnel_chart,
    grouped_bar_chart,
    stacked_bar_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def _bar_widths(svg: str) -> list[float]:
    # Bars carry a <title>; legend swatches do not.
    return [
        float(rect.get("width", "0"))
        for rect in _tree(svg).iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    ]


def test_bar_chart_is_labelled_for_screen_readers():
    chart = bar_chart(
        key="regions",
        title="Organisations by region",
        description="Three regions.",
        bars=[Bar("Africa", 3), Bar("Europe", 1)],
        headers=("Region", "Organisations"),
    )

    root = _tree(chart.svg)

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "regions-title regions-desc"
    assert root.find(f"{SVG}title").get("id") == "regions-title"
    assert root.find(f"{SVG}title").text == "Organisations by region"
    assert root.find(f"{SVG}desc").text == "Three regions."
    assert chart.headers == ("Region", "Organisations")
    assert chart.rows == [("Africa", "3"), ("Europe", "1")]


def test_bar_chart_draws_bars_to_scale():
    chart = bar_chart(
        key="k",
        title="t",
        description="d",
        bars=[Bar("a", 4), Bar("b", 2), Bar("c", 0)],
        headers=("x", "y"),
    )

    assert _bar_widths(chart.svg) == [AREA, AREA / 2, 0.0]


def test_bar_chart_with_a_maximum_scales_to_it():
    chart = bar_chart(
        key="k",
        title="t",
        description="d",
        bars=[Bar("a", 50, "50 %")],
        headers=("x", "y"),
        maximum=100,
    )

    assert _bar_widths(chart.svg) == [AREA / 2]
    assert chart.rows == [("a", "50 %")]


def test_bar_chart_escapes_every_text():
    hostile = '<script>alert("x")</script>&'
    chart = bar_chart(
        key='k"><script>',
        title=hostile,
        description=hostile,
        bars=[Bar(hostile, 1, hostile)],
        headers=("x", "y"),
    )

    assert "<script>" not in chart.svg
    root = _tree(chart.svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == hostile


def test_bar_chart_shortens_long_labels_but_keeps_them_whole_in_the_table():
    label = "The International Organisation for Very Long Names"
    chart = bar_chart(key="k", title="t", description="d", bars=[Bar(label, 1)], headers=("x", "y"))

    texts = [text.text for text in _tree(chart.svg).iter(f"{SVG}text")]

    assert texts[0] == "The International Organ…"
    assert chart.rows == [(label, "1")]


def test_empty_bar_chart_is_empty_and_still_valid():
    chart = bar_chart(key="k", title="t", description="d", bars=[], headers=("x", "y"))

    assert chart.empty is True
    assert _bar_widths(chart.svg) == []


def test_grouped_bar_chart_has_a_bar_per_series_and_a_legend():
    chart = grouped_bar_chart(
        key="k",
        title="Funnel by region",
        description="d",
        series=["Applied", "Selected"],
        groups=[Group("Africa", (4.0, 2.0)), Group("Europe", (2.0, 0.0))],
        label_header="Region",
    )

    texts = [text.text for text in _tree(chart.svg).iter(f"{SVG}text")]

    assert _bar_widths(chart.svg) == [AREA, AREA / 2, AREA / 2, 0.0]
    assert texts[:2] == ["Applied", "Selected"]
    assert chart.headers == ("Region", "Applied", "Selected")
    assert chart.rows == [("Africa", "4", "2"), ("Europe", "2", "0")]


def test_stacked_bar_chart_puts_segments_end_to_end():
    chart = stacked_bar_chart(
        key="k",
        title="Funding",
        description="d",
        series=["Paid", "Unpaid", "Left"],
        groups=[Group("Cohort", (10.0, 10.0, 20.0), ("£10", "£10", "£20"))],
        label_header="Budget",
        totals=["£40"],
    )

    rects = [
        rect for rect in _tree(chart.svg).iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None
    ]

    assert [float(rect.get("x")) for rect in rects] == [
        LABEL_WIDTH,
        LABEL_WIDTH + AREA / 4,
        LABEL_WIDTH + AREA / 2,
    ]
    assert _bar_widths(chart.svg) == [AREA / 4, AREA / 4, AREA / 2]
    assert chart.rows == [("Cohort", "£10", "£10", "£20")]


def test_funnel_chart_centres_stages_and_gives_the_share_of_the_first():
    chart = funnel_chart(
        key="k",
        title="Funnel",
        description="d",
        stages=[Bar("Applied", 10), Bar("Eligible", 5), Bar("Selected", 0)],
        headers=("Stage", "Applications", "Share"),
    )

    rects = [
        rect for rect in _tree(chart.svg).iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None
    ]

    assert [float(rect.get("x")) for rect in rects] == [
        LABEL_WIDTH,
        LABEL_WIDTH + AREA / 4,
        LABEL_WIDTH + AREA / 2,
    ]
    assert chart.rows == [
        ("Applied", "10", "100 %"),
        ("Eligible", "5", "50 %"),
        ("Selected", "0", "0 %"),
    ]


def test_charts_use_no_style_attribute_the_csp_would_block():
    chart = grouped_bar_chart(
        key="k",
        title="t",
        description="d",
        series=["a", "b"],
        groups=[Group("g", (1.0, 2.0))],
        label_header="x",
    )

    assert re.findall(r"\bstyle=", chart.svg) == []
