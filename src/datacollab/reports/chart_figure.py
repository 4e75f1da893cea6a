"""A chart's figure (its SVG beside its data table), written in Python.

The same HTML as `reports/_chart.html` (tests/reports/test_chart_figure.py compares them byte
for byte, in several languages): the dashboards show 12 to 15 charts, each an include with a
loop over its rows and one over each row's cells, about a third of a dashboard's CPU in
Django's template engine. Values go through `render_value_in_context`, as `{{ cell }}` does
(localised numbers, escaped text).
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from datacollab.core.html_text import blocktranslated, shown
from datacollab.reports.charts import Chart

DATA_OF = gettext_noop("The data of “%(title)s”")
# In f-strings, which makemessages cannot read: marked here, translated where used.
NO_DATA_YET = gettext_noop("No data yet.")
COL = '"col"'
COL_NUM = '"col" class="num"'


def chart_figure(chart: Chart) -> SafeString:
    key = shown(chart.key)
    parts = [
        f'<figure class="chart-figure" id="{key}" aria-labelledby="{key}-caption">\n'
        f'  <figcaption id="{key}-caption">{shown(chart.title)}</figcaption>\n  '
    ]
    if chart.empty:
        parts.append(f'\n  <p class="muted">{gettext(NO_DATA_YET)}</p>\n  ')
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
        caption = blocktranslated(DATA_OF, title=chart.title)
        parts.append(
            '\n  <div class="chart-pair">\n'
            f'    <div class="chart-svg">{shown(chart.svg)}</div>\n'
            '    <div class="table-wrap">\n'
            '      <table class="chart-data">\n'
            f'        <caption class="muted">{caption}</caption>\n'
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
