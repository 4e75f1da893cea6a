"""The periods an impact page can show, and the buckets (day, week, month) of each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Period:
    key: str
    label: str | Promise
    days: int | None  # None: since the first count
    bucket: str  # "day", "week" or "month"

    def start(self, today: dt.date) -> dt.date | None:
        return None if self.days is None else today - dt.timedelta(days=self.days - 1)


PERIODS: dict[str, Period] = {
    period.key: period
    for period in (
        Period("30d", _("Last 30 days"), 30, "day"),
        Period("90d", _("Last 90 days"), 90, "week"),
        Period("12m", _("Last 12 months"), 365, "month"),
        Period("all", _("All time"), None, "month"),
    )
}
DEFAULT_PERIOD = "90d"


def period_of(key: str | None) -> Period:
    """The period a query string names; the default for anything else (a filter, not an error)."""
    return PERIODS.get(key or "", PERIODS[DEFAULT_PERIOD])


def bucket_start(day: dt.date, bucket: str) -> dt.date:
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def bucket_starts(first: dt.date, last: dt.date, bucket: str) -> list[dt.date]:
    """Every bucket from the one holding `first` to the one holding `last`, gaps included."""
    starts: list[dt.date] = []
    current = bucket_start(first, bucket)
    while current <= last:
        starts.append(current)
        if bucket == "day":
            current += dt.timedelta(days=1)
        elif bucket == "week":
            current += dt.timedelta(days=7)
        else:
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return starts
