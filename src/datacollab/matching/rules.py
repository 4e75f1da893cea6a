"""Who may see peer suggestions and turn them into sessions."""

from __future__ import annotations

from typing import Any

from datacollab.network.selectors.participation import cohort_ids_of
from datacollab.organisations.rules import is_convener


def can_see_own_suggestions(user: Any) -> bool:
    """A person of an organisation taking part, or that took part, in a cohort."""
    return bool(cohort_ids_of(user))


def can_see_cohort_suggestions(user: Any) -> bool:
    """Conveners: they see every organisation's suggestions and may pair them."""
    return is_convener(user)
