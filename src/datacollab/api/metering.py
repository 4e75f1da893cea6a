"""Metering: one daily counter per dataset, key, account and endpoint, added to by one upsert
per request (no row per request). Anonymous calls are counted together as `anon`."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from datacollab.api.models import UsageDay
from datacollab.datasets import rows_db

if TYPE_CHECKING:
    from datacollab.api.throttle import Caller, Limits

_METER = """
INSERT INTO {table}
  (day, dataset_id, collaboration_id, key_id, account, tier, endpoint, calls, refused)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (day, dataset_id, key_id, account, endpoint) DO UPDATE SET
  calls = {table}.calls + excluded.calls, refused = {table}.refused + excluded.refused,
  tier = excluded.tier
"""


# PostgreSQL: the quota's conditional upsert (throttle._COUNT, first) and this day's metering
# row in ONE statement, so the check and the meter cost one round trip to the database, not
# two. The metering row counts a call when the quota upsert returned its row, else a refusal:
# the same outcome the two statements give, decided by the same row lock.
_COUNT_AND_METER = """
WITH q AS ({count}),
m AS (
  INSERT INTO {table}
    (day, dataset_id, collaboration_id, key_id, account, tier, endpoint, calls, refused)
  SELECT %s, %s, %s, %s, %s, %s, %s, k.n, 1 - k.n FROM (SELECT count(*)::int AS n FROM q) k
  ON CONFLICT (day, dataset_id, key_id, account, endpoint) DO UPDATE SET
    calls = {table}.calls + excluded.calls, refused = {table}.refused + excluded.refused,
    tier = excluded.tier
){also}
SELECT used, minute_used, warned FROM q
"""


def _row(caller: Caller, limits: Limits, endpoint: str, now: dt.datetime) -> list[Any]:
    return [
        now.astimezone(dt.UTC).date(),
        limits.dataset_id,
        limits.collaboration_id,
        caller.key_id,
        caller.metered_account,
        limits.tier,
        endpoint[:100],
    ]


def meter(
    *, caller: Caller, limits: Limits, endpoint: str, now: dt.datetime, refused: bool = False
) -> None:
    """Add one call (or one refusal) to the day's row: one statement, whatever the traffic."""
    if not settings.API_METERING:
        return
    params = [*_row(caller, limits, endpoint, now), 0 if refused else 1, 1 if refused else 0]
    with connection.cursor() as cursor:
        cursor.execute(_METER.format(table=UsageDay._meta.db_table), params)


def combined() -> bool:
    """Whether the quota upsert and the meter go in one statement (PostgreSQL, metering on)."""
    return bool(settings.API_METERING) and connection.vendor == "postgresql"


@functools.cache
def _count_and_meter_sql(count: str, also: str = "") -> str:
    return _COUNT_AND_METER.format(
        count=count.strip(),
        table=UsageDay._meta.db_table,
        also=f",\na AS ({also.strip()})" if also else "",
    )


def count_and_meter(
    *,
    count_sql: str,
    count_params: list[Any],
    caller: Caller,
    limits: Limits,
    endpoint: str,
    now: dt.datetime,
    also: tuple[str, list[Any]] | None = None,
) -> tuple[Any, ...] | None:
    """Run the quota's upsert and meter its outcome in one statement (see `combined`): the
    upsert's returned row, or None when it refused. `also`: one more data-modifying
    statement (and its parameters) in the same one, which reads the upsert's CTE `q`."""
    params = [*count_params, *_row(caller, limits, endpoint, now)]
    also_sql = ""
    if also is not None:
        also_sql = also[0]
        params += also[1]
    with rows_db.cursor() as cursor:  # prepared: sent on every request of the rows API
        cursor.execute(_count_and_meter_sql(count_sql, also_sql), params)
        return cursor.fetchone()


def endpoint_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    route = match.route if match is not None else request.path
    return f"{request.method} /{route}"
