"""Template filters for the set-up pages."""

from __future__ import annotations

from datetime import datetime

from django import template

from datacollab.network.selectors.applications import format_in_zone

register = template.Library()


@register.filter
def in_zone(moment: datetime | None, zone: str) -> str:
    """A call's time in the call's own zone, with the zone named: one zone, shown the same way."""
    return format_in_zone(moment, zone) if moment else ""
