"""The second cohort's published output report in the demo (the programme's real output)."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from datacollab.network.models import Cohort
from datacollab.organisations.models import User
from datacollab.reports.models import CohortReport

INTRODUCTION = """\
Seven organisations that steward open data (among them GBIF, MetaBrainz, the OpenStreetMap
Foundation and Wikimedia) met for six months to compare how they create **value and impact**,
how they are **governed**, how they pay for themselves **without compromising open data**, and
how they keep their data **accessible to users**.

This report gathers the four roundtables, the learnings the stewards chose to publish, who they
are, and the cohort's figures.
"""


def ensure_report(*, cohort: Cohort, convener: User) -> CohortReport:
    """Published on the cohort's last day, so a second load changes nothing."""
    published_at = timezone.make_aware(datetime.combine(cohort.ends_on, time(12, 0)))
    report, _ = CohortReport.objects.update_or_create(
        cohort=cohort,
        defaults={
            "title": f"{cohort.name}: what we learnt",
            "introduction": INTRODUCTION,
            "status": CohortReport.Status.PUBLISHED,
            "published_at": published_at,
            "updated_by": convener,
        },
    )
    return report
