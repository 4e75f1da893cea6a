"""`{% load dates %}` then `{{ moment|datefmt:"WEEKDAY_DATETIME_FORMAT" }}`.

For the named formats Django's `date` filter does not know (core/dates.py); for
DATE_FORMAT and the other Django names use `|date:"DATE_FORMAT"`.
"""

from __future__ import annotations

from datetime import date

from django import template

from datacollab.core.dates import format_date

register = template.Library()


# expects_localtime: like Django's `date`, an aware datetime is shown in the current zone
# (or in the one a `|timezone:` before it chose).
@register.filter(expects_localtime=True)
def datefmt(value: date | None, name: str) -> str:
    if value in (None, ""):
        return ""
    try:
        return format_date(value, name)
    except AttributeError:
        return ""
