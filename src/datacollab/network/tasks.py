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


@task()
def send_eoi_invitation(application_id: int) -> int:
    """Mail an organisation its invitation to send a full proposal."""
    from datacollab.network.services.stages import deliver_eoi_invitation

    return deliver_eoi_invitation(application_id=application_id)


@task()
def send_direct_invitation(approach_id: int) -> int:
    """Mail a directly approached organisation its invitation to an interview."""
    from datacollab.network.services.direct import deliver_approach_invitation

    return deliver_approach_invitation(approach_id=approach_id)


@task()
def send_due_reminders() -> int:
    """Every reminder due now, from every source (`datacollab remind --enqueue`)."""
    from django.utils import timezone

    from datacollab.network import reminder_sources

    sent, _skipped = reminder_sources.send_due(timezone.now())
    return sent


@task()
def send_report_decision(report_id: int) -> int:
    """Mail a grantee that its report was approved or sent back for changes."""
    from datacollab.network.services.grant_reports import deliver_decision_mail

    return deliver_decision_mail(report_id=report_id)
