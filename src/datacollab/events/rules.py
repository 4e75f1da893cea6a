"""Who may see and do what with sessions, calendars and 1:1 support.

Predicates used by services (the rule) and templates (the hint). `can_view_session` and
`selectors.sessions.visible_sessions` state the same rule, one per object and one as a query;
a test checks they agree.
"""

from __future__ import annotations

from typing import Any

from datacollab.events.models import Audience, Invitation, Session
from datacollab.network.models import Cohort
from datacollab.network.selectors.participation import (
    alumni_cohort_ids,
    cohort_ids_of,
    current_cohort_ids,
)
from datacollab.organisations.models import Role
from datacollab.organisations.rules import has_role, is_convener


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_expert(user: Any) -> bool:
    return has_role(user, Role.EXPERT)


def is_network_person(user: Any) -> bool:
    """Takes part in the network: a participant or alumnus of a cohort, an expert, a reviewer
    or a convener (an applicant who was not selected is not)."""
    if not _authenticated(user):
        return False
    return bool(
        cohort_ids_of(user)
        or is_convener(user)
        or has_role(user, Role.EXPERT)
        or has_role(user, Role.REVIEWER)
    )


def can_manage_sessions(user: Any) -> bool:
    """Create, edit, cancel sessions, invite people and record attendance."""
    return is_convener(user)


def can_see_cohort_sessions(user: Any, cohort: Cohort) -> bool:
    """Every session of this cohort's own audience (the cohort calendar)."""
    if not _authenticated(user):
        return False
    return is_convener(user) or is_expert(user) or cohort.pk in cohort_ids_of(user)


def can_view_session(user: Any, session: Session) -> bool:
    if not _authenticated(user):
        return False
    if is_convener(user):
        return True
    if session.audience == Audience.COHORT:
        if is_expert(user) or session.cohort_id in cohort_ids_of(user):
            return True
    elif session.audience == Audience.ALUMNI:
        if alumni_cohort_ids(user):
            return True
    elif session.audience == Audience.NETWORK and is_network_person(user):
        return True
    return Invitation.objects.filter(session=session, user=user).exists()


def can_book_support(user: Any, cohort_id: int | None = None) -> bool:
    """Current participants book 1:1 support; a slot offered to one cohort, only its people."""
    current = current_cohort_ids(user)
    return bool(current) and (cohort_id is None or cohort_id in current)


def can_offer_support(user: Any) -> bool:
    return is_expert(user)
