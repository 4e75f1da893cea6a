from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.reports.models.cohort_report import CohortReport


def revision_pdf_path(revision: ReportRevision, filename: str) -> str:
    return f"reports/{revision.report.cohort.slug}/revision-{revision.number}.pdf"


class ReportRevision(models.Model):
    """A published report as it was at that moment: its HTML, Markdown and PDF, never re-rendered.

    Learnings published, edited or withdrawn later do not change it; a later publication makes
    the next revision. Rows are only ever added.
    """

    report = models.ForeignKey(CohortReport, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    sections = models.JSONField(_("sections"), default=list)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The report's body as the site's page shows it (escaped, Markdown sanitised when rendered).
    html = models.TextField(blank=True)
    markdown = models.TextField(blank=True)
    pdf = models.FileField(upload_to=revision_pdf_path, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # What the revision made public: {"sessions": n, "learnings": n, "participants": n}.
    counts = models.JSONField(default=dict, blank=True)
    # Empty for a revision carried over from before snapshots: `report-freeze` renders it.
    rendered_at = models.DateTimeField(null=True, blank=True)
    # The same revision frozen in each other language of the site, at the same moment:
    # {language: {"title", "html", "markdown", "pdf" (its storage name), "pdf_sha256"}}. The
    # fields above are the site's default language.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("output report revision")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} (revision {self.number})"
