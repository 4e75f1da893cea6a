"""Every write to organisations and people, one module per area; re-exported here."""

from datacollab.organisations.services.diversity import (
    set_diversity_details,
    update_organisation,
)
from datacollab.organisations.services.invitations import (
    accept_invitation,
    invite_member,
    invite_to_role,
    revoke_invitation,
)
from datacollab.organisations.services.language import set_language
from datacollab.organisations.services.members import remove_member, revoke_role, set_member_role
from datacollab.organisations.services.people import (
    add_member,
    create_organisation,
    grant_role,
    register_person,
    set_profile,
    sign_up,
)
from datacollab.organisations.services.verification import (
    confirm_address_by_reset,
    mail_verification_link,
    resend_verification,
    verify_email,
)

__all__ = [
    "accept_invitation",
    "add_member",
    "confirm_address_by_reset",
    "create_organisation",
    "grant_role",
    "invite_member",
    "invite_to_role",
    "mail_verification_link",
    "register_person",
    "remove_member",
    "resend_verification",
    "revoke_invitation",
    "revoke_role",
    "set_diversity_details",
    "set_language",
    "set_member_role",
    "set_profile",
    "sign_up",
    "update_organisation",
    "verify_email",
]
