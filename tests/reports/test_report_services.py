"""Editing, publishing and withdrawing a cohort's output report: conveners only, audited."""

from __future__ import annotations

import hashlib

import pytest

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.reports.models import CohortReport, ReportRevision
from datacollab.reports.services.cohort_reports import edit_report, publish_report, unpublish_report
from tests import factories

pytestmark = pytest.mark.django_db


def test_edit_report_creates_the_draft_and_audits_it(convener):
    cohort = factories.make_cohort()

    report = edit_report(
        actor=convener,
        cohort=cohort,
        title="  What we learnt  ",
        introduction="Six months of **roundtables**.",
        sections=["figures", "sessions"],
    )

    assert (report.title, report.introduction, report.sections, report.status) == (
        "What we learnt",
        "Six months of **roundtables**.",
        ["sessions", "figures"],
        CohortReport.Status.DRAFT,
    )
    entry = AuditEntry.objects.get(action="report.edited")
    assert (entry.actor_id, entry.object_id) == (convener.pk, str(report.pk))
    assert entry.details == {
        "cohort": cohort.slug,
        "changed": ["introduction", "sections", "title"],
        "status": "draft",
    }


def test_edit_report_twice_keeps_one_report_and_records_what_changed(convener):
    cohort = factories.make_cohort()
    edit_report(actor=convener, cohort=cohort, introduction="a", sections=["sessions"])

    edit_report(actor=convener, cohort=cohort, introduction="b", sections=["sessions"])

    assert CohortReport.objects.filter(cohort=cohort).count() == 1
    last = AuditEntry.objects.filter(action="report.edited").order_by("-seq").first()
    assert last.details["changed"] == ["introduction"]


def test_edit_report_refuses_someone_who_is_not_a_convener(applicant):
    cohort = factories.make_cohort()

    with pytest.raises(NotAllowed) as refused:
        edit_report(actor=applicant, cohort=cohort, introduction="x", sections=[])

    assert refused.value.message == (
        "Only a convener can edit a cohort's output report; ask a convener of the network."
    )
    assert CohortReport.objects.count() == 0


def test_edit_report_refuses_an_unknown_section(convener):
    cohort = factories.make_cohort()

    with pytest.raises(DomainError) as refused:
        edit_report(actor=convener, cohort=cohort, introduction="", sections=["gossip"])

    assert refused.value.field == "sections"
    assert refused.value.message == (
        "Unknown section 'gossip': choose among sessions, learnings, participants, figures."
    )


def test_edit_report_refuses_a_title_too_long(convener):
    with pytest.raises(DomainError) as refused:
        edit_report(
            actor=convener,
            cohort=factories.make_cohort(),
            title="x" * 201,
            introduction="",
            sections=[],
        )

    assert refused.value.field == "title"


def test_publish_report_makes_it_public_and_audits_it(convener):
    cohort = factories.make_cohort()

    report = publish_report(actor=convener, cohort=cohort)

    assert report.status == CohortReport.Status.PUBLISHED
    assert report.published_at is not None
    entry = AuditEntry.objects.get(action="report.published")
    revision = ReportRevision.objects.get(report=report)
    # Every other offered language's PDF is frozen too, each by its hash.
    assert sorted(entry.details.pop("languages")) == ["es", "fr", "pt"]
    assert entry.details == {
        "cohort": cohort.slug,
        "revision": 1,
        "sections": ["sessions", "learnings", "participants", "figures"],
        "counts": {"sessions": 0, "learnings": 0, "participants": 0},
        "pdf_sha256": revision.pdf_sha256,
    }
    assert (revision.number, revision.published_at, revision.published_by) == (
        1,
        report.published_at,
        convener,
    )
    assert hashlib.sha256(revision.pdf.read()).hexdigest() == revision.pdf_sha256


def test_publish_report_with_a_revision_already_published_is_a_conflict(convener):
    cohort = factories.make_cohort()
    publish_report(actor=convener, cohort=cohort, revision=1)

    with pytest.raises(Conflict) as refused:
        publish_report(actor=convener, cohort=cohort, revision=1)

    assert refused.value.message == ("Revision 1 is already published; reload the page to see it.")
    assert ReportRevision.objects.count() == 1


def test_publish_report_again_makes_the_next_revision(convener):
    cohort = factories.make_cohort()
    publish_report(actor=convener, cohort=cohort, revision=1)
    edit_report(actor=convener, cohort=cohort, title="Second take", introduction="", sections=[])

    publish_report(actor=convener, cohort=cohort, revision=2)

    assert list(ReportRevision.objects.values_list("number", "title")) == [
        (1, f"The output of {cohort.name}"),
        (2, "Second take"),
    ]


def test_publish_report_refuses_someone_who_is_not_a_convener(reviewer):
    cohort = factories.make_cohort()

    with pytest.raises(NotAllowed):
        publish_report(actor=reviewer, cohort=cohort)

    assert AuditEntry.objects.filter(action="report.published").count() == 0


def test_unpublish_report_takes_it_back_to_draft(convener):
    cohort = factories.make_cohort()
    publish_report(actor=convener, cohort=cohort)

    report = unpublish_report(actor=convener, cohort=cohort)

    assert (report.status, report.published_at) == (CohortReport.Status.DRAFT, None)
    assert AuditEntry.objects.filter(action="report.unpublished").count() == 1


def test_unpublish_a_draft_is_a_conflict(convener):
    with pytest.raises(Conflict):
        unpublish_report(actor=convener, cohort=factories.make_cohort())
