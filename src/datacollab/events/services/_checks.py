"""Checks shared by the session and support services."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_zone(name: str, *, field: str = "time_zone") -> str:
    name = (name or "").strip()
    if name not in _zone_names():
        raise DomainError(
            _("%(zone)r is not a time zone: give an IANA name such as Europe/London.")
            % {"zone": name},
            field=field,
        )
    return name


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    for value, field in ((starts_at, "starts_at"), (ends_at, "ends_at")):
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise DomainError(
                _("Give the start and end as dates and times with their time zone."), field=field
            )
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."), field="ends_at")


def check_url(url: str, *, field: str = "video_url") -> str:
    url = (url or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise DomainError(
            _("%(url)r is not a web address: give a link starting with https://.") % {"url": url},
            field=field,
        ) from None
    if len(url) > 200:
        raise DomainError(_("The link is too long (200 characters at most)."), field=field)
    return url


def _missing(field: str) -> str:
    # Whole sentences per field: the article and adjective agree with the noun in many
    # languages, so the noun cannot be put into a shared sentence.
    return {"title": _("Give the title.")}.get(field, _("Fill in this field."))


def _too_long(field: str) -> str:
    return {
        "title": _("The title is too long (%(n)d characters at most)."),
        "theme": _("The theme is too long (%(n)d characters at most)."),
        "place": _("The place is too long (%(n)d characters at most)."),
        "topic": _("The topic is too long (%(n)d characters at most)."),
        "question": _("The question is too long (%(n)d characters at most)."),
    }.get(field, _("This text is too long (%(n)d characters at most)."))


def check_text(value: str, *, field: str, max_length: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_missing(field), field=field)
    if len(value) > max_length:
        raise DomainError(_too_long(field) % {"n": max_length}, field=field)
    return value
