"""`datacollab datasets-gc [--older-than HOURS] [--dry-run]`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from datacollab.datasets.services.uploads import collect_uploads
from datacollab.datasets.services.versions import remove_orphan_files


class Command(BaseCommand):
    help = (
        "Remove the files of refused, invalid and abandoned uploads kept longer than "
        "DATASETS_UPLOAD_RETENTION_HOURS, then delete files no dataset version or waiting "
        "upload refers to (left by a crash or a failed publish), older than --older-than hours."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=float, default=24.0, help="hours (default 24)")
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["older_than"]
        if hours < 1:
            raise CommandError("--older-than must be at least 1 hour: younger files may be in use.")
        retention = dt.timedelta(hours=float(settings.DATASETS_UPLOAD_RETENTION_HOURS))
        removed = collect_uploads(retention=retention, dry_run=options["dry_run"])
        removed += remove_orphan_files(
            older_than=dt.timedelta(hours=hours), dry_run=options["dry_run"]
        )
        for line in removed:
            self.stdout.write(line)
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(f"datasets-gc: {verb} {len(removed)} item(s)")
