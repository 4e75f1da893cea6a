"""Background work of the network app. Tasks take primitive ids and call one service."""

from __future__ import annotations

from django_tasks import task

from datacollab.network.services.decisions import deliver_mail
from datacollab.network.services.reminders import deliver_reminder


@task()
def send_outgoing_mail(mail_id: int) -> bool:
    """Send one decision mail; safe to run twice (a sent mail is not sent again)."""
    return deliver_mail(mail_id=mail_id)


@task()
def send_review_reminder(call_id: int, reviewer_id: int) -> bool:
    """Remind one reviewer of their unfinished reviews; skipped if reminded recently."""
    return deliver_reminder(call_id=call_id, reviewer_id=reviewer_id)
