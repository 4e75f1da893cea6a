"""JSON answers for what no operation serves under /api/, and the redirect of the old paths.

- Any address under /api/v1/ that no operation serves: a JSON 404, never the site's HTML page
  (django-ninja answers only its own routes; a slug holding a slash would fall through).
- A method an address does not take: a JSON 405 with `Allow` (ninja's own is plain text).
- The unversioned /api/<path> of before: a 308 to /api/v1/<path> (method, body and query
  string kept) with `Deprecation` (RFC 9745) and `Link: <…>; rel="successor-version"`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import (
    HttpRequest,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

PREFIX = "/api/v1/"
# When the unversioned paths were deprecated (RFC 9745: "@" and seconds since the epoch).
DEPRECATED_ON = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
CONTENT_TYPE = "application/json; charset=utf-8"  # as django-ninja's answers


def _refusal(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": code, "message": message}, status=status, content_type=CONTENT_TYPE
    )


@csrf_exempt  # it changes nothing; a POST must get the same JSON 404, not the CSRF page
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return _refusal(
        404, "not_found", _("There is no such API address: see %(docs)s.") % {"docs": docs_url()}
    )


def docs_url() -> str:
    return PREFIX + "docs"


def json_405(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap an API view so a method it does not take answers JSON (keeping `Allow`)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        refusal = _refusal(
            405,
            "method_not_allowed",
            _("%(method)s is not allowed here; allowed: %(allowed)s.")
            % {"method": request.method, "allowed": response.get("Allow", "")},
        )
        refusal["Allow"] = response.get("Allow", "")
        return refusal

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # as ninja's own views
    return wrapper


@csrf_exempt  # a POST is redirected as it came (308), never refused by the CSRF check here
def api_moved(request: HttpRequest, rest: str = "") -> HttpResponsePermanentRedirect:
    """308 from /api/<rest> to /api/v1/<rest>: the version-less API is deprecated."""
    target = PREFIX + (rest if rest not in ("v1",) else "")
    query = request.META.get("QUERY_STRING", "")
    if query:
        target += "?" + query
    body = json.dumps(
        {
            "error": "moved",
            "message": _("The API without a version is deprecated: use %(target)s.")
            % {"target": target},
        }
    )
    # Django 5.2: preserve_request makes it a 308, which keeps the method and the body.
    response = HttpResponsePermanentRedirect(
        target, preserve_request=True, content=body, content_type=CONTENT_TYPE
    )
    response["Deprecation"] = f"@{int(DEPRECATED_ON.timestamp())}"
    response["Link"] = (
        f'<{request.build_absolute_uri(target)}>; rel="successor-version", '
        f'<{request.build_absolute_uri(docs_url())}>; rel="deprecation"'
    )
    return response
