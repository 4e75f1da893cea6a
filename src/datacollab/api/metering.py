"""Metering: one daily counter per dataset, key, account and endpoint, added to by one upsert
per request (no row per request). Anonymous calls are counted together as `anon`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from datacollab.api.models import UsageDay

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


def meter(
    *, caller: Caller, limits: Limits, endpoint: str, now: dt.datetime, refused: bool = False
) -> None:
    """Add one call (or one refusal) to the day's row: one statement, whatever the traffic."""
    if not settings.API_METERING:
        return
    table = UsageDay._meta.db_table
    params: list[Any] = [
        now.astimezone(dt.UTC).date(),
        limits.dataset_id,
        limits.collaboration_id,
        caller.key_id,
        caller.metered_account,
        limits.tier,
        endpoint[:100],
        0 if refused else 1,
        1 if refused else 0,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_METER.format(table=table), params)


def endpoint_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    route = match.route if match is not None else request.path
    return f"{request.method} /{route}"
