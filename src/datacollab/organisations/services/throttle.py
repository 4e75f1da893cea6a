"""Throttles for logins and account mails, counted in the database so every process agrees.

A failed login counts against the account (the email typed) and the client address; a
successful one clears the account's count. Password-reset and verification mails count
against the client address (refused with a time to try again) and the target address
(silently not sent, so a mailbox cannot be flooded and nothing is revealed).
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import DomainError
from datacollab.organisations.models import ThrottleEvent

LOGIN_ACCOUNT = "login.account"
LOGIN_ADDRESS = "login.address"
MAIL_ADDRESS = "mail.address"
MAIL_TARGET = "mail.target"


class Throttled(DomainError):
    status = 429

    def __init__(self, message: str, *, until: datetime) -> None:
        super().__init__(message)
        self.until = until


def _key(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


def _login_window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_THROTTLE_WINDOW_MINUTES)


def _mail_window() -> timedelta:
    return timedelta(minutes=settings.ACCOUNT_MAIL_THROTTLE_WINDOW_MINUTES)


def _retry_at(
    scope: str, key: str, limit: int, window: timedelta, now: datetime
) -> datetime | None:
    """When the `limit`-th latest event leaves the window; None while under the limit."""
    times = list(
        ThrottleEvent.objects.filter(scope=scope, key=key, created_at__gt=now - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(times) < limit:
        return None
    return times[limit - 1] + window


def wait_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return ngettext(
        "Too many attempts. Try again in %(n)d minute.",
        "Too many attempts. Try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


def login_retry_at(*, email: str, address: str, now: datetime | None = None) -> datetime | None:
    """None when a login may be tried now; otherwise when it may be tried again."""
    now = now or timezone.now()
    window = _login_window()
    times = [
        _retry_at(LOGIN_ACCOUNT, _key(email), settings.LOGIN_THROTTLE_ACCOUNT_FAILURES, window, now)
        if email
        else None,
        _retry_at(
            LOGIN_ADDRESS, _key(address), settings.LOGIN_THROTTLE_ADDRESS_FAILURES, window, now
        )
        if address
        else None,
    ]
    found = [t for t in times if t is not None]
    return max(found) if found else None


def _prune(now: datetime) -> None:
    longest = max(_login_window(), _mail_window())
    ThrottleEvent.objects.filter(created_at__lt=now - longest).delete()


@transaction.atomic
def record_login_failure(*, email: str, address: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    _prune(now)
    events = [ThrottleEvent(scope=LOGIN_ACCOUNT, key=_key(email), created_at=now)]
    if address:
        events.append(ThrottleEvent(scope=LOGIN_ADDRESS, key=_key(address), created_at=now))
    ThrottleEvent.objects.bulk_create(events)
    until = login_retry_at(email=email, address=address, now=now)
    if until is not None:
        # Audited as the lock starts, not on every refused try (an attacker would fill the log).
        count = ThrottleEvent.objects.filter(
            scope=LOGIN_ACCOUNT, key=_key(email), created_at__gt=now - _login_window()
        ).count()
        if count == settings.LOGIN_THROTTLE_ACCOUNT_FAILURES:
            audit.record(
                action="login.throttled",
                details={"account_sha256": _key(email), "until": until.isoformat()},
            )


@transaction.atomic
def record_login_success(*, email: str) -> None:
    ThrottleEvent.objects.filter(scope=LOGIN_ACCOUNT, key=_key(email)).delete()


@transaction.atomic
def claim_account_mail(*, address: str, email: str, now: datetime | None = None) -> bool:
    """Count one asked-for account mail (reset or verification).

    Raises `Throttled` when this client address asked too often. Returns False when the
    target address has had its share: the caller then sends nothing and says nothing else.
    """
    now = now or timezone.now()
    window = _mail_window()
    until = (
        _retry_at(MAIL_ADDRESS, _key(address), settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS, window, now)
        if address
        else None
    )
    if until is not None:
        raise Throttled(wait_message(until, now), until=until)
    target_full = (
        _retry_at(MAIL_TARGET, _key(email), settings.ACCOUNT_MAIL_LIMIT_PER_EMAIL, window, now)
        is not None
    )
    _prune(now)
    events = [ThrottleEvent(scope=MAIL_TARGET, key=_key(email), created_at=now)]
    if address:
        events.append(ThrottleEvent(scope=MAIL_ADDRESS, key=_key(address), created_at=now))
    ThrottleEvent.objects.bulk_create(events)
    return not target_full


def throttled_login_error(until: datetime, now: datetime | None = None) -> str:
    return _(
        "%(wait)s Logins to this account or from your network failed too often; a password "
        "reset still works."
    ) % {"wait": wait_message(until, now or timezone.now())}
