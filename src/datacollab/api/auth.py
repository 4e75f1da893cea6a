"""Who is calling the API: a personal token, the browser session, or nobody.

The three are tried in this order on every operation (see api.py). A token that is sent but
unknown or revoked is refused at once (401), never read as an anonymous call. The session
needs the CSRF token for unsafe methods, as a form on the pages would; a token does not
(a script holding it is not a browser a third-party page could drive). Each sets
`request.user`, so the endpoints and services apply the same rules as the pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from datacollab.api.services.tokens import InvalidToken, authenticate_token
from datacollab.core.errors import NotAllowed

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class CsrfFailed(NotAllowed):
    pass


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dct_…`: a personal API token."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _sep, secret = header.strip().partition(" ")
        if scheme.lower() != self.openapi_scheme or not secret.strip():
            raise InvalidToken(
                _("Send the API token as the header “Authorization: Bearer <token>”.")
            )
        return self.authenticate(request, secret)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(secret=token)
        request.user = found.user
        return found


class SessionAuth(APIKeyCookie):
    """The browser session of a logged-in person; unsafe methods need the CSRF token."""

    param_name = "sessionid"  # Django's default name, for the OpenAPI description

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed(
                _(
                    "The CSRF check failed. With the session, send the X-CSRFToken header "
                    "holding the csrftoken cookie; scripts should use an API token instead "
                    "(Authorization: Bearer <token>)."
                )
            )
        return request.COOKIES.get(self.param_name) or "session"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


class Anonymous:
    """Anyone: the endpoints decide what an anonymous caller may see (open data, for one)."""

    def __call__(self, request: HttpRequest) -> Any:
        return "anonymous"


def api_auth() -> list[Any]:
    return [TokenAuth(), SessionAuth(), Anonymous()]
