"""`datacollab remind-reviewers --call SLUG`: queue reminder mails to reviewers with
unfinished reviews; the task worker sends them (see services/reminders.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from datacollab.core.errors import DomainError
from datacollab.network.models import Call
from datacollab.network.services.reminders import remind_reviewers


class Command(BaseCommand):
    help = (
        "Queue one reminder mail to each reviewer with unfinished reviews in a call, unless "
        "they were reminded about it within REVIEW_REMINDER_INTERVAL_HOURS. The task worker "
        "(`datacollab db_worker`) sends them. Safe to run from cron: it never repeats a "
        "reminder within the interval."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--call", required=True, metavar="SLUG", help="the call's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["call"]
        call = Call.objects.filter(slug=slug).first()
        if call is None:
            known = ", ".join(Call.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No call with slug {slug!r}. Known calls: {known or 'none yet'}.")
        try:
            # The command line runs as the operator (actor=None), like the other commands.
            queued = remind_reviewers(actor=None, call=call)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"reminders queued: {queued} (at most one per reviewer every "
            f"{settings.REVIEW_REMINDER_INTERVAL_HOURS} hours)"
        )
