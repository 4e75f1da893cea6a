"""A cohort's output report: its life as a state machine, conveners only, every move audited.

    (none) --edit--> draft --publish--> published (revision 1)
    published --edit--> published, with changes not yet public --publish--> revision n+1
    published --publish--> revision n+1 (e.g. to take in learnings published since)
    published --withdraw--> draft (nothing public) --publish--> revision n+1

Publishing freezes the report into a `ReportRevision`; the public never sees a live render.
It freezes it in every language of the site at once (the title, introduction and learnings
in their translations where there are some, the page's own words from the catalogue), so a
translation added later waits for the next revision like any other change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.content_language import default_language, language_codes
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.network.models import Cohort
from datacollab.reports import rendering, rules
from datacollab.reports.models import CohortReport, ReportRevision, ReportSection
from datacollab.reports.selectors.report import ReportContent, report_content
from datacollab.reports.selectors.revisions import next_revision_number

MAX_INTRODUCTION = 20_000


def require_convener(actor: Any, refusal: str) -> None:
    """`refusal` is the whole sentence to show (one msgid each, so every language can say it
    its own way), e.g. "Only a convener can publish a cohort's output report; ..."."""
    if not rules.can_edit_report(actor):
        raise NotAllowed(refusal)


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
    require_convener(
        actor,
        _("Only a convener can edit a cohort's output report; ask a convener of the network."),
    )
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


def _store_pdf(revision: ReportRevision, pdf: bytes) -> None:
    revision.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    # A rolled-back publication may leave its file behind, never a row without its file.
    revision.pdf.save(f"revision-{revision.number}.pdf", ContentFile(pdf), save=False)


def _freeze_languages(
    report: CohortReport, *, as_of: Any, number: int
) -> tuple[ReportContent, rendering.Frozen, dict[str, rendering.Frozen]]:
    """The revision in the site's default language (its content and the three formats), and
    the three formats in each other language of the site, all as of the same moment."""
    with translation.override(default_language()):
        content = report_content(report, as_of=as_of)
        frozen = rendering.freeze(content, revision=number)
    others: dict[str, rendering.Frozen] = {}
    for code in language_codes():
        if code == default_language():
            continue
        with translation.override(code):
            others[code] = rendering.freeze(report_content(report, as_of=as_of), revision=number)
    return content, frozen, others


def _store_languages(snapshot: ReportRevision, others: dict[str, rendering.Frozen]) -> None:
    """Each other language's title, page and Markdown in the revision's row, and its PDF in
    the same storage as the default one's (`reports/<cohort>/revision-N.<language>.pdf`)."""
    storage = snapshot.pdf.storage
    folder = f"reports/{snapshot.report.cohort.slug}"
    languages: dict[str, dict[str, str]] = {}
    for code, frozen in others.items():
        name = storage.save(
            f"{folder}/revision-{snapshot.number}.{code}.pdf", ContentFile(frozen.pdf)
        )
        languages[code] = {
            "title": frozen.title,
            "html": frozen.html,
            "markdown": frozen.markdown,
            "pdf": name,
            "pdf_sha256": hashlib.sha256(frozen.pdf).hexdigest(),
        }
    snapshot.translations = languages


@transaction.atomic
def publish_report(*, actor: Any, cohort: Cohort, revision: int | None = None) -> CohortReport:
    """Freeze the report as it is now into its next revision, and make that revision public.

    The page, Markdown and PDF are rendered once, here, and stored: they are what the public
    page, report.md, report.pdf and `datacollab report` serve from then on, whatever happens to
    the learnings and sessions later. `revision` is the number the convener confirmed; another
    number means someone published meanwhile (or the form was sent twice), so nothing happens.
    """
    require_convener(
        actor,
        _("Only a convener can publish a cohort's output report; ask a convener of the network."),
    )
    report = _locked_report(cohort)
    number = next_revision_number(report)
    if revision is not None and revision != number:
        raise Conflict(
            _("Revision %(number)s is already published; reload the page to see it.")
            % {"number": revision}
        )
    now = timezone.now()
    report.status = CohortReport.Status.PUBLISHED
    report.published_at = now
    report.updated_by = actor
    report.save()
    content, frozen, languages = _freeze_languages(report, as_of=now, number=number)
    snapshot = ReportRevision(
        report=report,
        number=number,
        title=content.title,
        sections=content.sections,
        published_at=now,
        published_by=actor,
        html=frozen.html,
        markdown=frozen.markdown,
        counts=frozen.counts,
        # After the report's own save, so a later edit (and only that) reads as a change.
        rendered_at=timezone.now(),
    )
    _store_pdf(snapshot, frozen.pdf)
    _store_languages(snapshot, languages)
    snapshot.save()
    details: dict[str, Any] = {
        "cohort": cohort.slug,
        "revision": number,
        "sections": report.sections,
        "counts": frozen.counts,
        "pdf_sha256": snapshot.pdf_sha256,
    }
    if snapshot.translations:
        # The other languages' PDFs, by their hashes, as the default one's.
        details["languages"] = {
            code: version["pdf_sha256"] for code, version in snapshot.translations.items()
        }
    audit.record(action="report.published", actor=actor, obj=report, details=details)
    return report


@transaction.atomic
def freeze_carried_over(*, revision_id: int) -> ReportRevision:
    """Render a revision carried over from before snapshots, as of its own publication date.

    Its learnings and sessions are those published and held by then; what has been edited
    since shows as edited (the earlier text was never kept).
    """
    snapshot = (
        ReportRevision.objects.select_for_update()
        .select_related("report__cohort")
        .get(pk=revision_id)
    )
    if snapshot.rendered_at is not None:
        return snapshot
    report = snapshot.report
    report.published_at = snapshot.published_at
    report.status = CohortReport.Status.PUBLISHED
    _content, frozen, languages = _freeze_languages(
        report, as_of=snapshot.published_at, number=snapshot.number
    )
    snapshot.html, snapshot.markdown, snapshot.counts = frozen.html, frozen.markdown, frozen.counts
    snapshot.rendered_at = timezone.now()
    _store_pdf(snapshot, frozen.pdf)
    _store_languages(snapshot, languages)
    snapshot.save()
    audit.record(
        action="report.revision_rendered",
        actor=None,
        obj=report,
        details={"cohort": report.cohort.slug, "revision": snapshot.number},
    )
    return snapshot


@transaction.atomic
def unpublish_report(*, actor: Any, cohort: Cohort) -> CohortReport:
    """Take the report back to draft: only conveners see it until it is published again."""
    require_convener(
        actor,
        _("Only a convener can withdraw a cohort's output report; ask a convener of the network."),
    )
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
