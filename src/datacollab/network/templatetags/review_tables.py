"""`{% assignment_rows %}`: the assignments table's rows, written in Python."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from datacollab.network.assignment_rows import assignment_rows as _assignment_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def assignment_rows(context: Any) -> SafeString:
    return _assignment_rows(
        context["overview"].rows,
        call=context["call"],
        locked=bool(context.get("locked")),
        deadline_passed=bool(context.get("deadline_passed")),
        csrf_token=context.get("csrf_token"),
    )
