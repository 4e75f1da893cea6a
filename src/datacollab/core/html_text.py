"""What Django's template tags write, for HTML written in Python (long tables, charts).

A table of a hundred rows written by the template engine costs thousands of nodes a view;
the modules that write such rows in Python (`reports/chart_figure.py`,
`network/review_rows.py`) use these so each piece is what the tag would have written,
and test it byte for byte against the template it replaces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template import Context
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.translation import gettext

_CONTEXT = Context()  # autoescape on, localisation as the settings say: a page's defaults


def shown(value: Any) -> str:
    """As `{{ value }}`: localised, then escaped unless safe."""
    return render_value_in_context(value, _CONTEXT)


def blocktranslated(msgid: str, **values: Any) -> str:
    """As `{% blocktranslate with … %}`: the translation unescaped, each value as `{{ }}`,
    and the English when a translation's placeholders do not fit. Mark the msgid where it is
    written with `gettext_noop`, so makemessages keeps it."""
    data = {name: shown(value) for name, value in values.items()}
    try:
        return gettext(msgid) % data
    except (KeyError, ValueError):
        return msgid % data


def csrf_input(token: Any) -> str:
    """As `{% csrf_token %}` given the page's `csrf_token`."""
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's marker, not a secret
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{shown(str(token))}">'


SENTINEL = 8_070_450_532_247_928_831  # an id no row has, to find where the last one goes


def url_with_last_id(view_name: str, *args: Any) -> Callable[[int], str]:
    """As `{% url view_name *args id %}` for many ids: reversed once, then the id put in its
    place (a URL whose last argument is an integer id; escaped as the tag does)."""
    before, _sentinel, after = reverse(view_name, args=[*args, SENTINEL]).rpartition(str(SENTINEL))
    before, after = shown(before), shown(after)
    return lambda pk: f"{before}{int(pk)}{after}"
