"""The structured terms of an agreement: what they may hold, checked in one place.

Stored in `Agreement.terms` and exported as an ODRL policy (`odrl.py`). Pure: no ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.core.errors import DomainError

# Purposes offered as tick boxes; parties may add their own words as well.
PURPOSES: dict[str, Any] = {
    "research": gettext_lazy("Research"),
    "public-interest": gettext_lazy("Public interest and policy making"),
    "service-improvement": gettext_lazy("Improving public or shared services"),
    "product-development": gettext_lazy("Developing products or services"),
    "education": gettext_lazy("Teaching and learning"),
    "journalism": gettext_lazy("Journalism"),
    "ai-training": gettext_lazy("Training or testing AI models"),
}


class Sharing:
    NONE = "none"
    MEMBERS = "members"
    ANYONE = "anyone"


SHARING_CHOICES = [
    (Sharing.NONE, gettext_lazy("No onward sharing")),
    (Sharing.MEMBERS, gettext_lazy("Only with the collaboration's members")),
    (Sharing.ANYONE, gettext_lazy("With anyone")),
]

MAX_RETENTION_DAYS = 36_500
MAX_PURPOSES = 20
MAX_PURPOSE_LENGTH = 100


def _purposes(values: Iterable[Any]) -> list[str]:
    seen: list[str] = []
    for value in values:
        purpose = " ".join(str(value).split())
        if not purpose:
            continue
        if len(purpose) > MAX_PURPOSE_LENGTH:
            raise DomainError(
                _("Keep each purpose under %(n)d characters.") % {"n": MAX_PURPOSE_LENGTH},
                field="purposes",
            )
        if purpose not in seen:
            seen.append(purpose)
    if len(seen) > MAX_PURPOSES:
        raise DomainError(_("List at most %(n)d purposes.") % {"n": MAX_PURPOSES}, field="purposes")
    return seen


def normalise(terms: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical form of the terms, or a DomainError naming the wrong field.

    Keys: permitted_purposes (list of purpose keys or free words; empty = any purpose),
    commercial_use (bool), onward_sharing ("none" | "members" | "anyone"),
    attribution (bool), retention_days (days the data may be kept; None = no limit).
    """
    raw_purposes = terms.get("permitted_purposes") or []
    if isinstance(raw_purposes, str) or not isinstance(raw_purposes, Iterable):
        raise DomainError(_("Give the purposes as a list."), field="purposes")
    sharing = terms.get("onward_sharing", Sharing.NONE)
    if sharing not in (Sharing.NONE, Sharing.MEMBERS, Sharing.ANYONE):
        raise DomainError(_("Onward sharing is none, members or anyone."), field="onward_sharing")
    retention = terms.get("retention_days")
    if retention is not None:
        if isinstance(retention, bool) or not isinstance(retention, int):
            raise DomainError(
                _("Give the retention as a whole number of days."), field="retention_days"
            )
        if not 1 <= retention <= MAX_RETENTION_DAYS:
            raise DomainError(
                _("The retention is between 1 and %(max)d days (or no limit).")
                % {"max": MAX_RETENTION_DAYS},
                field="retention_days",
            )
    return {
        "permitted_purposes": _purposes(raw_purposes),
        "commercial_use": bool(terms.get("commercial_use", False)),
        "onward_sharing": sharing,
        "attribution": bool(terms.get("attribution", False)),
        "retention_days": retention,
    }


def purpose_label(purpose: str) -> str:
    label = PURPOSES.get(purpose)
    return str(label) if label is not None else purpose
