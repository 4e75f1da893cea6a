"""`datacollab search-reindex`: write every search entry again."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count

from datacollab.search import index
from datacollab.search.models import Document


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of datasets, sessions, learnings, resources and "
        "discussion posts from the database (after a restore, an import or a bulk change)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        total = index.rebuild()
        seconds = time.perf_counter() - started
        per_kind = Document.objects.values("kind").annotate(n=Count("pk")).order_by("kind")
        for row in per_kind:
            self.stdout.write(f"{row['kind']}: {row['n']}")
        self.stdout.write(f"search-reindex: {total} entries in {seconds:.2f} s")
