"""The JSON API (django-ninja, OpenAPI 3 at /api/docs). Routers live beside their domain.

Every operation accepts a personal API token, the browser session or no one (api/auth.py);
the endpoints and services then apply the same rules as the pages. Refusals are JSON of one
shape, {"error": code, "message": readable text, ...}, whatever raised them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import HttpError, ValidationError

from datacollab.api.auth import api_auth
from datacollab.api.openapi import DocumentedAPI
from datacollab.core.errors import DomainError
from datacollab.datasets.api import error_body
from datacollab.datasets.api import router as datasets_router
from datacollab.privacy.api import router as privacy_router

api = DocumentedAPI(
    title="datacollab API",
    version="1",
    urls_namespace="api",
    description=(
        "Datasets, versions, rows and uploads, under the same access rules as the web pages. "
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
            "message": _("The request body cannot be read: send a JSON object (see /api/docs)."),
        }
    else:
        body = {"error": f"http_{exc.status_code}", "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)


api.add_router("/datasets", datasets_router)
api.add_router("/privacy", privacy_router)
