"""The rows API's lean path: the GET of a page of rows in two round trips to the database.

The rows operation is the API's busiest (bench/api.py). Through django-ninja it cost five
round trips: the tiers (authentication chain), the quota with its metering, the version
lookup, the usage counter, and Django's connection health check. Here, for a GET that will
be served:

1. the caller, as the authentication chain finds it (`auth.identify_for_read`: a key, the
   session or nobody; a bad or revoked key is refused there, as before);
2. ONE query for the version, its dataset, what the access rules read (owner, collaboration,
   agreement) and the dataset's tiers (`rows_lookup.fetch` with `throttle.tiers_select`);
3. the same rules as the operation: `can_see`, `data_access`, `parse_query`;
4. ONE statement (PostgreSQL) for the quota check, the metering and the usage counter, which
   counts the read only when the quota admitted it (`throttle.settle` with `OnAdmit`);
5. the page and its JSON (`datasets.api.rows_response`, shared with the operation).

Anything else (another method, a version that is not a plain number, no such version, a
dataset the caller may not see or read, a bad query, a bad key) is handed, before anything
was counted, to the django-ninja operation itself, so every refusal keeps its status, body
and headers, and the quota is counted once. The operation stays the one the OpenAPI document
describes; this path answers the same for the same request (tests/api/test_rows_fast.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from datacollab.api.auth import identify_for_read
from datacollab.api.throttle import Caller, Limits, OnAdmit, limits_of, settle, tiers_select
from datacollab.core.errors import DomainError
from datacollab.datasets import rows_lookup
from datacollab.datasets.api import MAX_VERSION, rows_response
from datacollab.datasets.models import DatasetVersion
from datacollab.datasets.rows import RowsQuery, parse_query
from datacollab.datasets.rules import can_see, data_access
from datacollab.datasets.services.audit_access import record_data_access
from datacollab.impact.services import counters

# A version number as ninja reads it without a doubt; anything else takes the operation.
NUMBER = re.compile(r"[0-9]{1,10}")


def lean(operation: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap the rows operation's view: serve what it would serve, more cheaply."""

    @functools.wraps(operation)
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        slug, version = kwargs.get("slug"), kwargs.get("version")
        prepared = None
        if (
            settings.API_ROWS_LEAN
            and not args
            and set(kwargs) == {"slug", "version"}
            and request.method == "GET"
            and isinstance(slug, str)
            and isinstance(version, str)
        ):
            prepared = prepare(request, slug, version)
        if prepared is None:
            return operation(request, *args, **kwargs)
        return serve(request, prepared)

    view.csrf_exempt = True  # type: ignore[attr-defined]  # GET only; as ninja's own views
    return view


Prepared = tuple[DatasetVersion, RowsQuery, Caller, Limits]


def prepare(request: HttpRequest, slug: str, version: str) -> Prepared | None:
    """What the page needs, or None when the operation must answer (a refusal); nothing
    counted yet. Also the first half of the WSGI-level path (api/rows_wsgi.py)."""
    if not NUMBER.fullmatch(version) or int(version) > MAX_VERSION:
        return None
    try:
        return _prepare(request, slug, int(version))
    except DomainError:
        return None  # the operation refuses it, in its own words


def serve(request: HttpRequest, prepared: Prepared) -> HttpResponseBase:
    """Count, meter and answer a prepared request: the page, or the operation's refusal."""
    from datacollab.api.api import domain_error

    found, query, caller, limits = prepared
    on_admit = OnAdmit(
        sql=counters.UPSERT_IF_ADMITTED,
        params=counters.params(dataset=found.dataset, kind=counters.Kind.API, user=request.user),
        sql_alone=counters.UPSERT,
    )
    try:
        settle(request, caller, limits, on_admit=on_admit)
        record_data_access(
            actor=request.user, dataset=found.dataset, version=found, channel="api.rows"
        )
        return rows_response(request, found, query)
    except DomainError as exc:
        # Over a limit (429), or the version's file gone from storage (404): as the
        # operation's exception handler answers them, counted once.
        return domain_error(request, exc)


def _prepare(request: HttpRequest, slug: str, number: int) -> Prepared | None:
    """What the page needs, or None when the operation must answer (a refusal)."""
    caller = identify_for_read(request)
    columns, joins = tiers_select()
    found, tiers = rows_lookup.fetch(slug, number, extra_columns=columns, extra_joins=joins)
    if found is None:
        return None
    dataset = found.dataset
    if not can_see(request.user, dataset) or not data_access(request.user, dataset).allowed:
        return None
    query = parse_query(found.schema, dict(request.GET.lists()))
    limits = limits_of(dataset.pk, dataset.collaboration_id or 0, tiers, caller)
    return found, query, caller, limits
