"""`{% load charts %}{{ chart|chart_figure }}`: a chart's figure without a template include."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from datacollab.reports.chart_figure import chart_figure as _chart_figure
from datacollab.reports.charts import Chart

register = template.Library()


@register.filter
def chart_figure(chart: Chart | None) -> SafeString:
    if not isinstance(chart, Chart):  # None, or a missing variable: as the include did
        return render_to_string("reports/_chart.html", {"chart": chart})
    return _chart_figure(chart)
