"""A published output report is frozen: later learnings and edits wait for the next revision.

Replays issue 8, problem 6: the second cohort's report, "published on 31 March 2022", picked
up a learning published on the day of viewing, with its line "Draft: to check with colleagues".
"""

from __future__ import annotations

import importlib
import io
from datetime import UTC, datetime

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from datacollab.core.models import AuditEntry
from datacollab.learnings.services.learnings import publish_learning
from datacollab.reports.models import CohortReport, ReportRevision
from datacollab.reports.services.cohort_reports import (
    edit_report,
    publish_report,
    unpublish_report,
)

pytestmark = pytest.mark.django_db

LATE_LINE = "Draft: to check with colleagues before publishing."


def _url(name: str, output, **kwargs) -> str:
    return reverse(name, kwargs={"cohort_slug": output.cohort.slug, **kwargs})


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def late(output):
    """The draft learning gets a line that must never be public through the report."""
    output.draft.title = "Cite every download"
    output.draft.body = f"Give each download an identifier.\n\n*{LATE_LINE}*"
    output.draft.save()
    return output.draft


def _public_formats(output) -> tuple[str, bytes, bytes]:
    """The public page's report body, the Markdown and the PDF, byte for byte."""
    page = Client().get(_url("cohort-report", output))
    markdown = Client().get(_url("cohort-report-markdown", output)).content
    pdf = Client().get(_url("cohort-report-pdf", output)).content
    return str(page.context["body"]), markdown, pdf


def test_published_revision_is_byte_for_byte_the_same_after_a_learning_is_published(
    output, late, convener
):
    publish_report(actor=convener, cohort=output.cohort)
    before = _public_formats(output)

    publish_learning(actor=convener, learning=late)

    assert _public_formats(output) == before
    assert LATE_LINE not in _pdf_text(before[2])


def test_learning_published_after_the_report_is_not_in_it(output, late, convener, tmp_path):
    publish_report(actor=convener, cohort=output.cohort)

    publish_learning(actor=convener, learning=late)

    page = Client().get(_url("cohort-report", output)).content.decode()
    markdown = Client().get(_url("cohort-report-markdown", output)).content.decode()
    pdf = _pdf_text(Client().get(_url("cohort-report-pdf", output)).content)
    target = tmp_path / "report.md"
    call_command(
        "report",
        "--cohort",
        output.cohort.slug,
        "--format",
        "md",
        "-o",
        str(target),
        stderr=io.StringIO(),
    )
    for text in (page, markdown, pdf, target.read_text()):
        assert "Cite every download" not in text
        assert "to check with colleagues" not in text
    assert "Count reuses, not downloads" in page


def test_draft_learning_is_never_in_the_report_nor_its_preview(output, late, convener, login):
    publish_report(actor=convener, cohort=output.cohort)

    preview = login(convener).get(_url("cohort-report-preview", output)).content.decode()
    page = Client().get(_url("cohort-report", output)).content.decode()

    assert ("Cite every download" in preview, "Cite every download" in page) == (False, False)
    assert ReportRevision.objects.get().counts == {
        "sessions": 1,
        "learnings": 2,
        "participants": 3,
    }


def test_next_revision_takes_in_the_learning_published_since(output, late, convener):
    publish_report(actor=convener, cohort=output.cohort)
    publish_learning(actor=convener, learning=late)

    publish_report(actor=convener, cohort=output.cohort, revision=2)

    page = Client().get(_url("cohort-report", output)).content.decode()
    first = Client().get(_url("cohort-report-revision", output, number=1)).content.decode()
    assert ("Cite every download" in page, "Cite every download" in first) == (True, False)
    assert "Revision 2, published on" in page
    assert (
        "Revision 2, published on"
        in Client().get(_url("cohort-report-markdown", output)).content.decode()
    )
    assert "This is revision 1, an earlier version of the report." in first


def test_edits_after_publication_wait_for_the_next_revision(output, convener, login):
    edit_report(actor=convener, cohort=output.cohort, title="First", introduction="", sections=[])
    publish_report(actor=convener, cohort=output.cohort)

    edit_report(actor=convener, cohort=output.cohort, title="Second", introduction="", sections=[])

    public = Client().get(_url("cohort-report", output)).content.decode()
    convener_view = login(convener).get(_url("cohort-report", output)).content.decode()
    assert ('<h1 id="report-title">First</h1>' in public, "Second" in public) == (True, False)
    assert "You have edited the report since its current revision" in convener_view


