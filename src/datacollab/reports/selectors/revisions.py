"""The published revisions of a cohort's output report: what the public pages serve.

A revision serves what was stored when it was published. Only a revision carried over from
before snapshots (not rendered yet: `datacollab report-freeze` renders it) is rendered on the
fly, and then as of its own publication date, never with what was published after it.
"""

from __future__ import annotations

import copy

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from datacollab.core.content_language import reader_language, site_language
from datacollab.core.errors import NotFound
from datacollab.reports import rendering
from datacollab.reports.models import CohortReport, ReportRevision
from datacollab.reports.selectors.report import ReportContent, report_content


def revisions(report: CohortReport) -> list[ReportRevision]:
    """Newest first; none for a report never saved or never published."""
    if report.pk is None:
        return []
    return list(report.revisions.order_by("-number").defer("html", "markdown"))


def next_revision_number(report: CohortReport) -> int:
    if report.pk is None:
        return 1
    last = report.revisions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def current_revision(report: CohortReport) -> ReportRevision | None:
    """The revision the public sees: the newest, while the report is published."""
    if report.pk is None or not report.is_published:
        return None
    return report.revisions.order_by("-number").first()


def revision_of(report: CohortReport, number: int) -> ReportRevision:
    """A revision of a published report (a withdrawn report has none to show)."""
    revision = (
        report.revisions.filter(number=number).first()
        if report.pk is not None and report.is_published
        else None
    )
    if revision is None:
        raise NotFound(_("This report has no published revision %(n)s.") % {"n": number})
    return revision


def has_unpublished_changes(report: CohortReport) -> bool:
    """Edited since the current revision: the convener's next publication would differ."""
    revision = current_revision(report)
    if revision is None:
        return False
    return report.updated_at > (revision.rendered_at or revision.published_at)


def _carried_over(revision: ReportRevision) -> ReportContent:
    report = copy.copy(revision.report)
    report.published_at = revision.published_at
    content = report_content(report, as_of=revision.published_at)
    content.revision = revision.number
    return content


def frozen_language(revision: ReportRevision, language: str | None = None) -> dict[str, str]:
    """The revision as frozen in `language` (default: the reader's), or {} when that is the
    default language's fields (or a revision frozen before languages were)."""
    if revision.rendered_at is None:
        return {}
    code = site_language(language or reader_language())
    return dict((revision.translations or {}).get(code or "", {}))


def revision_title(revision: ReportRevision, language: str | None = None) -> str:
    return frozen_language(revision, language).get("title") or revision.title


def revision_html(revision: ReportRevision, language: str | None = None) -> str:
    if revision.rendered_at is not None:
        return frozen_language(revision, language).get("html") or revision.html
    return rendering.render_body(_carried_over(revision))


def revision_markdown(revision: ReportRevision, language: str | None = None) -> str:
    if revision.rendered_at is not None:
        return frozen_language(revision, language).get("markdown") or revision.markdown
    return rendering.render_markdown(_carried_over(revision))


def revision_pdf(revision: ReportRevision, language: str | None = None) -> bytes:
    frozen = frozen_language(revision, language)
    if frozen.get("pdf"):
        with revision.pdf.storage.open(frozen["pdf"], "rb") as stored:
            return stored.read()
    if frozen.get("html"):
        # Its file is missing: made again from the HTML frozen at publication, so it still
        # holds what that moment held.
        return rendering.pdf_from_html(
            rendering.document(
                body=frozen["html"],
                title=frozen.get("title") or revision.title,
                cohort=revision.report.cohort,
                generated_at=revision.published_at,
                css="",
            )
        )
    if revision.rendered_at is not None and revision.pdf:
        with revision.pdf.open("rb") as stored:
            return stored.read()
    return rendering.render_pdf(_carried_over(revision))


def revision_document(revision: ReportRevision, *, css: str) -> str:
    """A revision as a standalone HTML page (the command's `--format html`)."""
    return rendering.document(
        body=revision_html(revision),
        title=revision_title(revision),
        cohort=revision.report.cohort,
        generated_at=revision.published_at,
        css=css,
        revision=revision,
    )


def published_reports() -> QuerySet[CohortReport]:
    """The reports anyone may read (`rules.can_view_report` without the convener's drafts),
    newest cohort first."""
    return (
        CohortReport.objects.filter(status=CohortReport.Status.PUBLISHED)
        .select_related("cohort")
        .order_by("-cohort__starts_on", "pk")
    )
