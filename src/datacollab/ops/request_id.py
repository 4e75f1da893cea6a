"""Every request gets an id: the caller's `X-Request-ID` when it is a safe one (a proxy or a
client that already logs it), else a new one. It is sent back on the response and is on every
log line written while the request is handled, with one access line at the end."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class AccessLine:
    level: int
    request_id: str
    method: str
    path: str
    status: int
    duration_ms: float
    user_id: int | None
    cpu_started: float

    def write(self) -> None:
        access_log.log(
            self.level,
            "%s %s %s",
            self.method,
            self.path,
            self.status,
            extra={
                # Given here too: a streamed response's line is written after the request's
                # context has ended.
                "request_id": self.request_id,
                "method": self.method,
                "path": self.path,
                "status": self.status,
                "duration_ms": self.duration_ms,
                "cpu_ms": round((time.thread_time() - self.cpu_started) * 1000, 1),
                "user_id": self.user_id,
            },
        )


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
        # The thread's own CPU: gunicorn's gthread worker runs one request per thread, so
        # this is the request's, whatever the other threads and processes do meanwhile.
        cpu_started = time.thread_time()
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
            line = AccessLine(
                level=logging.DEBUG if request.path in QUIET_PATHS else logging.INFO,
                request_id=request_id,
                method=request.method or "",
                path=request.path,
                status=response.status_code,
                duration_ms=duration_ms,
                user_id=user_id_of(request),
                cpu_started=cpu_started,
            )
            if response.streaming:
                # A streamed body (a download) is made while the server sends it, after this
                # returns: the line is written when the server closes the response, so its
                # CPU holds the body's. Django runs the closers in the same thread.
                response._resource_closers.append(line.write)  # type: ignore[attr-defined]
            else:
                line.write()
        return response