def test_publication_date_is_the_revision_s_own(output, convener):
    report = publish_report(actor=convener, cohort=output.cohort)
    first = ReportRevision.objects.get()

    publish_report(actor=convener, cohort=output.cohort, revision=2)

    second = ReportRevision.objects.get(number=2)
    assert first.published_at < second.published_at
    report.refresh_from_db()
    assert report.published_at == second.published_at


def test_withdrawn_report_hides_every_revision(output, convener):
    publish_report(actor=convener, cohort=output.cohort)

    unpublish_report(actor=convener, cohort=output.cohort)

    responses = [
        Client().get(_url("cohort-report", output)).status_code,
        Client().get(_url("cohort-report-revision", output, number=1)).status_code,
        Client().get(_url("cohort-report-pdf", output)).status_code,
    ]
    assert responses == [404, 404, 404]


def test_unknown_revision_is_404(output, convener):
    publish_report(actor=convener, cohort=output.cohort)

    response = Client().get(_url("cohort-report-revision", output, number=7))

    assert response.status_code == 404


def test_preview_is_for_conveners_only(output, login):
    response = login(output.people[0]).get(_url("cohort-report-preview", output))

    assert response.status_code == 403


def test_report_command_writes_the_published_revision_or_the_draft(
    output, late, convener, capfdbinary
):
    publish_report(actor=convener, cohort=output.cohort)
    publish_learning(actor=convener, learning=late)
    err = io.StringIO()
    args = ["--cohort", output.cohort.slug, "--format", "html", "-o", "-"]

    call_command("report", *args, stderr=err)
    published = capfdbinary.readouterr().out.decode()
    call_command("report", *args, "--draft", stderr=io.StringIO())
    draft = capfdbinary.readouterr().out.decode()

    assert ("Cite every download" in published, "Cite every download" in draft) == (False, True)
    assert "Revision 1." in published
    assert err.getvalue().startswith("Wrote the html report of river-data-2027 (revision 1, ")


def _carry_over(output, convener, published_at: datetime) -> ReportRevision:
    """A report published before snapshots existed, carried over by migration reports 0002."""
    report = CohortReport.objects.create(
        cohort=output.cohort,
        title="Before snapshots",
        status=CohortReport.Status.PUBLISHED,
        published_at=published_at,
        updated_by=convener,
    )
    migration = importlib.import_module("datacollab.reports.migrations.0002_report_revisions")
    migration.carry_over_published_reports(django_apps, None)
    return ReportRevision.objects.get(report=report)


def test_migration_carries_a_published_report_into_its_first_revision(output, convener):
    when = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    revision = _carry_over(output, convener, when)

    assert (revision.number, revision.title, revision.published_at, revision.rendered_at) == (
        1,
        "Before snapshots",
        when,
        None,
    )


def test_carried_over_revision_shows_only_learnings_published_by_its_date(output, late, convener):
    _carry_over(output, convener, datetime(2020, 1, 1, tzinfo=UTC))
    publish_learning(actor=convener, learning=late)

    page = Client().get(_url("cohort-report", output)).content.decode()

    # Every learning of the fixture was published after 2020: none belongs to that revision.
    assert ("Count reuses, not downloads" in page, "Cite every download" in page) == (
        False,
        False,
    )


def test_report_freeze_stores_carried_over_revisions_once(output, convener):
    revision = _carry_over(output, convener, datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    out = io.StringIO()

    call_command("report-freeze", stdout=out)
    call_command("report-freeze", stdout=io.StringIO())

    revision.refresh_from_db()
    assert revision.rendered_at is not None
    assert "Before snapshots" in revision.html
    assert _pdf_text(revision.pdf.read()).startswith("Before snapshots")
    assert out.getvalue() == (
        "Froze river-data-2027 revision 1 as of 2026-12-01.\n1 revision(s) frozen.\n"
    )
    assert AuditEntry.objects.filter(action="report.revision_rendered").count() == 1
