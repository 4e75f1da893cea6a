"""Background work of the events app. Tasks take primitive ids and call one service."""

from __future__ import annotations

from django_tasks import task

from datacollab.events.services import support


@task()
def send_booking_mail(booking_id: int, method: str) -> int:
    """Mail a booking's invitation (REQUEST) or cancellation (CANCEL) to both people."""
    return support.send_booking_mail(booking_id=booking_id, method=method)
