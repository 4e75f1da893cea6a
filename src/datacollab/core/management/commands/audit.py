from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from datacollab.core import audit, audit_checkpoints


class Command(BaseCommand):
    help = (
        "Work with the audit log. `audit verify` checks the hash chain, every entry's HMAC, the "
        "signed head and the external checkpoints; `audit checkpoint` verifies, then appends a "
        "signed checkpoint of the head to AUDIT_CHECKPOINT_DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", choices=["verify", "checkpoint"], help="what to do: verify, checkpoint"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            self._fail(result)
        if options["action"] == "verify":
            self.stdout.write(
                f"audit log OK: {result.entries} entries, head {result.head_hash}, "
                f"{result.checkpoints} checkpoint(s) hold"
            )
            for note in result.notes:
                self.stderr.write(f"note: {note}")
            return
        try:
            point = audit.checkpoint()
        except audit.AuditTampered as exc:
            raise CommandError(f"audit log FAILED: no checkpoint written: {exc}") from exc
        self.stdout.write(
            f"checkpoint written to {audit_checkpoints.path()}: {point.count} entries, "
            f"head {point.last_hash}, key {point.key_id}"
        )

    def _fail(self, result: audit.VerifyResult) -> None:
        for problem in result.problems:
            where = f"entry {problem.seq}" if problem.seq is not None else "chain"
            self.stderr.write(f"{where}: {problem.message}")
        first = result.first_bad_entry
        first_text = f"first bad entry: {first}; " if first is not None else ""
        raise CommandError(
            f"audit log FAILED verification: {first_text}{len(result.problems)} problem(s) in "
            f"{result.entries} entries"
        )
