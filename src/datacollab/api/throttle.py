"""Tiers, rate limits, monthly quotas and metering: the one check every API operation passes.

`admit(request, caller)` is called by each authentication class of api/auth.py once it knows
who is calling, so every operation of the API instance gets it, whoever wrote the router. Per
request it costs at most: one read of the dataset's tiers (joined, one query, only on routes
naming a dataset), one read of an enterprise plan (only where a steward set tiers), ONE
conditional upsert of the account's counter row for this month and minute, and ONE upsert of
the day's metering row (on PostgreSQL both in one statement: one round trip). The counters
live in the database, so the limits hold across threads and app processes: the upsert only
adds one while the row is under both limits, and the database applies concurrent updates of a
row one after the other.

The headers it decides are put on the response by `QuotaHeadersMiddleware`, refusals included.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.api.metering import combined, count_and_meter, endpoint_of, meter
from datacollab.api.models import ApiTiers, ApiToken, EnterprisePlan, QuotaCounter, Tier
from datacollab.core.errors import DomainError

# A key's shape (api/services/tokens.py); a query-string value of this shape is refused.
KEY_SHAPE = re.compile(r"^\s*(?:dct|dc_live)_[a-z0-9]{8}_")
KEY_PARAMETERS = frozenset({"api_key", "apikey", "access_token"})
WARN_SHARE = 0.9
LIMIT_FIELDS = (
    "anonymous_per_minute",
    "anonymous_per_month",
    "community_per_minute",
    "community_per_month",
    "enterprise_per_minute",
    "enterprise_per_month",
)


class KeyInQuery(DomainError):
    status = 400
    code = "key_in_query"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


class QuotaExceeded(DomainError):
    status = 429
    code = "quota_exceeded"


@dataclass(frozen=True)
class Caller:
    """Whose quota a request draws on."""

    account: str  # user:<id> | org:<id> | anon:<keyed hash of the address>
    key_id: int = 0
    user_id: int | None = None
    organisation_id: int | None = None

    @property
    def anonymous(self) -> bool:
        return self.account.startswith("anon:")

    @property
    def metered_account(self) -> str:
        # Metering keeps no trace of who an anonymous reader is, not even a hash.
        return "anon" if self.anonymous else self.account


@dataclass(frozen=True)
class Limits:
    tier: str
    per_minute: int
    per_month: int
    scope: str  # dataset:<id> | collaboration:<id> | site
    dataset_id: int = 0
    collaboration_id: int = 0


@dataclass
class Decision:
    limits: Limits
    month_used: int
    minute_used: int
    headers: dict[str, str] = field(default_factory=dict)


def client_address(request: HttpRequest) -> str:
    from datacollab.organisations.backends import client_address as address

    return address(request)


def caller_of(request: HttpRequest, key: ApiToken | None = None) -> Caller:
    if key is not None:
        return Caller(
            account=key.account,
            key_id=key.pk,
            user_id=key.user_id,
            organisation_id=key.organisation_id,
        )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Caller(account=f"user:{user.pk}", user_id=user.pk)
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256
    ).hexdigest()
    return Caller(account=f"anon:{digest[:32]}")


def refuse_key_in_query(request: HttpRequest) -> None:
    """A key in the address ends up in logs, histories and Referer headers: never take it."""
    for name, values in request.GET.lists():
        if name.lower() in KEY_PARAMETERS or any(KEY_SHAPE.match(v) for v in values):
            # The message names the parameter, never its value (the key).
            raise KeyInQuery(
                _(
                    "An API key was sent in the query string (parameter “%(name)s”): it is "
                    "refused there, since addresses are kept in logs and browser histories. "
                    "Send it as the header “Authorization: Bearer <key>”, and revoke this key "
                    "if the address was shared."
                )
                % {"name": name[:40]},
                field=name[:40],
            )


def _defaults() -> dict[str, int]:
    return {name: int(getattr(settings, f"API_{name.upper()}")) for name in LIMIT_FIELDS}


def _values(row: tuple[Any, ...] | None) -> dict[str, int] | None:
    if row is None or row[0] is None:
        return None
    return dict(zip(("id", *LIMIT_FIELDS), row, strict=True))


@functools.cache
def tiers_select() -> tuple[str, str]:
    """The select list and joins adding a dataset's own tiers and its collaboration's to a
    query on the dataset aliased `d` (names from the models, so a renamed table cannot go
    stale). The rows API's lookup adds them to its own query (api/rows_fast.py)."""
    columns = ("id", *LIMIT_FIELDS)
    own = ", ".join(f"o.{c}" for c in columns)
    shared = ", ".join(f"s.{c}" for c in columns)
    tiers = ApiTiers._meta.db_table
    joins = (
        f"LEFT JOIN {tiers} o ON o.dataset_id = d.id "
        f"LEFT JOIN {tiers} s ON s.collaboration_id = d.collaboration_id"
    )
    return f"{own}, {shared}", joins


