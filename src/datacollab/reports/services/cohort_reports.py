"""Assemble, publish and withdraw a cohort's output report. Conveners only; every change audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.network.models import Cohort
from datacollab.reports import rules
from datacollab.reports.models import CohortReport, ReportSection

MAX_INTRODUCTION = 20_000


def _require_convener(actor: Any, doing: str) -> None:
    if not rules.can_edit_report(actor):
        raise NotAllowed(
            _("Only a convener can %(doing)s; ask a convener of the network.") % {"doing": doing}
        )


def _locked_report(cohort: Cohort) -> CohortReport:
    # The row lock keeps two conveners' edits and a publication from interleaving.
    report, _created = CohortReport.objects.select_for_update().get_or_create(cohort=cohort)
    return report


def _clean_sections(sections: Sequence[str]) -> list[str]:
    unknown = [s for s in sections if s not in ReportSection.values]
    if unknown:
        raise DomainError(
            _("Unknown section %(names)s: choose among %(known)s.")
            % {"names": ", ".join(map(repr, unknown)), "known": ", ".join(ReportSection.values)},
            field="sections",
        )
    chosen = set(sections)
    # The report's own order, whatever order the form sent.
    return [s for s in ReportSection.values if s in chosen]


@transaction.atomic
def edit_report(
    *,
    actor: Any,
    cohort: Cohort,
    title: str = "",
    introduction: str,
    sections: Sequence[str],
) -> CohortReport:
    """Create or change the report's title, introduction and sections (published stays so)."""
    _require_convener(actor, _("edit a cohort's output report"))
    title = title.strip()
    if len(title) > 200:
        raise DomainError(_("Keep the title to 200 characters or fewer."), field="title")
    if len(introduction) > MAX_INTRODUCTION:
        raise DomainError(
            _("Keep the introduction to %(n)s characters or fewer.") % {"n": MAX_INTRODUCTION},
            field="introduction",
        )
    cleaned = _clean_sections(sections)
    report = _locked_report(cohort)
    changed = sorted(
        name
        for name, old, new in (
            ("title", report.title, title),
            ("introduction", report.introduction, introduction),
            ("sections", report.sections, cleaned),
        )
        if old != new
    )
    report.title, report.introduction, report.sections = title, introduction, cleaned
    report.updated_by = actor
    report.save()
    audit.record(
        action="report.edited",
        actor=actor,
        obj=report,
        details={"cohort": cohort.slug, "changed": changed, "status": report.status},
    )
    return report


@transaction.atomic
def publish_report(*, actor: Any, cohort: Cohort) -> CohortReport:
    """Make the report public: its page, Markdown and PDF open to anyone."""
    _require_convener(actor, _("publish a cohort's output report"))
    report = _locked_report(cohort)
    if report.is_published:
        raise Conflict(_("This report is already published."))
    report.status = CohortReport.Status.PUBLISHED
    report.published_at = timezone.now()
    report.updated_by = actor
    report.save()
    audit.record(
        action="report.published",
        actor=actor,
        obj=report,
        details={"cohort": cohort.slug, "sections": report.sections},
    )
    return report


@transaction.atomic
def unpublish_report(*, actor: Any, cohort: Cohort) -> CohortReport:
    """Take the report back to draft: only conveners see it until it is published again."""
    _require_convener(actor, _("withdraw a cohort's output report"))
    report = _locked_report(cohort)
    if not report.is_published:
        raise Conflict(_("This report is not published: there is nothing to withdraw."))
    report.status = CohortReport.Status.DRAFT
    report.published_at = None
    report.updated_by = actor
    report.save()
    audit.record(
        action="report.unpublished", actor=actor, obj=report, details={"cohort": cohort.slug}
    )
    return report
