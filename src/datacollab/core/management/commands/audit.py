from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from datacollab.core import audit


class Command(BaseCommand):
    help = "Work with the audit log. `audit verify` checks the hash chain end to end."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="what to do: verify")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if result.ok:
            self.stdout.write(f"audit log OK: {result.entries} entries, head {result.head_hash}")
            return
        for problem in result.problems:
            where = f"entry {problem.seq}" if problem.seq is not None else "chain"
            self.stderr.write(f"{where}: {problem.message}")
        raise CommandError(
            f"audit log FAILED verification: {len(result.problems)} problem(s) in "
            f"{result.entries} entries"
        )
