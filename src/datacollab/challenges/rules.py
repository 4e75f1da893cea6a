"""Who may do what with a challenge: small predicates the services and pages share."""

from __future__ import annotations

from typing import Any

from datacollab.challenges.models import Challenge
from datacollab.organisations.rules import is_convener


def can_manage(user: Any) -> bool:
    return is_convener(user)


def can_see(user: Any, challenge: Challenge) -> bool:
    """A draft is the conveners' own; from opening on, everyone sees the challenge."""
    return challenge.is_public or can_manage(user)


def is_judge(user: Any, challenge: Challenge) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return challenge.judges.filter(user=user).exists()
