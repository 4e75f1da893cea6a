"""Placeholders in a message: a closed set of `{name}`s replaced by plain text.

Replacement is by a regular expression over the text, never `str.format` (which would let a
message reach attributes such as `{0.__class__}`). `{{` and `}}` write a literal brace.
Which placeholders a message may use depends on its groups: `{session}` needs exactly one
session among them, `{call}` exactly one call, `{cohort}` exactly one cohort.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.communications.groups import Group, Recipient
from datacollab.core.errors import DomainError

TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")

DESCRIPTIONS = {
    "name": gettext_lazy("the recipient's name"),
    "organisation": gettext_lazy("the recipient's organisation"),
    "site_link": gettext_lazy("the address of the site"),
    "cohort": gettext_lazy("the cohort's name"),
    "call": gettext_lazy("the call's title"),
    "call_link": gettext_lazy("the address of the call's page"),
    "session": gettext_lazy("the session's title"),
    "session_link": gettext_lazy("the address of the session's page"),
}
ALWAYS = ("name", "organisation", "site_link")


def _one(values: Sequence[object]) -> object | None:
    distinct = {v for v in values if v is not None}
    return distinct.pop() if len(distinct) == 1 else None


def shared_context(groups: Sequence[Group]) -> dict[str, str]:
    """The message-wide values the chosen groups give (only the placeholders they allow)."""
    context = {"site_link": settings.SITE_URL + "/"}
    cohort = _one([g.cohort for g in groups])
    if cohort is not None:
        context["cohort"] = cohort.name  # type: ignore[attr-defined]
    call = _one([g.call for g in groups])
    if call is not None:
        context["call"] = call.title  # type: ignore[attr-defined]
        context["call_link"] = settings.SITE_URL + reverse(
            "call-detail",
            args=[call.slug],  # type: ignore[attr-defined]
        )
    session = _one([g.session for g in groups])
    if session is not None:
        context["session"] = session.title  # type: ignore[attr-defined]
        context["session_link"] = settings.SITE_URL + reverse(
            "session-detail",
            args=[session.slug],  # type: ignore[attr-defined]
        )
    return context


def allowed(groups: Sequence[Group]) -> list[str]:
    shared = shared_context(groups)
    return [name for name in DESCRIPTIONS if name in ALWAYS or name in shared]


def check(text: str, *, allowed_names: Sequence[str], field: str) -> None:
    """Refuse an unknown placeholder or a stray brace, naming the allowed placeholders."""
    listing = ", ".join(f"{{{name}}}" for name in allowed_names)
    for match in TOKEN.finditer(text):
        name = match.group(1)
        if match.group(0) in ("{{", "}}"):
            continue
        if name not in allowed_names:
            raise DomainError(
                _(
                    "%(placeholder)s is not a placeholder this message can use. Allowed: "
                    "%(allowed)s (write {{ and }} for a literal brace)."
                )
                % {"placeholder": match.group(0), "allowed": listing},
                field=field,
            )
    rest = TOKEN.sub("", text)
    if "{" in rest or "}" in rest:
        raise DomainError(
            _(
                "A brace is not closed. Allowed placeholders: %(allowed)s; write {{ and }} "
                "for a literal brace."
            )
            % {"allowed": listing},
            field=field,
        )


def render(text: str, context: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        if found in ("{{", "}}"):
            return found[0]
        return context[match.group(1)]

    return TOKEN.sub(replace, text)


def recipient_context(shared: dict[str, str], recipient: Recipient) -> dict[str, str]:
    return {**shared, "name": recipient.name, "organisation": recipient.organisation}
