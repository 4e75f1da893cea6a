"""The `date` template filter, as Django's plus the French first of the month ("1er
décembre 2026", core/dates.py).

Registered as a template builtin after Django's own (settings.TEMPLATES "builtins"), so every
`{{ value|date:"DATE_FORMAT" }}` in every template and mail gets it without a `{% load %}`.
"""

from __future__ import annotations

from datetime import date as date_type
from typing import Any

from django import template
from django.utils import dateformat

from datacollab.core import dates

register = template.Library()


# Same flags as Django's: an aware datetime is shown in the current (or chosen) zone.
@register.filter(expects_localtime=True, is_safe=False)
def date(value: date_type | Any, arg: str | None = None) -> str:
    if value in (None, ""):
        return ""
    try:
        return dates.date_format(value, arg)
    except AttributeError:
        try:
            return dateformat.format(value, arg or "")
        except AttributeError:
            return ""
