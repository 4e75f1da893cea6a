"""Background work for the API: thin, as every task (STYLE.md)."""

from __future__ import annotations

from django_tasks import task

from datacollab.api.services.quota_mail import send_quota_warning


@task()
def mail_quota_warning(
    user_id: int | None, organisation_id: int | None, tier: str, limit: int, scope: str, used: int
) -> int:
    """The 90% mail, off the request that passed the mark (a slow mail server must not hold it)."""
    return send_quota_warning(
        user_id=user_id,
        organisation_id=organisation_id,
        tier=tier,
        limit=limit,
        scope=scope,
        used=used,
    )
