from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import Award, Instalment, ProgressReport, ReportFile
from datacollab.network.services.grant_reports import (
    allowed_moves,
    approve_report,
    request_changes,
    set_cohort_report,
    submit_report,
    tie_instalment,
)
from datacollab.network.services.grants import mark_instalment_paid
from tests.network.factories_grants import make_award, make_member
from tests.network.factories_obligations import make_grantee, make_report, pdf_upload

pytestmark = pytest.mark.django_db
State = ProgressReport.State


def _setup(convener):
    grantee = make_grantee(convener=convener)
    report = make_report(convener=convener, award=grantee.award)
    return grantee, report


def test_report_full_life_due_submitted_changes_submitted_approved(convener):
    grantee, report = _setup(convener)
    seen = [report.state]
    report = submit_report(actor=grantee.member, report=report, body="Done a lot.")
    seen.append(report.state)
    report = request_changes(actor=convener, report=report, note="Add the figures.")
    seen.append(report.state)
    report = submit_report(actor=grantee.member, report=report, body="With figures.")
    seen.append(report.state)
    report = approve_report(actor=convener, report=report)
    seen.append(report.state)
    assert seen == ["due", "submitted", "changes_requested", "submitted", "approved"]
    assert list(
        AuditEntry.objects.filter(action__startswith="grant.report_")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "grant.report_set",
        "grant.report_submitted",
        "grant.report_changes_requested",
        "grant.report_submitted",
        "grant.report_approved",
    ]


def test_approve_report_still_due_refused(convener):
    _grantee, report = _setup(convener)
    with pytest.raises(Conflict):
        approve_report(actor=convener, report=report)
    report.refresh_from_db()
    assert report.state == State.DUE


def test_request_changes_on_due_report_refused(convener):
    _grantee, report = _setup(convener)
    with pytest.raises(Conflict):
        request_changes(actor=convener, report=report, note="More.")


def test_submit_report_already_submitted_refused(convener):
    grantee, report = _setup(convener)
    submit_report(actor=grantee.member, report=report, body="Done.")
    with pytest.raises(Conflict):
        submit_report(actor=grantee.member, report=report, body="Again.")


def test_submit_report_once_approved_refused(convener):
    grantee, report = _setup(convener)
    submit_report(actor=grantee.member, report=report, body="Done.")
    approve_report(actor=convener, report=report)
    with pytest.raises(Conflict):
        submit_report(actor=grantee.member, report=report, body="Edit.")
    with pytest.raises(Conflict):
        request_changes(actor=convener, report=report, note="Reopen.")
    with pytest.raises(Conflict):
        approve_report(actor=convener, report=report)


def test_submit_report_by_outsider_refused(convener, applicant):
    _grantee, report = _setup(convener)
    with pytest.raises(NotAllowed):
        submit_report(actor=applicant, report=report, body="Not mine.")


def test_approve_report_by_grantee_refused(convener):
    grantee, report = _setup(convener)
    submit_report(actor=grantee.member, report=report, body="Done.")
    with pytest.raises(NotAllowed):
        approve_report(actor=grantee.admin, report=report)


def test_request_changes_without_note_refused(convener):
    grantee, report = _setup(convener)
    submit_report(actor=grantee.member, report=report, body="Done.")
    with pytest.raises(DomainError) as refused:
        request_changes(actor=convener, report=report, note="  ")
    assert refused.value.field == "note"


def test_submit_report_empty_refused(convener):
    grantee, report = _setup(convener)
    with pytest.raises(DomainError) as refused:
        submit_report(actor=grantee.member, report=report, body="")
    assert refused.value.message == "Write the report or attach a file."


def test_submit_report_with_file_stores_it_privately(convener):
    grantee, report = _setup(convener)
    submit_report(actor=grantee.member, report=report, body="", uploads=[pdf_upload()])
    stored = ReportFile.objects.get(report=report)
    assert stored.name == "report.pdf"
    assert stored.file.name.startswith("private/grant-reports/")


def test_submit_report_with_disguised_file_refused_and_nothing_stored(convener):
    grantee, report = _setup(convener)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(DomainError) as refused:
        submit_report(actor=grantee.member, report=report, body="x", uploads=[fake])
    assert refused.value.field == "attachments"
    report.refresh_from_db()
    assert (report.state, ReportFile.objects.count()) == (State.DUE, 0)


def test_allowed_moves_follow_role_and_state(convener):
    grantee, report = _setup(convener)
    assert allowed_moves(grantee.member, report) == {"submit"}
    assert allowed_moves(convener, report) == set()
    report = submit_report(actor=grantee.member, report=report, body="Done.")
    assert allowed_moves(grantee.member, report) == set()
    assert allowed_moves(convener, report) == {"approve", "request_changes"}


def test_set_cohort_report_sets_one_per_award(convener):
    grantee = make_grantee(convener=convener)
    cohort = grantee.award.cohort
    other = make_award(actor=convener, cohort=cohort, organisation=make_member(cohort))
    made = set_cohort_report(actor=convener, cohort=cohort, title="Final", due_on=date(2027, 6, 1))
    assert sorted(r.award_id for r in made) == sorted([grantee.award.pk, other.pk])


