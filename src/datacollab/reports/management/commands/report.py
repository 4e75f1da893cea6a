"""`datacollab report --cohort SLUG --format pdf|md|html -o FILE [--draft]`: a cohort's output
report: its published revision as stored, or (with --draft, or while unpublished) as it is now."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from datacollab.network.models import Cohort
from datacollab.reports import rendering
from datacollab.reports.selectors import revisions
from datacollab.reports.selectors.report import report_content, report_of


class Command(BaseCommand):
    help = (
        "Write a cohort's output report as PDF, Markdown or a standalone HTML page. "
        "Example: datacollab report --cohort 2021-open-data-stewards --format pdf -o report.pdf"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cohort", required=True, metavar="SLUG", help="the cohort's slug")
        parser.add_argument(
            "--format",
            required=True,
            dest="fmt",
            metavar="FORMAT",
            help="pdf, md (Markdown) or html (one file, stylesheet and charts inside)",
        )
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            metavar="FILE",
            help="file to write, or - for standard output",
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="render the report as it is now (the next revision), not the published one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fmt: str = options["fmt"].lower()
        if fmt not in rendering.FORMATS:
            raise CommandError(
                f"Unknown format {options['fmt']!r}: use one of {', '.join(rendering.FORMATS)}."
            )
        slug: str = options["cohort"]
        try:
            cohort = Cohort.objects.select_related("network").filter(slug=slug).first()
        except DatabaseError as error:
            raise CommandError(
                f"Cannot read the database ({error}). Has `datacollab migrate` been run?"
            ) from None
        if cohort is None:
            known = ", ".join(Cohort.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"No cohort with slug {slug!r}. Known cohorts: {known or 'none yet'}."
            )
        output: str = options["output"]
        path = Path(output)
        if output != "-" and path.is_dir():
            raise CommandError(f"Cannot write {output}: it is a directory; give a file name.")
        # The command line runs as the operator: whoever can run it may read a draft too.
        report = report_of(cohort)
        revision = None if options["draft"] else revisions.current_revision(report)
        if revision is None:
            body = rendering.render(report_content(report), fmt)
        elif fmt == "md":
            body = revisions.revision_markdown(revision).encode("utf-8")
        elif fmt == "pdf":
            body = revisions.revision_pdf(revision)
        else:
            css = rendering.print_stylesheet()
            body = revisions.revision_document(revision, css=css).encode("utf-8")
        if output == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(body)
            sys.stdout.buffer.flush()
        else:
            try:
                path.write_bytes(body)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
        if revision is not None:
            state = f"revision {revision.number}, published {revision.published_at:%Y-%m-%d}"
        elif report.is_published:
            state = "the next revision, not yet public"
        else:
            state = "a draft, not yet public"
        where = "standard output" if output == "-" else str(path)
        self.stderr.write(
            f"Wrote the {fmt} report of {cohort.slug} ({state}, {len(body):,} bytes) to {where}."
        )
