"""`datacollab remind [--dry-run] [--only SOURCE] [--enqueue]`: every reminder due now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from datacollab.network import reminder_sources, tasks


class Command(BaseCommand):
    help = (
        "Send every reminder due now, from every registered source (reports before and after "
        "their due dates, reviews near their deadline, ...). Each reminder goes once: safe to "
        "run from cron. --dry-run lists them and sends nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")
        parser.add_argument("--only", metavar="SOURCE", help="one source (e.g. reports)")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the work to the task worker (`datacollab db_worker`) instead",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only: str | None = options["only"]
        known = reminder_sources.sources()
        if only is not None and only not in known:
            raise CommandError(f"No reminder source {only!r}. Known: {', '.join(known)}.")
        if options["enqueue"]:
            if options["dry_run"] or only:
                raise CommandError("--enqueue sends every source: use it alone.")
            result = tasks.send_due_reminders.enqueue()
            self.stdout.write(f"reminder task enqueued: {result.id}")
            return
        now = timezone.now()
        if options["dry_run"]:
            due = reminder_sources.due(now, only=only)
            for reminder in due:
                to = ", ".join(reminder.recipients) or "(nobody)"
                self.stdout.write(f"{reminder.source}\t{to}\t{reminder.about}")
            self.stdout.write(f"reminders due: {len(due)} (dry run: nothing sent)")
            return
        sent, skipped = reminder_sources.send_due(now, only=only)
        self.stdout.write(f"reminders sent: {sent}, skipped: {skipped}")
