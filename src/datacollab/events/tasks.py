"""Background work of the events app. Tasks take primitive ids and call one service."""

from __future__ import annotations

from django_tasks import task

from datacollab.events.services import support


@task()
def send_booking_mail(booking_id: int, method: str) -> int:
    """Mail a booking's invitation (REQUEST) or cancellation (CANCEL) to both people."""
    return support.send_booking_mail(booking_id=booking_id, method=method)


@task()
def send_registration_mail(registration_id: int, kind: str, language: str = "") -> int:
    """Mail a public session's registrant their confirm-and-cancel link and the .ics."""
    from datacollab.events.services.public import send_registration_mail as send

    return send(registration_id=registration_id, kind=kind, language=language)
