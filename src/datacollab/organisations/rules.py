"""Permission predicates: small functions, used by services (the rule) and templates (the hint)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed
from datacollab.organisations.models import Membership, Organisation, Role, RoleGrant


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def has_role(user: Any, role: Role | str) -> bool:
    if not _authenticated(user):
        return False
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
        user._role_cache = cache
    return str(role) in cache


def is_convener(user: Any) -> bool:
    return _authenticated(user) and (bool(user.is_superuser) or has_role(user, Role.CONVENER))


def is_reviewer(user: Any) -> bool:
    return has_role(user, Role.REVIEWER)


def is_member(user: Any, organisation: Organisation) -> bool:
    if not _authenticated(user):
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def is_org_admin(user: Any, organisation: Organisation) -> bool:
    if not _authenticated(user):
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


def has_verified_email(user: Any) -> bool:
    """Has this person proved, by a mailed link, that they read mail at their address?"""
    return _authenticated(user) and getattr(user, "email_verified_at", None) is not None


class EmailNotVerified(NotAllowed):
    """A refusal the person can mend themselves: a page holding their typed answers shows it on
    the form (keeping the answers) rather than replacing the form by a refusal page."""


def require_verified_email(user: Any) -> None:
    """The check the network services make before applying or reviewing."""
    if not has_verified_email(user):
        raise EmailNotVerified(
            _(
                "Verify your email address first: follow the link we mailed you, or ask for a "
                "new one on your profile page (Account → Verify your email address)."
            )
        )


def can_manage_members(user: Any, organisation: Organisation) -> bool:
    return is_org_admin(user, organisation)


def can_manage_roles(user: Any) -> bool:
    return is_convener(user)
