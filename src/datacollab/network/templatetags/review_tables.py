"""`{% assignment_rows %}`, `{% score_rows %}`: those tables' rows, written in Python."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from datacollab.network.review_rows import assignment_rows as _assignment_rows
from datacollab.network.review_rows import score_rows as _score_rows

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


@register.simple_tag(takes_context=True)
def score_rows(context: Any) -> SafeString:
    return _score_rows(context["rows"], call=context["call"])
