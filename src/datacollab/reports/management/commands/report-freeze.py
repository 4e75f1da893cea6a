"""`datacollab report-freeze`: store the renders of revisions carried over from before snapshots."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from datacollab.reports.models import ReportRevision
from datacollab.reports.services.cohort_reports import freeze_carried_over


class Command(BaseCommand):
    help = (
        "Render and store, once, each published report revision carried over by the upgrade "
        "(migration reports 0002), as of its own publication date. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        pending = list(
            ReportRevision.objects.filter(rendered_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for revision_id in pending:
            revision = freeze_carried_over(revision_id=revision_id)
            self.stdout.write(
                f"Froze {revision.report.cohort.slug} revision {revision.number} "
                f"as of {revision.published_at:%Y-%m-%d}."
            )
        self.stdout.write(f"{len(pending)} revision(s) frozen.")
