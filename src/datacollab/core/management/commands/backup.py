"""`datacollab backup -o FILE [--force]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from datacollab.core.backup.writer import create_backup
from datacollab.core.errors import DomainError
from datacollab.core.management.commands._backup_progress import RichProgress


class Command(BaseCommand):
    help = (
        "Write the database and every file its rows name (dataset versions, waiting uploads, "
        "attachments, report PDFs) to one archive (.tar.gz), read from one consistent snapshot. "
        "`datacollab restore FILE` puts it back into an empty deployment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="the archive to write")
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with RichProgress(self.stderr._out) as progress:
                report = create_backup(
                    output=Path(options["output"]), force=options["force"], progress=progress
                )
        except DomainError as exc:
            raise CommandError(f"backup FAILED: {exc.message}") from exc
        except OSError as exc:  # a full disk, a folder we may not write: no archive was left
            raise CommandError(f"backup FAILED: {exc}; no archive was written") from exc
        orphans = ", ".join(f"{name} {count}" for name, count in sorted(report.orphans.items()))
        self.stdout.write(
            f"backup written to {report.path}: {report.size} bytes, {report.rows} rows in "
            f"{report.tables} tables, {report.files} files ({report.file_bytes} bytes); "
            f"orphans left out: {orphans}"
            + (f"; {report.attempts} attempts (a file vanished)" if report.attempts > 1 else "")
        )
