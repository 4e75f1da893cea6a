"""`datacollab export-grants --cohort SLUG --format json|csv -o FILE`: the 360Giving package.

The module name has a hyphen because Django names a command after its file; Django's loader
imports it with importlib, which accepts any file name.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from datacollab.core.errors import DomainError
from datacollab.network import giving360
from datacollab.network.models import Cohort
from datacollab.network.selectors import grants as selectors


class Command(BaseCommand):
    help = (
        "Export a cohort's grants as a 360Giving 1.4 package (JSON) or its flattened CSV. "
        "Example: datacollab export-grants --cohort 2020-data-collaborations --format json "
        "-o grants.json"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cohort", required=True, metavar="SLUG", help="the cohort's slug")
        parser.add_argument(
            "--format",
            required=True,
            choices=giving360.FORMATS,
            dest="fmt",
            help="json (a 360Giving package) or csv (360Giving column titles)",
        )
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            metavar="FILE",
            help="file to write, or - for standard output",
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
        # The command line runs as the operator (actor=None): whoever can run it owns the data.
        awards = selectors.awards_for_export(actor=None, cohort=cohort)
        try:
            text = giving360.render_export(
                cohort, awards, fmt=options["fmt"], issued=timezone.localdate()
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        output: str = options["output"]
        if output == "-":
            sys.stdout.write(text)
            return
        path = Path(output)
        try:
            # newline="" keeps the CSV's CRLF row endings as the csv module wrote them.
            with path.open("w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
        self.stderr.write(
            f"Wrote {len(awards)} grant(s) of {cohort.slug} as 360Giving {options['fmt']} "
            f"to {path}."
        )
