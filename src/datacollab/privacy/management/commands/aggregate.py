"""`datacollab aggregate --dataset SLUG --query FILE.json [--as EMAIL] [--json]`.

Runs a protected aggregate query through the same service as the page and the API, so the
permission check, the budget debit and the audit entry are the same. Without --as it acts as
the earliest admin of the dataset's owning organisation (whose budget it spends).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from datacollab.core.errors import DomainError
from datacollab.datasets.models import Dataset
from datacollab.organisations.models import Membership, User
from datacollab.privacy.api import answer_body
from datacollab.privacy.services import run_aggregate_query


class Command(BaseCommand):
    help = (
        "Run a protected aggregate query (JSON: dimensions, measures such as count, sum, mean "
        "or quantile with q, filters) on a dataset's "
        "latest version and print the released cells. Example: datacollab aggregate "
        "--dataset data-cargo-sensors --query by-zone.json --as planner@example.org"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", required=True, help="the dataset's slug")
        parser.add_argument("--query", required=True, help="a JSON file, or - for stdin")
        parser.add_argument("--as", dest="email", help="run as this person (their budget)")
        parser.add_argument("--json", action="store_true", help="print the answer as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = Dataset.objects.filter(slug=options["dataset"]).first()
        if dataset is None:
            raise CommandError(f"No dataset “{options['dataset']}”.")
        actor = self._actor(dataset, options.get("email"))
        try:
            text = (
                sys.stdin.read()
                if options["query"] == "-"
                else Path(options["query"]).read_text(encoding="utf-8")
            )
            query = json.loads(text)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the query: {exc}") from None
        try:
            answer = run_aggregate_query(actor=actor, dataset=dataset, query=query)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        body = answer_body(answer)
        if options["json"]:
            self.stdout.write(json.dumps(body, indent=2, ensure_ascii=False))
            return
        self._print(body)

    def _actor(self, dataset: Dataset, email: str | None) -> User:
        if email:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                raise CommandError(f"No person with the email {email}.")
            return user
        membership = (
            Membership.objects.filter(organisation=dataset.owner)
            .order_by("role", "id")  # "admin" sorts before "member"
            .select_related("user")
            .first()
        )
        if membership is None:
            raise CommandError("The owning organisation has no members: pass --as EMAIL.")
        return membership.user

    def _print(self, body: dict[str, Any]) -> None:
        console = Console(file=cast(TextIO, self.stdout), width=120)
        table = Table(*body["dimensions"], *body["measures"])
        for cell in body["cells"]:
            key = [str(k) for k in cell["key"]]
            if cell["suppressed"]:
                values = [f"suppressed ({cell['suppressed']})"] * len(body["measures"])
            else:
                # None: a quantile withheld (its bin has too few contributors) or no data.
                values = [
                    "—" if cell["values"][m] is None else str(cell["values"][m])
                    for m in body["measures"]
                ]
            table.add_row(*key, *values)
        console.print(table)
        left = body["budget_left"]
        console.print(
            f"{body['cells_released']} of {len(body['cells'])} cells released; "
            f"epsilon spent now {body['epsilon_spent_now']:.3f}"
            + ("" if left is None else f"; budget left {left:.3f}")
        )
