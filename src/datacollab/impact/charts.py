"""The impact pages' charts, drawn by `reports/charts.py` (server-side SVG with a data table)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _

from datacollab.core import dates
from datacollab.core.dates import format_date
from datacollab.impact.models import Kind
from datacollab.impact.selectors.usage import MIN_COUNTRY_READERS, Usage
from datacollab.reports.charts import Bar, Chart, Group, bar_chart, stacked_bar_chart


def bucket_label(start: dt.date, bucket: str) -> str:
    if bucket == "month":
        return format_date(start, "SHORT_YEAR_MONTH_FORMAT")
    if bucket == "week":
        return _("week of %(day)s") % {"day": dates.date_format(start, "SHORT_DATE_FORMAT")}
    return dates.date_format(start, "SHORT_DATE_FORMAT")


def _n(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _bucket_name(bucket: str) -> str:
    return {"day": _("day"), "week": _("week"), "month": _("month")}[bucket]


def trend_chart(usage: Usage) -> Chart:
    bucket = usage.period.bucket
    return stacked_bar_chart(
        key="impact-trend",
        title=_("Use over time"),
        description=_(
            "%(total)s reads in the period: page views, downloads, API calls and "
            "aggregate queries, per %(bucket)s."
        )
        % {
            "total": formats.number_format(usage.total, force_grouping=True),
            "bucket": _bucket_name(bucket),
        },
        series=[str(label) for label in Kind.labels],
        groups=[
            Group(
                bucket_label(item.start, bucket),
                tuple(float(item.counts[kind]) for kind in Kind.values),
                tuple(_n(item.counts[kind]) for kind in Kind.values),
            )
            for item in usage.buckets
        ],
        label_header=_("Period"),
        totals=[_n(sum(item.counts.values())) for item in usage.buckets],
    )


def readers_chart(usage: Usage) -> Chart:
    return bar_chart(
        key="impact-readers",
        title=_("Signed-in readers over time"),
        description=_(
            "Distinct signed-in people per period (%(readers)s in all). People who are not "
            "signed in are counted in the reads but never told apart."
        )
        % {"readers": usage.readers},
        bars=[
            Bar(bucket_label(item.start, usage.period.bucket), item.readers, _n(item.readers))
            for item in usage.buckets
        ],
        headers=(_("Period"), _("Readers")),
    )


def countries_chart(usage: Usage) -> Chart:
    bars = [Bar(name, n, _n(n)) for name, n in usage.countries]
    if usage.other_countries:
        bars.append(Bar(_("Other countries"), usage.other_countries, _n(usage.other_countries)))
    return bar_chart(
        key="impact-countries",
        title=_("Signed-in readers by country"),
        description=_(
            "From readers' profiles, else their organisations; never from their address. "
            "Countries with fewer than %(n)s readers are summed as other countries."
        )
        % {"n": MIN_COUNTRY_READERS},
        bars=bars,
        headers=(_("Country"), _("Readers")),
    )
