"""`datacollab validate FILE [--schema SCHEMA.json] [--json]`: validate a file standalone.

Prints a readable report (or, with --json, the report in frictionless-py's JSON layout)
and exits non-zero when the file is invalid. Without --schema the file is checked against
the schema inferred from it, which finds the structural errors (ragged and blank rows,
header problems); --infer prints that schema instead, to edit and pass back with --schema.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from datacollab.datasets.validation import (
    LIMIT_ERRORS,
    SchemaError,
    SourceError,
    infer_schema,
    validate,
)

EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet"}
SHOWN = 50


class Command(BaseCommand):
    help = (
        "Validate a CSV, TSV or Parquet file against a Frictionless Table Schema and print the "
        "report; exits 1 when the file is invalid. Example: datacollab validate data.csv "
        "--schema schema.json"
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the CSV, TSV or Parquet file")
        parser.add_argument(
            "--schema",
            metavar="SCHEMA.json",
            help="a Table Schema (JSON); without it, the schema inferred from the file",
        )
        parser.add_argument(
            "--json", action="store_true", help="print the report as JSON (frictionless layout)"
        )
        parser.add_argument(
            "--infer", action="store_true", help="print the inferred schema (JSON) and stop"
        )
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["csv", "tsv", "parquet"],
            help="the file's format (default: from its extension)",
        )
        parser.add_argument("--encoding", help="the text encoding (default: utf-8)")
        parser.add_argument(
            "--delimiter", help="the cell delimiter, one character or 'tab' (default: guessed)"
        )
        parser.add_argument(
            "--limit-errors",
            type=int,
            default=LIMIT_ERRORS,
            metavar="N",
            help=f"list at most N errors, counting all (default {LIMIT_ERRORS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = options["fmt"] or EXTENSIONS.get(path.suffix.lower())
        if fmt is None:
            raise CommandError(
                f"Cannot tell the format of {path.name} from its extension: "
                "pass --format csv, tsv or parquet."
            )
        if options["limit_errors"] < 1:
            raise CommandError("--limit-errors must be at least 1.")
        read = {
            "fmt": fmt,
            "encoding": options["encoding"],
            "delimiter": _delimiter(options["delimiter"]),
        }
        try:
            if options["infer"] or not options["schema"]:
                schema = infer_schema(path, **read)
                if options["infer"]:
                    self.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False))
                    return
                if not options["json"]:
                    self.stdout.write(
                        "No --schema given: checking against the schema inferred from the file "
                        "(structural errors only; see it with --infer)."
                    )
            else:
                schema = _read_schema(Path(options["schema"]))
            report = validate(path, schema, limit_errors=options["limit_errors"], **read)
        except (SchemaError, SourceError) as error:
            raise CommandError(str(error)) from None
        task = report["tasks"][0]
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self._print(task)
        if not report["valid"]:
            raise CommandError(_summary(task))

    def _print(self, task: dict[str, Any]) -> None:
        # Django's OutputWrapper is a text stream (it has write and flush).
        stream = cast(TextIO, self.stdout)
        console = Console(file=stream, highlight=False, soft_wrap=False, width=_width())
        for warning in task["warnings"]:
            console.print(f"warning: {warning}", markup=False)
        errors = task["errors"]
        if errors:
            table = Table(title=f"Errors in {task['place']}", title_justify="left")
            for heading in ("row", "field", "type", "cell", "note"):
                table.add_column(heading, overflow="fold")
            for error in errors[:SHOWN]:
                row = error.get("rowNumber") or error.get("rowNumbers", [""])[0]
                name = error.get("fieldName")
                number = error.get("fieldNumber")
                where = name or (f"#{number}" if number else "")
                cell = error.get("cell", error.get("label", ""))
                table.add_row(
                    str(row), where, error["type"], _short(cell), error["note"] or error["message"]
                )
            console.print(table)
            stats = task["stats"]
            if stats["errors"] > SHOWN:
                console.print(
                    f"... {stats['errors'] - SHOWN:,} more; --json lists up to --limit-errors.",
                    markup=False,
                )
        else:
            stats = task["stats"]
            console.print(
                f"VALID: {task['place']}: {stats['rows']:,} rows, {stats['fields']} fields, "
                f"no errors ({stats['seconds']:.2f} s)",
                markup=False,
                # One line whatever the path's length: scripts grep it.
                soft_wrap=True,
            )


def _read_schema(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"No such schema file: {path}.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read the schema {path}: {error}.") from None
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"The schema {path} is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}."
        ) from None
    if not isinstance(schema, dict):
        raise CommandError(f"The schema {path} must be a JSON object with a `fields` list.")
    return schema


def _delimiter(value: str | None) -> str | None:
    if value in ("tab", "\\t"):
        return "\t"
    return value


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _width() -> int | None:
    return None if sys.stdout.isatty() else 120


def _summary(task: dict[str, Any]) -> str:
    stats = task["stats"]
    counts = stats.get("errorCounts", {})
    kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(counts.items(), key=lambda i: -i[1]))
    return (
        f"{stats['errors']:,} error(s) in {task['place']} ({kinds}); "
        f"{stats['rows']:,} rows checked in {stats['seconds']:.2f} s"
    )
