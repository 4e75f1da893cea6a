from datacollab.organisations.models.organisation import Membership, Organisation, OrganisationKind
from datacollab.organisations.models.user import Role, RoleGrant, User

__all__ = ["Membership", "Organisation", "OrganisationKind", "Role", "RoleGrant", "User"]
