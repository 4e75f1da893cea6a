"""Selects with long lists of options (time zones, countries), written in Python.

Django renders a select's every option through a template include (`select_option.html`,
then `attrs.html`): for the ~600 time zones and ~250 countries of the profile form that is
some 7,000 template nodes, about 0.3 s of a core per page, the slowest page of bench/load.py.
These widgets write the same HTML as Django's templates (tests/core/test_widgets.py compares
them byte for byte), in a few milliseconds.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html: False left out, True as a bare name.
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


def _select(widget: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/select.html, with select_option.html included per option (its
    file's last newline too)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every piece above is escaped


class QuickSelect(forms.Select):
    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        return _select(context["widget"])


class QuickSelectMultiple(forms.SelectMultiple):
    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        return _select(context["widget"])
