"""Counting reads: one upsert per event, so an open data read costs one small statement.

Open data reads are not audited (an entry per anonymous read would say nothing and grow
without bound); these counters are their only usage record. Reads of non-open data are
counted here too, and stay audited by the datasets app as before.

Callers (dataset page, downloads, the rows API, aggregate queries) call `record` after the
access rule allowed the read. It is not a decision and touches nothing else, so it has no
permission check and no audit entry: it is one statement, atomic by itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone

from datacollab.impact.models import Kind
from datacollab.impact.models.counters import ANONYMOUS

__all__ = ["Kind", "record"]


# The same statement on SQLite (3.24+) and PostgreSQL: the unique constraint is the key.
# Written out (not built) so nothing variable ever reaches the SQL text; a test checks the
# table name against the model's.
UPSERT = (
    'INSERT INTO "impact_dailycount" ("dataset_id", "day", "kind", "reader", "count") '
    "VALUES (%s, %s, %s, %s, %s) "
    'ON CONFLICT ("dataset_id", "day", "kind", "reader") '
    'DO UPDATE SET "count" = "impact_dailycount"."count" + excluded."count"'
)


# The same, only when the API request is admitted: a part of the quota's statement, which
# names its upsert `q` (api/throttle.OnAdmit; the rows API, api/rows_fast.py).
UPSERT_IF_ADMITTED = (
    'INSERT INTO "impact_dailycount" ("dataset_id", "day", "kind", "reader", "count") '
    "SELECT %s, %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM q) "
    'ON CONFLICT ("dataset_id", "day", "kind", "reader") '
    'DO UPDATE SET "count" = "impact_dailycount"."count" + excluded."count"'
)


def reader_of(user: Any) -> int:
    """The signed-in person's id; 0 for anyone else, who is never told apart."""
    if user is not None and getattr(user, "is_authenticated", False):
        return int(user.pk)
    return ANONYMOUS


def record(
    *,
    dataset: Any,
    kind: Kind | str,
    user: Any = None,
    day: dt.date | None = None,
    count: int = 1,
) -> None:
    """Add `count` reads of `kind` to the dataset's counter for `day` (today, UTC)."""
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, params(dataset=dataset, kind=kind, user=user, day=day, count=count))


def params(
    *, dataset: Any, kind: Kind | str, user: Any = None, day: dt.date | None = None, count: int = 1
) -> list[Any]:
    """The parameters of UPSERT (and UPSERT_IF_ADMITTED) for these reads."""
    dataset_id = dataset if isinstance(dataset, int) else dataset.pk
    return [dataset_id, day or timezone.now().date(), str(Kind(kind)), reader_of(user), count]
