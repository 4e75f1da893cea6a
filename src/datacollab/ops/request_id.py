"""Every request gets an id: the caller's `X-Request-ID` when it is a safe one (a proxy or a
client that already logs it), else a new one. It is sent back on the response and is on every
log line written while the request is handled, with one access line at the end."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response

from datacollab.ops.log_context import RequestContext, handling_request, user_id_of

HEADER = "X-Request-ID"
# Letters, digits and a few separators, bounded: the id is written into every log line, so
# it must not carry line breaks, quotes or a megabyte of text.
VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}")
# Probes ask every few seconds; their lines would drown the rest.
QUIET_PATHS = frozenset({"/health/live", "/health/ready"})

access_log = logging.getLogger("datacollab.request")


def request_id_from(value: str | None) -> str:
    if value and VALID_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so everything after it, and the 500 handler, is inside the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        context = RequestContext(request_id, request.method or "", request.path, request)
        started = time.perf_counter()
        with handling_request(context):
            response = self.get_response(request)
            response[HEADER] = request_id
            if request.path in QUIET_PATHS:
                response._has_been_logged = True  # type: ignore[attr-defined]
            elif response.status_code >= 400:
                # As Django's handler would once the middleware has returned, but inside the
                # request's context so the line carries its id (it then is not logged twice).
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    request.path,
                    response=response,
                    request=request,
                )
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            access_log.log(
                logging.DEBUG if request.path in QUIET_PATHS else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user_id_of(request),
                },
            )
        return response
