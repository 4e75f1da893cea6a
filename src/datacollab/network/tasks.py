"""Background work of the network app. Tasks take primitive ids and call one service."""

from __future__ import annotations

from django_tasks import task

from datacollab.network.services.decisions import deliver_mail


@task()
def send_outgoing_mail(mail_id: int) -> bool:
    """Send one decision mail; safe to run twice (a sent mail is not sent again)."""
    return deliver_mail(mail_id=mail_id)
