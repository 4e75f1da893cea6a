"""Date and time entered in a zone the form names (the organiser's), not the viewer's."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
WIDGET_FORMAT = "%Y-%m-%dT%H:%M"


@lru_cache(maxsize=1)
def zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class WallClockField(forms.Field):
    """A date and time without a zone (the zone comes from another field): a naive datetime."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WIDGET_FORMAT)
    default_error_messages = {
        "invalid": _("Enter a date and time, e.g. 2027-03-10 14:00."),
        "range": _("Enter a date between the years 2000 and 2100."),
    }

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        text = str(value).strip()
        for fmt in INPUT_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if not 2000 <= parsed.year <= 2100:
                raise ValidationError(self.error_messages["range"], code="range")
            return parsed
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def in_zone(wall: datetime, zone_name: str) -> datetime | None:
    """`wall` read in `zone_name` as an aware datetime; None if that wall-clock time does not
    exist there (skipped when the clocks go forward). An ambiguous time takes its first
    occurrence."""
    zone = zoneinfo.ZoneInfo(zone_name)
    aware = wall.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return aware if back == wall else None


def initial_wall(value: datetime, zone_name: str) -> str:
    """An aware datetime as the form shows it: wall-clock time in `zone_name`."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return value.astimezone(zone).strftime(WIDGET_FORMAT)


class ZonedTimesMixin(forms.Form):
    """`starts_at`, `ends_at` and `time_zone` fields cleaned into aware datetimes."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = data.get("time_zone")
        if not zone:
            return data
        for name in ("starts_at", "ends_at"):
            wall = data.get(name)
            if wall is None:
                continue
            aware = in_zone(wall, zone)
            if aware is None:
                self.add_error(
                    name,
                    _("%(time)s does not exist in %(zone)s (the clocks go forward then).")
                    % {"time": wall.strftime("%Y-%m-%d %H:%M"), "zone": zone},
                )
            else:
                data[name] = aware
        return data
