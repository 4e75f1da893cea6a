"""The site's answer to an unhandled error (config/urls.py's handler500).

Most unhandled errors are bugs: the plain 500 page. One is not: the database being away (a
restart, a failover, PostgreSQL stopped). Then the request was fine and will succeed once the
database is back, so the answer is 503 with Retry-After, and a page saying so, which the people
using the site and API clients can act on (wait and retry) instead of reporting a bug. Nothing
here touches the database: it is what failed.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether the error is the database being unreachable (connect refused, connection cut,
    a server starting up or shutting down), not a bug in a query."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_message() -> str:
    return _(
        "The site's database is unavailable for a moment (it is restarting or under "
        "maintenance). Nothing you did caused this. Try again in a minute; anything the site "
        "confirmed before is kept."
    )


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    # Django calls the handler inside its `except`: the error being handled is still current.
    if not database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request, template_name)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": "unavailable", "message": unavailable_message()}, status=503
        )
    else:
        body = render_to_string("503_database.html", {"message": unavailable_message()})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