@functools.cache
def _tiers_sql() -> str:
    """The dataset, its own tiers and its collaboration's, in one query; raw, since the ORM
    spends longer building the joined query than the database takes to answer it, on every
    request."""
    from datacollab.datasets.models import Dataset

    columns, joins = tiers_select()
    return (
        f"SELECT d.id, d.collaboration_id, {columns} FROM {Dataset._meta.db_table} d "  # noqa: S608 - model names only
        f"{joins} WHERE d.slug = %s"
    )


def limits_for(request: HttpRequest, caller: Caller) -> Limits:
    """The tier and limits for this caller on this route: the dataset's tiers, else its
    collaboration's, else the site's defaults."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match is not None else None
    if isinstance(slug, str):
        with connection.cursor() as cursor:
            cursor.execute(_tiers_sql(), [slug])
            row = cursor.fetchone()
        if row is not None:
            return limits_of(int(row[0]), int(row[1] or 0), tuple(row[2:]), caller)
    return limits_of(0, 0, None, caller)


def limits_of(
    dataset_id: int, collaboration_id: int, tier_columns: tuple[Any, ...] | None, caller: Caller
) -> Limits:
    """The limits from a dataset's row of `tiers_select` (None: no dataset, the site's)."""
    tiers: dict[str, int] | None = None
    scope = "site"
    if tier_columns is not None:
        width = 1 + len(LIMIT_FIELDS)
        own = _values(tier_columns[:width])
        shared = _values(tier_columns[width:])
        tiers = own or shared
        if own is None and shared is not None:
            scope = f"collaboration:{collaboration_id}"
        else:
            scope = f"dataset:{dataset_id}"
    numbers = tiers or _defaults()
    tier = Tier.COMMUNITY
    if caller.anonymous:
        tier = Tier.ANONYMOUS
    elif tiers is not None and _on_enterprise_plan(tiers["id"], caller):
        tier = Tier.ENTERPRISE
    return Limits(
        tier=str(tier),
        per_minute=numbers[f"{tier}_per_minute"],
        per_month=numbers[f"{tier}_per_month"],
        scope=scope,
        dataset_id=dataset_id,
        collaboration_id=collaboration_id,
    )


def _on_enterprise_plan(tiers_id: int, caller: Caller) -> bool:
    plans = EnterprisePlan.objects.filter(tiers_id=tiers_id, ended_at__isnull=True)
    if caller.organisation_id is not None:
        return plans.filter(organisation_id=caller.organisation_id).exists()
    if caller.user_id is None:
        return False
    return plans.filter(user_id=caller.user_id).exists()


def month_start(now: dt.datetime) -> dt.date:
    return now.astimezone(dt.UTC).date().replace(day=1)


def next_month(now: dt.datetime) -> dt.datetime:
    first = month_start(now)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(following, dt.time(), tzinfo=dt.UTC)


# One statement whatever the state: the month's first request makes the row, later ones add
# one only while the row is under both limits (no row comes back when it is not).
_COUNT = """
INSERT INTO {table} AS c (account, scope, month, used, minute, minute_used, warned)
VALUES (%s, %s, %s, 1, %s, 1, %s)
ON CONFLICT (account, scope, month) DO UPDATE SET
  used = c.used + 1,
  minute_used = CASE WHEN c.minute >= %s THEN c.minute_used + 1 ELSE 1 END,
  minute = CASE WHEN c.minute >= %s THEN c.minute ELSE %s END
