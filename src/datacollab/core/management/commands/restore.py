"""`datacollab restore FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from datacollab.core.backup.restore import restore_backup
from datacollab.core.errors import DomainError
from datacollab.core.management.commands._backup_progress import RichProgress


class Command(BaseCommand):
    help = (
        "Restore an archive written by `datacollab backup` into an empty, migrated deployment: "
        "checks every member's SHA-256 first, loads every row in one transaction, verifies the "
        "audit log and every version's checksum before committing, then rebuilds the search "
        "index. Refuses, changing nothing, a deployment that holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to restore")
        parser.add_argument(
            "--skip-search-index",
            action="store_true",
            help="do not rebuild the search index afterwards (run `search-reindex` later)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with RichProgress(self.stderr._out) as progress:
                report = restore_backup(archive_path=Path(options["file"]), progress=progress)
        except DomainError as exc:
            raise CommandError(f"restore FAILED: {exc.message}") from exc
        for label, count in sorted(report.counts.items()):
            if count:
                self.stdout.write(f"{label}: {count}")
        self.stdout.write(
            f"restored {sum(report.counts.values())} rows in {len(report.counts)} tables and "
            f"{report.files} files ({report.file_bytes} bytes; {report.reused} already there, "
            f"{report.replaced} leftovers replaced); audit log OK: {report.audit_entries} "
            f"entries; {report.versions_checked} version checksums match"
        )
        for note in report.notes:
            self.stderr.write(f"note: {note}")
        if not options["skip_search_index"]:
            # Derived data: on PostgreSQL the weighted vectors are not in the rows.
            call_command("search-reindex", stdout=self.stdout._out, stderr=self.stderr._out)
