"""The one place passwords are checked: the login page, the admin's login and any other
`authenticate()` call all go through the login throttles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from datacollab.organisations.services import throttle


def client_address(request: Any) -> str:
    """The client's address: REMOTE_ADDR, or the proxy's header when one is configured."""
    header = settings.CLIENT_ADDRESS_HEADER
    raw = str(request.META.get(header or "REMOTE_ADDR", "") or "")
    if header and not raw:
        raw = str(request.META.get("REMOTE_ADDR", "") or "")
    return raw.split(",")[-1].strip()[:100]


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        email = str(username or kwargs.get("email") or "").strip().lower()
        if not email or password is None:
            return None
        address = client_address(request) if request is not None else ""
        if throttle.login_retry_at(email=email, address=address) is not None:
            # Refused before the password is checked, so guesses teach the attacker nothing.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_login_failure(email=email, address=address)
        else:
            throttle.record_login_success(email=email)
        return user
