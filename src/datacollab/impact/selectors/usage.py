"""Usage figures over a set of datasets: totals, a trend per bucket, readers and countries.

A constant number of queries whatever the period or the number of datasets: counts per bucket
and kind, distinct signed-in readers per bucket, then the readers' organisations and countries
(from memberships and profiles, never from requests).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Min, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from datacollab.core import country_names
from datacollab.datasets.models import Dataset
from datacollab.impact.models import DailyCount, Kind
from datacollab.impact.models.counters import ANONYMOUS
from datacollab.impact.selectors.periods import Period, bucket_start, bucket_starts
from datacollab.organisations.models import Membership, User

# A country is named only when at least this many signed-in readers come from it; the rest
# are summed as "other countries", so a lone reader cannot be picked out by their country.
MIN_COUNTRY_READERS = 3


@dataclass(frozen=True)
class Bucket:
    start: dt.date
    counts: dict[str, int]
    readers: int


@dataclass
class Usage:
    period: Period
    first_day: dt.date | None
    totals: dict[str, int] = field(default_factory=dict)
    anonymous: int = 0  # reads by people not signed in, all kinds
    readers: int = 0
    organisations: int = 0
    countries: list[tuple[str, int]] = field(default_factory=list)
    other_countries: int = 0  # readers in countries below MIN_COUNTRY_READERS
    country_count: int = 0
    buckets: list[Bucket] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _countries(readers: QuerySet[DailyCount]) -> tuple[list[tuple[str, int]], int, int]:
    """(country name, readers) at or above the threshold, readers elsewhere, countries seen.

    A reader's countries: those their profile names, else their organisations' countries."""
    reader_ids = readers.values("reader")
    profile = dict(User.objects.filter(pk__in=reader_ids).values_list("pk", "countries"))
    of_organisations: dict[int, set[str]] = {}
    for user_id, code in Membership.objects.filter(user_id__in=reader_ids).values_list(
        "user_id", "organisation__country"
    ):
        of_organisations.setdefault(user_id, set()).add(code)
    tally: Counter[str] = Counter()
    for pk, codes in profile.items():
        own = {code for code in (codes or []) if isinstance(code, str) and code}
        for code in own or of_organisations.get(pk, set()):
            tally[code] += 1
    shown = sorted(
        ((country_names.name(code), n) for code, n in tally.items() if n >= MIN_COUNTRY_READERS),
        key=lambda item: (-item[1], item[0]),
    )
    hidden = sum(n for n in tally.values() if n < MIN_COUNTRY_READERS)
    return shown, hidden, len(tally)


def usage(
    datasets: QuerySet[Dataset],
    period: Period,
    *,
    today: dt.date | None = None,
    headline_only: bool = False,
) -> Usage:
    """The figures of `datasets` (already limited to what the viewer may see) over `period`."""
    today = today or timezone.now().date()
    start = period.start(today)
    rows = DailyCount.objects.filter(dataset__in=datasets.values("pk"))
    if start is not None:
        rows = rows.filter(day__gte=start)
    result = Usage(period=period, first_day=start)
    for kind, total in rows.values_list("kind").annotate(n=Sum("count")).order_by():
        result.totals[kind] = total
    result.totals = {kind: result.totals.get(kind, 0) for kind in Kind.values}
    signed_in = rows.exclude(reader=ANONYMOUS)
    result.anonymous = rows.filter(reader=ANONYMOUS).aggregate(n=Sum("count"))["n"] or 0
    result.readers = signed_in.values("reader").distinct().count()
    result.organisations = (
        Membership.objects.filter(user_id__in=signed_in.values("reader"))
        .values("organisation")
        .distinct()
        .count()
    )
    if headline_only:
        return result
    result.countries, result.other_countries, result.country_count = _countries(signed_in)
    result.buckets = _buckets(rows, signed_in, period, start, today)
    if result.first_day is None and result.buckets:
        result.first_day = result.buckets[0].start
    return result


def _buckets(
    rows: QuerySet[DailyCount],
    signed_in: QuerySet[DailyCount],
    period: Period,
    start: dt.date | None,
    today: dt.date,
) -> list[Bucket]:
    if start is None:
        first = rows.aggregate(first=Min("day"))["first"]
        if first is None:
            return []
        start = first
    counts: dict[dt.date, dict[str, int]] = {}
    readers: dict[dt.date, int] = {}
    if period.bucket == "day":
        per_kind = rows.values_list("day", "kind").annotate(n=Sum("count")).order_by()
        per_reader = signed_in.values_list("day").annotate(n=Count("reader", distinct=True))
    else:
        trunc = TruncWeek("day") if period.bucket == "week" else TruncMonth("day")
        bucketed = rows.annotate(bucket=trunc)
        per_kind = bucketed.values_list("bucket", "kind").annotate(n=Sum("count")).order_by()
        per_reader = (
            signed_in.annotate(bucket=trunc)
            .values_list("bucket")
            .annotate(n=Count("reader", distinct=True))
        )
    for day, kind, n in per_kind:
        key = bucket_start(_as_date(day), period.bucket)
        counts.setdefault(key, {})[kind] = counts.get(key, {}).get(kind, 0) + n
    for day, n in per_reader.order_by():
        readers[bucket_start(_as_date(day), period.bucket)] = n
    return [
        Bucket(
            start=key,
            counts={kind: counts.get(key, {}).get(kind, 0) for kind in Kind.values},
            readers=readers.get(key, 0),
        )
        for key in bucket_starts(start, today, period.bucket)
    ]


def per_dataset(
    datasets: QuerySet[Dataset], period: Period, *, today: dt.date | None = None
) -> list[tuple[Dataset, dict[str, int]]]:
    """Each dataset's totals by kind over the period, most used first (for a subject's table)."""
    today = today or timezone.now().date()
    start = period.start(today)
    rows = DailyCount.objects.filter(dataset__in=datasets.values("pk"))
    if start is not None:
        rows = rows.filter(day__gte=start)
    totals: dict[int, dict[str, int]] = {}
    for dataset_id, kind, n in (
        rows.values_list("dataset_id", "kind").annotate(n=Sum("count")).order_by()
    ):
        totals.setdefault(dataset_id, {})[kind] = n
    listed = list(datasets.only("pk", "slug", "title", "spectrum").order_by("title"))
    table = [
        (dataset, {kind: totals.get(dataset.pk, {}).get(kind, 0) for kind in Kind.values})
        for dataset in listed
    ]
    return sorted(table, key=lambda item: -sum(item[1].values()))
