"""The mail an account gets once a month when it passes 90% of a monthly API quota."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from datacollab.organisations.models import Membership

if TYPE_CHECKING:
    from datacollab.api.throttle import Caller, Limits


def _recipients(caller: Caller) -> list[str]:
    if caller.organisation_id is not None:
        admins = Membership.objects.filter(
            organisation_id=caller.organisation_id, role=Membership.Role.ADMIN
        )
        return sorted(set(admins.values_list("user__email", flat=True)))
    if caller.user_id is None:
        return []
    user = get_user_model().objects.filter(pk=caller.user_id).first()
    return [user.email] if user is not None and user.email else []


def send_quota_warning(*, caller: Caller, limits: Limits, used: int) -> int:
    """Sent by the request that first passes 90% (api/throttle.py claims it once per month)."""
    recipients = _recipients(caller)
    if not recipients:
        return 0
    subject = _("You have used 90% of your monthly API quota")
    body = _(
        "Your account has made %(used)s of the %(limit)s API requests its %(tier)s tier allows "
        "this month (%(scope)s). Past the quota the API answers 429 until the 1st of next "
        "month (UTC). To keep going, ask the data's steward about the enterprise tier."
    ) % {"used": used, "limit": limits.per_month, "tier": limits.tier, "scope": limits.scope}
    return send_mail(subject, body, None, recipients, fail_silently=True)
