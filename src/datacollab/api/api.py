"""The JSON API, version 1 (django-ninja, OpenAPI 3.1 at /api/v1/docs), mounted at /api/v1/.

The data routers live beside their domain (datasets, privacy); the network's public face
(cohorts, organisations, sessions, learnings, reports) is in api/v1/. The unversioned /api/
of before answers 308 redirects here (api/not_found.py).

Every operation accepts a personal API token, the browser session or no one (api/auth.py);
the endpoints and services then apply the same rules as the pages. Metering and quotas hook
in there, in `api_auth()` (or as `throttle=` on this instance): either way they run for every
v1 operation, and bench/api.py measures the rows API with them on. Refusals are JSON of one
shape, {"error": code, "message": readable text, ...}, whatever raised them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import HttpError, ValidationError

from datacollab.api.auth import api_auth
from datacollab.api.openapi import VersionedAPI
from datacollab.api.v1.calls import router as calls_router
from datacollab.api.v1.learnings import router as learnings_router
from datacollab.api.v1.network import router as network_router
from datacollab.api.v1.sessions import router as sessions_router
from datacollab.core.errors import DomainError
from datacollab.datasets.api import error_body
from datacollab.datasets.api import router as datasets_router
from datacollab.privacy.api import router as privacy_router


class API(VersionedAPI):
    """The API, its rows operation served by a lean path (api/rows_fast.py) when it can."""

    def _get_urls(self) -> list[Any]:
        from django.urls import URLPattern

        from datacollab.api.rows_fast import lean

        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and pattern.name == "version_rows":
                pattern.callback = lean(pattern.callback)
        return patterns


api = API(
    title="datacollab API",
    version="1",
    urls_namespace="api",
    description=(
        "Datasets, versions, rows, downloads, uploads and aggregate queries, and the "
        "network's open calls, cohorts, organisations, sessions, learnings and output reports "
        "(people's texts in the language asked for: `?lang=` or Accept-Language), under the "
        "same access rules as the web pages. "
        "Authenticate with a personal API token (`Authorization: Bearer <token>`, created on "
        "your API tokens page) or the browser session; open data needs neither."
    ),
    auth=api_auth(),
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status, body = error_body(exc)
    response = api.create_response(request, body, status=status)
    if status == 401 and request.headers.get("Authorization"):
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Selectors shared with the pages may raise Django's Http404 (a public cohort's page).
    body = {"error": "not_found", "message": str(exc) or _("There is no such thing.")}
    return api.create_response(request, body, status=404)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    body: dict[str, Any] = {
        "error": "invalid_input",
        "message": _("Some parameters are missing or malformed: see detail."),
        "detail": exc.errors,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(HttpError)
def ninja_refusal(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals (e.g. a body that is not JSON) answer {"detail": ...}; keep the one
    # error shape of every refusal.
    if exc.status_code == 400:
        body = {
            "error": "bad_request",
            "message": _("The request body cannot be read: send a JSON object (see /api/v1/docs)."),
        }
    else:
        body = {"error": f"http_{exc.status_code}", "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django refuses a form body past DATA_UPLOAD_MAX_MEMORY_SIZE while the CSRF check or the
    # parameters read it: ninja would answer that with a 500 (a traceback under DEBUG).
    body = {
        "error": "request_too_large",
        "message": _(
            "The form fields of this request are more than %(limit)s bytes: "
            "send data as a file part (multipart “file”), not as a field."
        )
        % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
    }
    return api.create_response(request, body, status=413)


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_many_parts(request: HttpRequest, exc: Exception) -> HttpResponse:
    # As above, for more parts than DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES.
    body = {
        "error": "too_many_fields",
        "message": _("This request has more form fields or files than the API reads."),
    }
    return api.create_response(request, body, status=400)


api.add_router("/datasets", datasets_router)
api.add_router("/privacy", privacy_router)
api.add_router("", network_router)
api.add_router("", sessions_router)
api.add_router("", learnings_router)
api.add_router("", calls_router)
