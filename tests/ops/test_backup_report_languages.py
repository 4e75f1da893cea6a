"""A published report is frozen as one PDF per offered language; the other languages' PDFs are
named inside the revision's `translations` JSON, not in a FileField, so the backup must be told
where to find them (reports/backup_sources.py) or a restore would hold rows without files."""

from __future__ import annotations

from datacollab.core.backup.writer import _referenced_files
from datacollab.reports.backup_sources import language_pdfs
from datacollab.reports.models import ReportRevision
from datacollab.reports.services.cohort_reports import publish_report
from tests import factories


def test_backup_lists_the_pdf_of_every_language_a_report_was_frozen_in(convener):
    cohort = factories.make_cohort()
    publish_report(actor=convener, cohort=cohort)
    revision = ReportRevision.objects.get()

    files, _expected = _referenced_files()

    media = {entry.key for entry in files if entry.area == "media"}
    others = language_pdfs(revision.translations)
    assert len(others) == 3
    assert {revision.pdf.name, *others} <= media


def test_language_pdfs_ignores_values_that_name_no_file():
    assert language_pdfs({"es": {"pdf": "a.pdf"}, "fr": {"title": "x"}, "pt": "?"}) == ["a.pdf"]
    assert language_pdfs(None) == []
