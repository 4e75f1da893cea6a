"""The rows API's GET served beside Django's handler, for callers without a session.

A bearer key's or an anonymous GET of a page of rows needs neither the session, the CSRF
check, the authentication and messages middleware, nor Django's walk through every URL
pattern: about a third of the CPU such a request cost (docs/benchmarks.md, issue 12, third
round). `RowsApp` wraps the WSGI application (config/wsgi.py). For a request it recognises
(GET, the rows path, no session cookie, the lean path switched on) it:

1. does what the lean path does before counting anything (api/rows_fast.py `prepare`: the
   caller, the one lookup, the access rules, the query); any refusal, or anything it does not
   expect, goes to Django's full handler untouched, which answers it in its own words;
2. otherwise runs the middleware of `settings.MIDDLEWARE` that matters to this answer (the
   request id and access log line, the security headers, the language, the host check and
   Content-Length, X-Frame-Options, CSP, the quota headers: every one but those in `SKIPPED`)
   around the lean path's counting and page (`rows_fast.serve`), and adds `Vary: Cookie` as
   the session middleware does once the user was looked at.

So the answer (status, body, every header but Date and the request id) is the full
handler's (tests/api/test_rows_wsgi.py compares the two). Everything else is the full
handler's, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signals
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import ResolverMatch, resolve, set_script_prefix
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

# Middleware whose work a session-less GET of rows does not need: what they would do is done
# here (`request.user`, `Vary: Cookie`) or does nothing for it (CSRF on a GET, messages, the
# health probes' paths, the viewer's time zone and saved language, which only a session
# gives before the view, and the HTML refusal page the lean path never reaches).
SKIPPED = frozenset(
    {
        "datacollab.ops.health.HealthMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "datacollab.core.middleware.TimezoneMiddleware",
        "datacollab.core.languages.PersonLanguageMiddleware",
        "datacollab.core.middleware.DomainErrorMiddleware",
    }
)
# The operation's path as django-ninja declares it (`{slug}` is Django's `str`: no slash).
ROWS_PATH = re.compile(r"/api/v1/datasets/(?P<slug>[^/]+)/versions/(?P<version>[0-9]{1,10})/rows")
ROUTE_NAME = "api:version_rows"

StartResponse = Callable[..., Any]


class RowsApp:
    """A WSGI application: the rows API's session-less GETs served lean, the rest by
    `fallback` (Django's handler)."""

    def __init__(self, fallback: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]):
        self.fallback = fallback
        self._chain: Any = None
        self._route: str | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        match = self._recognise(environ)
        if match is None:
            return self.fallback(environ, start_response)
        return self._serve(environ, start_response, match)

    def _recognise(self, environ: dict[str, Any]) -> re.Match[str] | None:
        if environ.get("REQUEST_METHOD") != "GET" or not settings.API_ROWS_WSGI:
            return None
        if environ.get("SCRIPT_NAME") or settings.FORCE_SCRIPT_NAME is not None:
            return None  # mounted under a prefix: rare, left to Django
        match = ROWS_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or not settings.API_ROWS_LEAN:
            return None
        cookies = environ.get("HTTP_COOKIE", "")
        if cookies and settings.SESSION_COOKIE_NAME in cookies:
            return None  # perhaps signed in: the session middleware and its rules apply
        if self._route is None:
            self._route = _route()
        return match if self._route else None

    def _serve(
        self, environ: dict[str, Any], start_response: StartResponse, match: re.Match[str]
    ) -> Iterable[bytes]:
        from datacollab.api import rows_fast

        set_script_prefix("/")
        signals.request_started.send(sender=WSGIHandler, environ=environ)
        request = WSGIRequest(environ)
        request.user = AnonymousUser()  # no session cookie: what the middleware would find
        slug, version = match["slug"], match["version"]
        request.resolver_match = ResolverMatch(
            rows_fast.serve,
            (),
            {"slug": slug, "version": version},
            url_name="version_rows",
            app_names=["api"],
            namespaces=["api"],
            route=self._route,
        )
        try:
            prepared = rows_fast.prepare(request, slug, version)
        except Exception:
            prepared = None
        if prepared is None:
            # A refusal, or a surprise: the full handler answers it (and sends its own
            # request_started, which only closes connections that are too old or broken).
            return self.fallback(environ, start_response)
        request._rows_prepared = prepared  # type: ignore[attr-defined]
        response = self._middleware()(request)
        # As the session middleware (outside the locale's): the user was looked at, so the
        # answer varies with the cookie.
        patch_vary_headers(response, ("Cookie",))
        response._handler_class = WSGIHandler  # type: ignore[attr-defined]
        response._resource_closers.append(request.close)  # type: ignore[attr-defined]
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [
            *response.items(),
            *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
        ]
        start_response(status, headers)
        return response  # type: ignore[return-value]  # its close() sends request_finished

    def _middleware(self) -> Any:
        if self._chain is None:
            # Synchronous middleware only (as the WSGI handler loads them): no awaitables.
            handler: Any = convert_exception_to_response(_view)
            for path in reversed(settings.MIDDLEWARE):
                if path not in SKIPPED:
                    handler = convert_exception_to_response(import_string(path)(handler))
            self._chain = handler
        return self._chain


def _route() -> str:
    """The operation's route as Django records it (the metering's endpoint name), checked
    against the URLconf once: "" (this path off) if the path no longer leads to the rows
    operation, rather than answer for another view."""
    try:
        found = resolve("/api/v1/datasets/x/versions/1/rows")
    except Exception:
        return ""
    return str(found.route) if found.view_name == ROUTE_NAME else ""


def _view(request: HttpRequest) -> HttpResponseBase:
    from datacollab.api import rows_fast

    return rows_fast.serve(request, request._rows_prepared)  # type: ignore[attr-defined]
