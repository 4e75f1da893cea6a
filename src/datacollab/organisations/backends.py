"""The one place passwords are checked: the login page, the admin's login and any other
`authenticate()` call all go through the login throttles."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connections, router
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

    def get_user(self, user_id: Any) -> Any:
        # Every signed-in request reads its person: the same row Django's ModelBackend reads
        # (`_default_manager.get(pk=…)`), with a statement written once per process instead
        # of an ORM query compiled each time. Read every request, so a deactivated account
        # or a deleted person is signed out at once in every process.
        model = get_user_model()
        using = router.db_for_read(model)
        found = list(model._default_manager.raw(_select_person(model, using), [user_id]))
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None


@functools.lru_cache(maxsize=8)
def _select_person(model: Any, using: str) -> str:
    quote = connections[using].ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    # Names from the model, quoted by the backend; the id is a parameter.
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {pk} = %s"  # noqa: S608
