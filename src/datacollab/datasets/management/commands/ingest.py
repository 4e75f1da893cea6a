"""`datacollab ingest FILE --dataset SLUG_OR_ID --as EMAIL [--schema SCHEMA.json] [--encoding E]
[--delimiter D] [--format csv|tsv] [--draft] [--accept-schema-change]`.

The file is parsed into a draft checked against the dataset's current schema, as on the page.
A draft without errors that keeps the schema is published; one with errors is never
published (the report is printed, the draft kept for its page); one that changes the schema
(new or missing columns, another order, a given schema) is published only with
--accept-schema-change. --draft stops at the draft in every case.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from datacollab.core.errors import DomainError
from datacollab.datasets.models import Dataset, Upload
from datacollab.datasets.rules import is_owner
from datacollab.datasets.schema_limits import SchemaLimits, load_schema_text
from datacollab.datasets.selectors.uploads import error_count, report_errors
from datacollab.datasets.services.upload_lifecycle import changes_text, publish_upload
from datacollab.datasets.services.uploads import process_upload, receive_upload
from datacollab.organisations.models import User

PHASES = {
    "detect": "Detecting the format and encoding",
    "decompress": "Decompressing",
    "workbook": "Checking and reading the workbook",
    "check-text": "Checking the text (encoding, line lengths)",
    "infer": "Inferring the schema",
    "validate": "Validating every row",
    "write": "Writing typed Parquet",
    "checksum": "Checksumming",
}
SHOWN_ERRORS = 10


class _Counting:
    """A file object that advances a progress bar as it is read."""

    def __init__(self, handle: IO[bytes], progress: Progress, task: Any) -> None:
        self.handle, self.progress, self.task = handle, progress, task

    def read(self, size: int = -1) -> bytes:
        block = self.handle.read(size)
        self.progress.advance(self.task, len(block))
        return block


class Command(BaseCommand):
    help = (
        "Check a data file (CSV, TSV, .csv.gz, Parquet or XLSX) against a dataset's current "
        "schema and publish it as the next version if it meets it, on the server, in the name "
        "of a member of the owning organisation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the data file")
        parser.add_argument("--dataset", required=True, help="the dataset's slug or id")
        parser.add_argument(
            "--as",
            dest="as_email",
            help="email of the person publishing (a member of the owning organisation)",
        )
        parser.add_argument(
            "--schema",
            help="a Table Schema (JSON) to validate against instead of the current (or an "
            "inferred) one; a change of schema, so it needs --accept-schema-change",
        )
        parser.add_argument("--encoding", help="the file's text encoding, if the guess is wrong")
        parser.add_argument(
            "--delimiter",
            help="the file's delimiter (one character, or tab), if the guess is wrong",
        )
        parser.add_argument(
            "--format", choices=["csv", "tsv"], help="the text format, if the guess is wrong"
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="stop at the draft: print the report, publish nothing (publish on its page)",
        )
        parser.add_argument(
            "--accept-schema-change",
            action="store_true",
            help="publish a valid draft even if it changes the schema (new or missing "
            "columns, another order, a given schema); never a draft with errors",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        dataset = self._dataset(options["dataset"])
        actor = self._actor(options["as_email"], dataset)
        schema = self._schema(options["schema"])
        corrections = self._options(options)
        console = Console(file=getattr(self.stdout, "_out", sys.stdout), highlight=False)
        upload = self._receive(
            console,
            actor=actor,
            dataset=dataset,
            source=source,
            schema=schema,
            options=corrections,
        )
        # Live displays only on a terminal: piped or captured output stays plain lines.
        live = console.is_terminal
        with console.status("Starting the worker") if live else contextlib.nullcontext() as status:
            upload = process_upload(
                upload_id=upload.pk,
                on_progress=(lambda phase: status.update(PHASES.get(phase, phase)))
                if status is not None
                else None,
            )
        upload.refresh_from_db()
        if upload.status != Upload.Status.DRAFT:
            self._refused(upload)
        rows = (upload.preview or {}).get("row_count", 0)
        self.stdout.write(
            f"Draft: upload #{upload.pk}, {rows:,} rows, valid against "
            f"{self._against(upload)}; detected {self._detected(upload.detected)}"
        )
        if upload.changes:
            self.stdout.write(f"Schema change: {changes_text(upload.changes)}")
        if options["draft"]:
            self.stdout.write("Nothing published (--draft): publish it on its page.")
            return
        if upload.changes and not options["accept_schema_change"]:
            raise CommandError(
                f"The file changes the schema of {dataset.slug}: nothing was published. "
                f"Upload #{upload.pk} is kept as a draft: publish it on its page, or run "
                "again with --accept-schema-change."
            )
        try:
            version = publish_upload(
                actor=actor,
                upload=upload,
                accept_schema_change=options["accept_schema_change"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        report = version.report or {}
        self.stdout.write(
            f"Published version {version.number} of {dataset.slug}: "
            f"{version.row_count:,} rows, {version.byte_size:,} bytes of Parquet, "
            f"sha256 {version.checksum[:12]}"
        )
        self.stdout.write(
            f"Validation: {'valid' if report.get('valid') else 'not valid'}, "
            f"{error_count(report)} errors; detected {self._detected(upload.detected)}"
        )

    def _against(self, upload: Upload) -> str:
        if upload.base_version is None:
            return "the schema inferred from it"
        return f"the schema of version {upload.base_version.number}"

    def _options(self, options: dict[str, Any]) -> dict[str, Any]:
        return {key: options[key] for key in ("encoding", "delimiter", "format") if options[key]}

    def _dataset(self, key: str) -> Dataset:
        found = Dataset.objects.select_related("owner").filter(slug=key).first()
        if found is None and key.isdigit():
            found = Dataset.objects.select_related("owner").filter(pk=int(key)).first()
        if found is None:
            raise CommandError(f"No dataset with the slug or id {key!r}.")
        return found

    def _actor(self, email: str | None, dataset: Dataset) -> User:
        if not email:
            raise CommandError(
                f"Say who publishes: --as EMAIL, a member of {dataset.owner.name} (the version "
                "and the audit log name that person)."
            )
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No person with the email {email!r}.")
        if not is_owner(user, dataset):
            raise CommandError(
                f"{email} is not a member of {dataset.owner.name}, which owns {dataset.slug}: "
                "only its members may publish versions."
            )
        return user

    def _schema(self, path: str | None) -> dict[str, Any] | None:
        if path is None:
            return None
        limits = SchemaLimits.from_settings()
        try:
            with Path(path).open("rb") as handle:
                # One byte past the limit is enough to refuse: never read a huge file whole.
                text = handle.read(limits.max_bytes + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read the schema {path}: {exc.strerror}") from exc
        try:
            return load_schema_text(text, limits)
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc

    def _receive(
        self,
        console: Console,
        *,
        actor: User,
        dataset: Dataset,
        source: Path,
        schema: dict[str, Any] | None,
        options: dict[str, Any],
    ) -> Upload:
        size = source.stat().st_size
        columns = (
            TextColumn("Copying {task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        try:
            with (
                Progress(
                    *columns, console=console, transient=True, disable=not console.is_terminal
                ) as progress,
                source.open("rb") as handle,
            ):
                task = progress.add_task(source.name, total=size)
                return receive_upload(
                    actor=actor,
                    dataset=dataset,
                    stream=_Counting(handle, progress, task),
                    name=source.name,
                    size_hint=size,
                    enqueue=False,
                    schema=schema,
                    **options,
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _detected(self, detected: dict[str, Any]) -> str:
        parts = [str(detected.get("format", "?"))]
        if detected.get("compression"):
            parts.append(str(detected["compression"]))
        if detected.get("encoding"):
            parts.append(str(detected["encoding"]))
        if detected.get("delimiter"):
            parts.append("delimiter " + repr(detected["delimiter"]))
        return ", ".join(parts)

    def _refused(self, upload: Upload) -> None:
        if upload.status == Upload.Status.INVALID:
            errors = report_errors(upload.report, limit=SHOWN_ERRORS)
            for error in errors:
                where = f"row {error.get('rowNumber', '?')}, field {error.get('fieldName', '?')}"
                self.stderr.write(f"  {where}: {error.get('type')}: {error.get('message', '')}")
            if upload.changes:
                self.stderr.write(f"  schema change: {changes_text(upload.changes)}")
            raise CommandError(
                f"The data does not meet {self._against(upload)}: {error_count(upload.report)} "
                f"errors (the first {len(errors)} above); nothing was published. Upload "
                f"#{upload.pk} is kept as a draft: fix the file and ingest it again, or fix "
                "the schema and check the draft again on its page."
            )
        raise CommandError(upload.error or f"Upload #{upload.pk} was not published.")
