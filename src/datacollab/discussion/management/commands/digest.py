from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from datacollab.discussion import tasks
from datacollab.discussion.services import send_digests


class Command(BaseCommand):
    help = (
        "Send the discussion's daily digest: one mail per person of everything not yet mailed "
        "to them. Safe to run twice. Schedule it once a day (cron, or --enqueue for the worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the work to the task worker (`datacollab db_worker`) instead",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = tasks.send_daily_digests.enqueue()
            self.stdout.write(f"digest task enqueued: {result.id}")
            return
        sent = send_digests()
        self.stdout.write(f"digests sent: {sent}")
