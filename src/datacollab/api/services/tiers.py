"""The steward's API tiers for a dataset or a collaboration, and enterprise plans on them.

The steward of a dataset is an administrator of the organisation that owns it; of a
collaboration, an administrator of its lead organisation. Every change is audited; a change of
limits applies from the next request (api/throttle.py reads them on each one).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.api.models import ApiTiers, EnterprisePlan
from datacollab.api.throttle import LIMIT_FIELDS
from datacollab.collaborations.models import DataCollaboration
from datacollab.collaborations.rules import manages
from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.datasets.models import Dataset
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_org_admin

Scope = Dataset | DataCollaboration


def is_steward(user: Any, scope: Scope) -> bool:
    if isinstance(scope, Dataset):
        return is_org_admin(user, scope.owner)
    return manages(user, scope)


def _require_steward(actor: Any, scope: Scope) -> None:
    if not is_steward(actor, scope):
        raise NotAllowed(
            _(
                "Only the data's steward (an administrator of the owning organisation) sets "
                "its tiers."
            )
        )


def default_limits() -> dict[str, int]:
    return {name: int(getattr(settings, f"API_{name.upper()}")) for name in LIMIT_FIELDS}


def tiers_of(scope: Scope) -> ApiTiers | None:
    if isinstance(scope, Dataset):
        return ApiTiers.objects.filter(dataset=scope).first()
    return ApiTiers.objects.filter(collaboration=scope).first()


@transaction.atomic
def set_tiers(
    *,
    actor: Any,
    scope: Scope,
    limits: dict[str, int],
    enterprise_price: Decimal,
    currency: str = "GBP",
) -> ApiTiers:
    """Create or change the scope's tiers: a rate limit and a monthly quota for each tier."""
    _require_steward(actor, scope)
    for name in LIMIT_FIELDS:
        value = limits.get(name)
        if not isinstance(value, int) or value < 1:
            raise DomainError(_("Every limit must be a whole number of at least 1."), field=name)
    for tier in ("anonymous", "community", "enterprise"):
        if limits[f"{tier}_per_minute"] > limits[f"{tier}_per_month"]:
            raise DomainError(
                _("A tier's rate per minute cannot exceed its monthly quota."),
                field=f"{tier}_per_minute",
            )
    if limits["anonymous_per_month"] > limits["community_per_month"]:
        # Registering must never lower a limit, or people would stay anonymous.
        raise DomainError(
            _("The anonymous quota cannot exceed the community quota."),
            field="anonymous_per_month",
        )
    if enterprise_price < 0:
        raise DomainError(_("The price cannot be negative."), field="enterprise_price")
    owner = {"dataset": scope} if isinstance(scope, Dataset) else {"collaboration": scope}
    tiers = ApiTiers.objects.select_for_update().filter(**owner).first()
    before = None if tiers is None else {n: getattr(tiers, n) for n in LIMIT_FIELDS}
    if tiers is None:
        tiers = ApiTiers(**owner)
    for name in LIMIT_FIELDS:
        setattr(tiers, name, limits[name])
    tiers.enterprise_price = enterprise_price
    tiers.currency = currency.upper()[:3]
    tiers.updated_by = actor
    tiers.save()
    audit.record(
        action="api.tiers_set",
        actor=actor,
        obj=tiers,
        details={
            "scope": tiers.scope,
            "before": before,
            "after": {n: limits[n] for n in LIMIT_FIELDS},
            "enterprise_price": str(enterprise_price),
            "currency": tiers.currency,
        },
    )
    return tiers


def find_account(*, account: str) -> tuple[Any, Organisation | None]:
    """A person by email address, or an organisation by its slug."""
    account = account.strip()
    if "@" in account:
        user = get_user_model().objects.filter(email__iexact=account, is_active=True).first()
        if user is not None:
            return user, None
    else:
        organisation = Organisation.objects.filter(slug=account).first()
        if organisation is not None:
            return None, organisation
    raise NotFound(
        _("No person with that email address or organisation with that slug."), field="account"
    )


@transaction.atomic
def start_enterprise_plan(*, actor: Any, scope: Scope, account: str) -> EnterprisePlan:
    """Put a person or an organisation on the scope's enterprise tier (the paid plan)."""
    _require_steward(actor, scope)
    tiers = tiers_of(scope)
    if tiers is None:
        raise Conflict(_("Set the tiers first: the plan's limits and price come from them."))
    user, organisation = find_account(account=account)
    try:
        with transaction.atomic():
            plan = EnterprisePlan.objects.create(
                tiers=tiers, user=user, organisation=organisation, created_by=actor
            )
    except IntegrityError:
        raise Conflict(
            _("This account is already on the enterprise plan."), field="account"
        ) from None
    audit.record(
        action="api.enterprise_plan_started",
        actor=actor,
        obj=plan,
        details={
            "scope": tiers.scope,
            "account": plan.account,
            "price": str(tiers.enterprise_price),
        },
    )
    return plan


@transaction.atomic
def end_enterprise_plan(*, actor: Any, scope: Scope, plan_id: int) -> EnterprisePlan:
    """End a plan: from the next request the account is back on the community tier."""
    _require_steward(actor, scope)
    tiers = tiers_of(scope)
    plan = (
        EnterprisePlan.objects.select_for_update().filter(pk=plan_id, tiers=tiers).first()
        if tiers is not None
        else None
    )
    if plan is None:
        raise NotFound(_("There is no such enterprise plan."))
    if plan.ended_at is not None:
        return plan
    plan.ended_at = timezone.now()
    plan.save(update_fields=["ended_at"])
    audit.record(
        action="api.enterprise_plan_ended",
        actor=actor,
        obj=plan,
        details={"scope": tiers.scope if tiers else "", "account": plan.account},
    )
    return plan