WHERE c.used < %s AND (c.minute < %s OR c.minute_used < %s)
RETURNING used, minute_used, warned
"""


@dataclass(frozen=True)
class OnAdmit:
    """A statement that runs only when the request is admitted, in the same round trip as
    the quota's on PostgreSQL: `sql` is an INSERT whose SELECT reads `WHERE EXISTS (SELECT 1
    FROM q)` (q: the quota upsert, a row when admitted); elsewhere `sql_alone` runs after it."""

    sql: str
    params: list[Any]
    sql_alone: str


def _count(
    caller: Caller,
    limits: Limits,
    now: dt.datetime,
    endpoint: str,
    on_admit: OnAdmit | None = None,
) -> tuple[int, int, bool] | None:
    """Take one request from the account's minute and month, or None when either is spent;
    meter the outcome (in the same statement on PostgreSQL, api/metering.py)."""
    if limits.per_month < 1 or limits.per_minute < 1:
        # A limit of 0 closes the tier (the insert below would admit one).
        meter(caller=caller, limits=limits, endpoint=endpoint, now=now, refused=True)
        return None
    minute = int(now.timestamp()) // 60
    params: list[Any] = [caller.account, limits.scope, month_start(now), minute, False]
    params += [minute, minute, minute, limits.per_month, minute, limits.per_minute]
    sql = _COUNT.format(table=QuotaCounter._meta.db_table)
    if combined():
        row = count_and_meter(
            count_sql=sql,
            count_params=params,
            caller=caller,
            limits=limits,
            endpoint=endpoint,
            now=now,
            also=(on_admit.sql, on_admit.params) if on_admit is not None else None,
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            if row is not None and on_admit is not None:
                cursor.execute(on_admit.sql_alone, on_admit.params)
        meter(caller=caller, limits=limits, endpoint=endpoint, now=now, refused=row is None)
    return None if row is None else (int(row[0]), int(row[1]), bool(row[2]))


def _retry_after(caller: Caller, limits: Limits, now: dt.datetime) -> tuple[int, bool]:
    """Seconds until the request would pass, and whether the month (not the minute) is spent."""
    used = (
        QuotaCounter.objects.filter(
            account=caller.account, scope=limits.scope, month=month_start(now)
        )
        .values_list("used", flat=True)
        .first()
    )
    if used is not None and used >= limits.per_month:
        return max(1, math.ceil((next_month(now) - now).total_seconds())), True
    return max(1, 60 - now.second), False


def admit(request: HttpRequest, caller: Caller) -> Decision:
    """Count this request against the caller's limits and meter it; refuse past a limit."""
    refuse_key_in_query(request)
    return settle(request, caller, limits_for(request, caller))


def settle(
    request: HttpRequest, caller: Caller, limits: Limits, *, on_admit: OnAdmit | None = None
) -> Decision:
    """`admit` once the limits are known (the rows API looks them up with its version,
    api/rows_fast.py): count, meter, run `on_admit` if admitted; refuse past a limit."""
    now = timezone.now()
    endpoint = endpoint_of(request)
    counted = _count(caller, limits, now, endpoint, on_admit)
    base = {
        "X-RateLimit-Limit": str(limits.per_minute),
        "X-Quota-Limit": str(limits.per_month),
        "X-API-Tier": limits.tier,
    }
    if counted is None:
        seconds, month_spent = _retry_after(caller, limits, now)
        request._api_headers = {  # type: ignore[attr-defined]
            **base,
            "Retry-After": str(seconds),
            "X-RateLimit-Remaining": "0",
            "X-Quota-Remaining": "0" if month_spent else "",
        }
        if month_spent:
            raise QuotaExceeded(
                _(
                    "The monthly quota of %(n)s requests of the %(tier)s tier is used up: it "
                    "renews in %(s)s seconds, on the 1st (UTC). For more, ask the data's "
                    "steward about the enterprise tier."
                )
                % {"n": limits.per_month, "tier": limits.tier, "s": seconds}
            )
        raise RateLimited(
            _(
                "Too many requests: the %(tier)s tier allows %(n)s a minute. Retry in %(s)s "
                "seconds (the Retry-After header)."
            )
            % {"tier": limits.tier, "n": limits.per_minute, "s": seconds}
        )
    month_used, minute_used, warned = counted
    headers = {
        **base,
        "X-RateLimit-Remaining": str(max(0, limits.per_minute - minute_used)),
        "X-Quota-Remaining": str(max(0, limits.per_month - month_used)),
    }
    if month_used >= math.ceil(WARN_SHARE * limits.per_month):
        headers["Warning"] = (
            f'299 datacollab "{month_used} of the {limits.per_month} requests of this '
            f"month's quota are used\""
        )
        if not warned:
            _warn_once(caller, limits, now, month_used)
    request._api_headers = {k: v for k, v in headers.items() if v}  # type: ignore[attr-defined]
    return Decision(limits, month_used, minute_used, headers)


def _warn_once(caller: Caller, limits: Limits, now: dt.datetime, used: int) -> None:
    """Mail the account once a month, the first time it passes 90% of a quota."""
    claimed = QuotaCounter.objects.filter(
        account=caller.account, scope=limits.scope, month=month_start(now), warned=False
    ).update(warned=True)
    if claimed != 1 or caller.anonymous:
        return
    from datacollab.api.tasks import mail_quota_warning

    # Outside a transaction on_commit runs at once; inside one, only if it commits.
    transaction.on_commit(
        lambda: mail_quota_warning.enqueue(
            caller.user_id,
            caller.organisation_id,
            limits.tier,
            limits.per_month,
            limits.scope,
            used,
        )
    )


class QuotaHeadersMiddleware:
    """Puts the headers `admit` decided on the API's response, a refusal's included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        headers = getattr(request, "_api_headers", None)
        if headers:
            for name, value in headers.items():
                if value:
                    response[name] = value
        return response
