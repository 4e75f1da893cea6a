from datacollab.organisations.models.invitation import Invitation
from datacollab.organisations.models.organisation import Membership, Organisation, OrganisationKind
from datacollab.organisations.models.throttle import ThrottleEvent
from datacollab.organisations.models.user import Role, RoleGrant, User

__all__ = [
    "Invitation",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "Role",
    "RoleGrant",
    "ThrottleEvent",
    "User",
]
