"""A chart's figure (its SVG beside its data table), written in Python.

The same HTML as `reports/_chart.html` (tests/reports/test_chart_figure.py compares them byte
for byte, in several languages): the dashboards show 12 to 15 charts, each an include with a
loop over its rows and one over each row's cells, about a third of a dashboard's CPU in
Django's template engine. Values go through `render_value_in_context`, as `{{ cell }}` does
(localised numbers, escaped text).
"""

from __future__ import annotations

from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from datacollab.reports.charts import Chart

COL = '"col"'
COL_NUM = '"col" class="num"'


def _caption(title: str, context: Context) -> str:
    # As {% blocktranslate %}: the translation unescaped, the value escaped, and the English
    # when a translation's placeholders do not fit.
    msgid = "The data of “%(title)s”"
    data = {"title": render_value_in_context(title, context)}
    try:
        return gettext(msgid) % data
    except (KeyError, ValueError):
        return msgid % data


def chart_figure(chart: Chart) -> SafeString:
    context = Context()

    def shown(value: object) -> str:
        return render_value_in_context(value, context)

    key = shown(chart.key)
    parts = [
        f'<figure class="chart-figure" id="{key}" aria-labelledby="{key}-caption">\n'
        f'  <figcaption id="{key}-caption">{shown(chart.title)}</figcaption>\n  '
    ]
    if chart.empty:
        parts.append(f'\n  <p class="muted">{gettext("No data yet.")}</p>\n  ')
    else:
        headers = "".join(
            f"<th scope={COL if n == 0 else COL_NUM}>{shown(header)}</th>"
            for n, header in enumerate(chart.headers)
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f'<th scope="row">{shown(cell)}</th>'
                if n == 0
                else f'<td class="num">{shown(cell)}</td>'
                for n, cell in enumerate(row)
            )
            + "</tr>\n        "
            for row in chart.rows
        )
        parts.append(
            '\n  <div class="chart-pair">\n'
            f'    <div class="chart-svg">{shown(chart.svg)}</div>\n'
            '    <div class="table-wrap">\n'
            '      <table class="chart-data">\n'
            f'        <caption class="muted">{_caption(chart.title, context)}</caption>\n'
            f"        <thead><tr>{headers}</tr></thead>\n"
            "        <tbody>\n"
            f"        {rows}\n"
            "        </tbody>\n"
            "      </table>\n"
            "    </div>\n"
            "  </div>\n"
            f'  <p class="muted chart-desc">{shown(chart.description)}</p>\n  '
        )
    parts.append("\n</figure>\n")
    return mark_safe("".join(parts))  # every value above is escaped as the template does
