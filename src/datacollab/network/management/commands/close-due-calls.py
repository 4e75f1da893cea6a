"""`datacollab close-due-calls`: record the closing of every open call whose deadline passed.

A past-deadline call takes no applications whether or not this runs (the deadline is the
rule); running it from cron makes the closing show in the audit log and on the convener's
pages at the deadline rather than at the convener's next selection step.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from datacollab.network.services.call_lifecycle import close_due_calls


class Command(BaseCommand):
    help = (
        "Close every open call whose deadline has passed (audited as call.closed by the "
        "deadline). Safe to run as often as you like, e.g. every few minutes from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_due_calls()
        for call in closed:
            self.stdout.write(f"closed: {call.slug}")
        self.stdout.write(f"calls closed: {len(closed)}")
