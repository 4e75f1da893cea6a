"""The mail an account gets once a month when it passes 90% of a monthly API quota."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from datacollab.core.mail_language import by_language
from datacollab.organisations.models import Membership


def _recipients(user_id: int | None, organisation_id: int | None) -> list[str]:
    if organisation_id is not None:
        admins = Membership.objects.filter(
            organisation_id=organisation_id, role=Membership.Role.ADMIN
        )
        return sorted(set(admins.values_list("user__email", flat=True)))
    if user_id is None:
        return []
    user = get_user_model().objects.filter(pk=user_id).first()
    return [user.email] if user is not None and user.email else []


def send_quota_warning(
    *,
    user_id: int | None,
    organisation_id: int | None,
    tier: str,
    limit: int,
    scope: str,
    used: int,
) -> int:
    """Sent once per month and account (api/throttle.py claims it), by a task."""
    recipients = _recipients(user_id, organisation_id)
    if not recipients:
        return 0
    sent = 0
    # One copy per language among the recipients, each written in it.
    for language, addresses in by_language(recipients).items():
        with translation.override(language):
            # The number is a placeholder so the catalogue holds no bare "%" (msgfmt checks
            # formats).
            subject = _("You have used %(percent)d%% of your monthly API quota") % {"percent": 90}
            body = _(
                "Your account has made %(used)s of the %(limit)s API requests its %(tier)s "
                "tier allows this month (%(scope)s). Past the quota the API answers 429 until "
                "the 1st of next month (UTC). To keep going, ask the data's steward about the "
                "enterprise tier."
            ) % {
                "used": number_format(used, force_grouping=True),
                "limit": number_format(limit, force_grouping=True),
                "tier": tier,
                "scope": scope,
            }
        sent += send_mail(subject, body, None, addresses, fail_silently=True)
    return sent
