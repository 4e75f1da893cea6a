"""Who may do what in a collaboration: small predicates used by services (the rule) and pages."""

from __future__ import annotations

from typing import Any

from datacollab.collaborations.models import DataCollaboration
from datacollab.organisations.models import Membership
from datacollab.organisations.rules import is_org_admin


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def manages(user: Any, collaboration: DataCollaboration) -> bool:
    """Administrators of the lead organisation run the collaboration: members, status, terms."""
    return is_org_admin(user, collaboration.lead)


def in_lead(user: Any, collaboration: DataCollaboration) -> bool:
    """Any member of the lead organisation (e.g. for the self-assessment)."""
    if not _authenticated(user):
        return False
    return Membership.objects.filter(user=user, organisation_id=collaboration.lead_id).exists()


def in_collaboration(user: Any, collaboration: DataCollaboration) -> bool:
    """A member of any organisation taking part (lead included)."""
    if not _authenticated(user):
        return False
    return Membership.objects.filter(
        user=user, organisation__collaboration_memberships__collaboration=collaboration
    ).exists()
