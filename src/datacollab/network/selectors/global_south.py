"""Which rule makes a candidate "Global South" for the selection's minimum share.

The optimiser (selection_engine.py) stays pure and receives one boolean per candidate; this
module decides how that boolean is filled, from the organisation alone. People's countries of
residence and working languages are private and never read here, nor anywhere in selection.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.organisations.models import Organisation

HEAD_OFFICE = "head_office"
OPERATION = "operation"

RULE_CHOICES = [
    (HEAD_OFFICE, gettext_lazy("Global South by head office")),
    (OPERATION, gettext_lazy("Global South by countries of operation")),
]
RULES = tuple(rule for rule, _label in RULE_CHOICES)


def is_global_south(organisation: Organisation, rule: str) -> bool:
    """By head office: its country is in the Global South. By operation: at least one of its
    countries of operation is, and one that has recorded none is judged by its head office
    (`organisations.models.operation_codes`, the dashboard's rule too)."""
    if rule == OPERATION:
        return organisation.is_global_south_by_operation
    return organisation.is_global_south


def rule_label(rule: str) -> str:
    return str(dict(RULE_CHOICES).get(rule, rule))


def rule_short(rule: str) -> str:
    return _("by countries of operation") if rule == OPERATION else _("by head office")


def rule_explanation(rule: str) -> str:
    if rule == OPERATION:
        return _(
            "Global South by countries of operation: an organisation counts when at least one "
            "of the countries it works in is in the Global South; one that has recorded no "
            "countries of operation counts by its head office."
        )
    return _("Global South by head office: an organisation counts when its head office is.")
