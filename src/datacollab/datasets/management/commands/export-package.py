"""`datacollab export-package DATASET_SLUG -o FILE.zip [--version N]`: a Data Package v2 zip.

Run on the server by the dataset's owner or an administrator: it reads the stored data
directly, as the operator (the access rule is for people on the web and the API; whoever runs
commands on the server already holds the data). The read is written to the audit log.
The module name has a hyphen because Django names a command after its file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from datacollab.core.errors import DomainError
from datacollab.datasets.datapackage import export_package
from datacollab.datasets.models import Dataset


class Command(BaseCommand):
    help = (
        "Export a dataset version as a Data Package v2 zip (datapackage.json and data.csv). "
        "Run by the dataset's owner or an administrator on the server. "
        "Example: datacollab export-package data-cargo-sensors -o data-cargo.zip --version 2"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Our --version is a dataset version; Django's own --version (its release) gives way.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", metavar="DATASET_SLUG", help="the dataset's slug")
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE.zip", help="the zip file to write"
        )
        parser.add_argument(
            "--version",
            type=int,
            metavar="N",
            dest="number",
            help="version number (default: the latest)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["slug"]
        try:
            dataset = Dataset.objects.select_related("owner").filter(slug=slug).first()
        except DatabaseError as error:
            raise CommandError(
                f"Cannot read the database ({error}). Has `datacollab migrate` been run?"
            ) from None
        if dataset is None:
            raise CommandError(
                f"No dataset with slug {slug!r}. The slug is the last part of the dataset "
                "page's address, /datasets/SLUG/."
            )
        versions = dataset.versions.order_by("-number")
        number: int | None = options["number"]
        version = versions.first() if number is None else versions.filter(number=number).first()
        if version is None:
            known = ", ".join(str(n) for n in versions.values_list("number", flat=True))
            raise CommandError(
                f"{slug} has no version {number}. Versions: {known}."
                if number is not None and known
                else f"{slug} has no published version yet."
            )
        path = Path(options["output"])
        partial = path.with_name(path.name + ".part")
        try:
            # Written beside the target and renamed: a failed export leaves no half zip.
            with partial.open("wb") as handle:
                export_package(
                    actor=None, dataset=dataset, version=version, target=handle, channel="cli"
                )
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from None
        except DomainError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(error.message) from None
        self.stderr.write(
            f"Wrote {dataset.slug} version {version.number} ({version.row_count} rows) as a "
            f"Data Package to {path}."
        )
