"""Organisation admins remove colleagues and change their role; conveners revoke roles.

An organisation always keeps one administrator: the last one can be neither removed nor
made a member (rows are locked, so two admins removing each other cannot both succeed).
Likewise the network always keeps one convener.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.organisations import rules
from datacollab.organisations.models import Membership, Organisation, Role, RoleGrant, User

REVOCABLE_ROLES = (Role.REVIEWER, Role.EXPERT, Role.CONVENER)


def _locked_memberships(organisation: Organisation) -> list[Membership]:
    return list(
        Membership.objects.select_for_update().filter(organisation=organisation).order_by("pk")
    )


def _membership(organisation: Organisation, membership_id: int) -> tuple[Membership, int]:
    rows = _locked_memberships(organisation)
    target = next((m for m in rows if m.pk == membership_id), None)
    if target is None:
        raise NotFound(_("This person is not a member of the organisation."))
    admins = sum(1 for m in rows if m.role == Membership.Role.ADMIN)
    return target, admins


@transaction.atomic
def remove_member(*, actor: User, organisation: Organisation, membership_id: int) -> None:
    if not rules.can_manage_members(actor, organisation):
        raise NotAllowed(_("Only the organisation's administrators can remove colleagues."))
    target, admins = _membership(organisation, membership_id)
    if target.role == Membership.Role.ADMIN and admins <= 1:
        raise Conflict(
            _("%(name)s is the last administrator: make someone else an administrator first.")
            % {"name": target.user}
        )
    email = target.user.email
    target.delete()
    audit.record(
        action="organisation.member_removed",
        actor=actor,
        obj=organisation,
        details={"user": email, "role": target.role},
    )


@transaction.atomic
def set_member_role(
    *, actor: User, organisation: Organisation, membership_id: int, role: str
) -> Membership:
    if not rules.can_manage_members(actor, organisation):
        raise NotAllowed(_("Only the organisation's administrators can change roles."))
    if role not in Membership.Role.values:
        raise DomainError(_("Choose administrator or member."), field="role")
    target, admins = _membership(organisation, membership_id)
    if target.role == role:
        return target
    if target.role == Membership.Role.ADMIN and admins <= 1:
        raise Conflict(
            _("%(name)s is the last administrator: make someone else an administrator first.")
            % {"name": target.user}
        )
    before = target.role
    target.role = role
    target.save(update_fields=["role"])
    audit.record(
        action="organisation.member_role_changed",
        actor=actor,
        obj=organisation,
        details={"user": target.user.email, "role": role, "was": before},
    )
    return target


def last_convener(grant: RoleGrant) -> bool:
    """True when `grant` is the only convener role left. Every convener row is locked, so two
    conveners revoking each other at once cannot both succeed."""
    conveners = list(
        RoleGrant.objects.select_for_update()
        .filter(role=Role.CONVENER)
        .values_list("pk", flat=True)
    )
    return conveners == [grant.pk]


@transaction.atomic
def revoke_role(*, actor: User, grant_id: int) -> None:
    """A convener takes back a reviewer's, an expert's or another convener's role."""
    if not rules.can_manage_roles(actor):
        raise NotAllowed(_("Only conveners can revoke roles."))
    grant = RoleGrant.objects.select_for_update().select_related("user").filter(pk=grant_id).first()
    if grant is None:
        raise NotFound(_("No such role."))
    if grant.role not in REVOCABLE_ROLES:
        raise NotAllowed(_("Only reviewer, expert and convener roles can be revoked here."))
    if grant.role == Role.CONVENER and last_convener(grant):
        raise Conflict(
            _(
                "%(name)s is the last convener: without one, nobody could run the network "
                "from the site. Invite another convener first."
            )
            % {"name": grant.user}
        )
    email, role = grant.user.email, grant.role
    user = grant.user
    grant.delete()
    audit.record(
        action="role.revoked", actor=actor, obj=user, details={"role": role, "user": email}
    )