def _tied(convener):
    grantee, report = _setup(convener)
    instalment = grantee.award.instalments.get(position=2)
    tie_instalment(actor=convener, instalment=instalment, report=report)
    return grantee, report, instalment


def test_mark_instalment_paid_before_tied_report_approved_refused(convener):
    grantee, report, instalment = _tied(convener)
    submit_report(actor=grantee.member, report=report, body="Done.")
    with pytest.raises(Conflict) as refused:
        mark_instalment_paid(actor=convener, instalment=instalment, paid_on=timezone.localdate())
    assert refused.value.message == (
        "Instalment 2 of Grant to Data Cargo is payable only once the report “Interim report” "
        "is approved."
    )
    instalment.refresh_from_db()
    assert instalment.paid_on is None


def test_mark_instalment_paid_after_tied_report_approved(convener):
    grantee, report, instalment = _tied(convener)
    submit_report(actor=grantee.member, report=report, body="Done.")
    approve_report(actor=convener, report=report)
    today = timezone.localdate()
    paid = mark_instalment_paid(actor=convener, instalment=instalment, paid_on=today)
    assert paid.paid_on == today


def test_tie_instalment_to_other_awards_report_refused(convener):
    grantee, _report = _setup(convener)
    cohort = grantee.award.cohort
    other = make_award(actor=convener, cohort=cohort, organisation=make_member(cohort))
    foreign = make_report(convener=convener, award=other)
    with pytest.raises(DomainError):
        tie_instalment(actor=convener, instalment=grantee.award.instalments.first(), report=foreign)


def test_tie_paid_instalment_refused(convener):
    grantee, report = _setup(convener)
    first = grantee.award.instalments.get(position=1)
    mark_instalment_paid(actor=convener, instalment=first, paid_on=timezone.localdate())
    with pytest.raises(Conflict):
        tie_instalment(actor=convener, instalment=first, report=report)


def test_pay_view_before_tied_report_approved_refused(convener, login):
    _grantee, _report, instalment = _tied(convener)
    cohort = instalment.award.cohort
    response = login(convener).post(
        reverse("instalment-pay", args=[cohort.slug, instalment.pk]),
        {"paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 409
    assert Instalment.objects.get(pk=instalment.pk).paid_on is None


def test_grants_page_hides_pay_button_until_report_approved(convener, login):
    _grantee, _report, instalment = _tied(convener)
    cohort = instalment.award.cohort
    page = login(convener).get(reverse("cohort-grants", args=[cohort.slug])).content.decode()
    assert reverse("instalment-pay", args=[cohort.slug, instalment.pk]) not in page
    assert "Payable once “Interim report” is approved" in page


def test_admin_cannot_change_instalment_payment(convener):
    from django.contrib import admin

    award_admin = admin.site._registry[Award]
    inlines = [inline(Award, admin.site) for inline in award_admin.inlines]
    assert [
        (i.model, i.has_change_permission(None), "paid_on" in i.readonly_fields) for i in inlines
    ] == [(Instalment, False, True)]


def test_report_page_submit_then_convener_approves(convener, login):
    grantee, report = _setup(convener)
    url = reverse("grant-report", args=[report.pk])
    response = login(grantee.member).post(
        url, {"body": "We did it.", "attachments": [pdf_upload()]}
    )
    assert response.status_code == 302
    response = login(convener).post(
        reverse("grant-report-decide", args=[report.pk]), {"move": "approve", "note": ""}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.body, report.files.count()) == (State.APPROVED, "We did it.", 1)


def test_report_page_decide_on_due_report_refused(convener, login):
    _grantee, report = _setup(convener)
    response = login(convener).post(
        reverse("grant-report-decide", args=[report.pk]), {"move": "approve", "note": ""}
    )
    assert response.status_code == 409


def test_report_file_read_by_convener_audited_outsider_not_found(convener, login, applicant):
    grantee, report = _setup(convener)
    submit_report(actor=grantee.member, report=report, body="", uploads=[pdf_upload()])
    stored = ReportFile.objects.get()
    url = reverse("grant-report-file", args=[stored.pk])
    assert login(applicant).get(url).status_code == 404
    response = login(convener).get(url)
    assert (
        response.status_code,
        response["Content-Type"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
        response["Cache-Control"],
    ) == (
        200,
        "application/pdf",
        'attachment; filename="report.pdf"',
        "nosniff",
        "private, no-store",
    )
    assert AuditEntry.objects.filter(action="grant.report_file_read").count() == 1


def test_request_changes_mails_the_grantee_the_note(convener, django_capture_on_commit_callbacks):
    from django.core import mail

    grantee, report = _setup(convener)
    submit_report(actor=grantee.member, report=report, body="Done.")
    with django_capture_on_commit_callbacks(execute=True):
        request_changes(actor=convener, report=report, note="Add the figures.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [grantee.admin.email, grantee.member.email]
    )
    assert mail.outbox[0].subject == "Changes requested: “Interim report”"
    assert "Add the figures." in mail.outbox[0].body
