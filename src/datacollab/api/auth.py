"""Who is calling the API: an API key, the browser session, or nobody; then their tier's limits.

The three are tried in this order on every operation (see api.py). Whichever answers passes the
request to `throttle.admit`, which refuses a key sent in the query string, applies the rate
limit and monthly quota of the caller's tier and meters the call: every operation of the API
gets the same check, whoever wrote its router. A token that is sent but
unknown or revoked is refused at once (401), never read as an anonymous call. The session
needs the CSRF token for unsafe methods, as a form on the pages would; a token does not
(a script holding it is not a browser a third-party page could drive). Each sets
`request.user`, so the endpoints and services apply the same rules as the pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from datacollab.api.models import ApiToken
from datacollab.api.services.tokens import InvalidToken, authenticate_token
from datacollab.api.throttle import admit, caller_of, refuse_key_in_query
from datacollab.core.errors import NotAllowed

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class CsrfFailed(NotAllowed):
    pass


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dc_live_…`: an API key of a person or an organisation."""

    def __call__(self, request: HttpRequest) -> Any:
        # Before anything else, so a key in the address is refused even beside a good header.
        refuse_key_in_query(request)
        found = _bearer(request)
        if found is not None:
            admit(request, caller_of(request, found))
        return found

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # HttpBearer's hook: __call__ above parses the header itself (to refuse a malformed
        # one with a message), and both end in the same lookup.
        return _with_secret(request, token)


def _bearer(request: HttpRequest) -> ApiToken | None:
    """The key the Authorization header carries (None without one), `request.user` set."""
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise InvalidToken(_("Send the API token as the header “Authorization: Bearer <token>”."))
    return _with_secret(request, secret)


def _with_secret(request: HttpRequest, secret: str) -> ApiToken:
    found = authenticate_token(secret=secret)
    # An organisation's key reads what anyone may: it must not carry a person's access.
    request.user = found.user if found.user is not None else AnonymousUser()
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
        if not request.user.is_authenticated:
            return None
        admit(request, caller_of(request))
        return request.user


class Anonymous:
    """Anyone: the endpoints decide what an anonymous caller may see (open data, for one)."""

    def __call__(self, request: HttpRequest) -> Any:
        admit(request, caller_of(request))
        return "anonymous"


def api_auth() -> list[Any]:
    return [TokenAuth(), SessionAuth(), Anonymous()]


def identify_for_read(request: HttpRequest) -> Any:
    """The caller of a safe-method request as the chain above finds it, without `admit`:
    for a view that counts the request itself (api/rows_fast.py, with `throttle.settle`).
    Sets `request.user` as the chain does; raises what it raises (a bad or revoked key)."""
    assert request.method in SAFE_METHODS  # the session needs no CSRF check for these
    refuse_key_in_query(request)
    return caller_of(request, _bearer(request))
