"""Grantees' pages (agreement, reports) and the convener's side of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.errors import DomainError
from datacollab.core.private_files import private_file_response
from datacollab.network import agreement_pdf
from datacollab.network.file_types import content_type_of
from datacollab.network.forms.grant_obligations import (
    DecideReportForm,
    SignForm,
    SubmitReportForm,
)
from datacollab.network.models import Award, GrantAgreement, ProgressReport
from datacollab.network.selectors import grant_obligations as selectors
from datacollab.network.services import grant_agreements, grant_reports
from datacollab.organisations.rules import is_org_admin


@login_required
@require_safe
def my_grants(request: HttpRequest) -> HttpResponse:
    awards = selectors.my_awards(request.user)
    return render(
        request, "network/grants/my_grants.html", {"awards": awards, "today": timezone.localdate()}
    )


def _agreement(award: Award) -> tuple[str, str, GrantAgreement | None]:
    signed = getattr(award, "agreement", None)
    if signed is not None:
        return signed.text, signed.text_hash, signed
    draft = grant_agreements.draft_text(award)
    return draft.text, draft.hash, None


def _grant_page(
    request: HttpRequest, award: Award, *, form: SignForm | None = None, status: int = 200
) -> HttpResponse:
    text, text_hash, signed = _agreement(award)
    can_sign = signed is None and is_org_admin(request.user, award.organisation)
    if form is None and can_sign:
        form = SignForm(initial={"text_hash": text_hash})
    today = timezone.localdate()
    return render(
        request,
        "network/grants/grant_detail.html",
        {
            "award": award,
            "agreement_body": agreement_pdf.agreement_html(text, below=2),
            "text_hash": text_hash,
            "signed": signed,
            "can_sign": can_sign,
            "form": form,
            "reports": [(r, selectors.report_status(r, today)) for r in award.reports.all()],
            "instalments": [(i, selectors.instalment_status(i)) for i in award.instalments.all()],
        },
        status=status,
    )


@login_required
@require_safe
def grant_detail(request: HttpRequest, award_id: int) -> HttpResponse:
    return _grant_page(request, selectors.award_for(request.user, award_id))


@login_required
@require_POST
def grant_sign(request: HttpRequest, award_id: int) -> HttpResponse:
    award = selectors.award_for(request.user, award_id)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _grant_page(request, award, form=form, status=400)
    try:
        grant_agreements.sign_grant_agreement(
            actor=request.user, award=award, expected_hash=form.cleaned_data["text_hash"]
        )
    except DomainError as error:
        status = error.show_on(form)
        return _grant_page(
            request, selectors.award_for(request.user, award_id), form=form, status=status
        )
    messages.success(
        request,
        _("You signed the grant agreement for %(org)s.") % {"org": award.organisation.name},
    )
    return redirect("grant-detail", award_id=award.pk)


@login_required
@require_safe
def grant_agreement_pdf(request: HttpRequest, award_id: int) -> HttpResponse:
    award = selectors.award_for(request.user, award_id)
    text, text_hash, signed = _agreement(award)
    body = agreement_pdf.pdf(award=award, text=text, text_hash=text_hash, signed=signed)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="grant-agreement-{award.pk}.pdf"'
    return response


def _report_page(
    request: HttpRequest,
    report: ProgressReport,
    *,
    submit_form: SubmitReportForm | None = None,
    decide_form: DecideReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    moves = grant_reports.allowed_moves(request.user, report)
    if submit_form is None and grant_reports.SUBMIT in moves:
        submit_form = SubmitReportForm(initial={"body": report.body})
    if decide_form is None and grant_reports.APPROVE in moves:
        decide_form = DecideReportForm()
    return render(
        request,
        "network/grants/report_detail.html",
        {
            "report": report,
            "award": report.award,
            "status": selectors.report_status(report, timezone.localdate()),
            "moves": moves,
            "submit_form": submit_form if grant_reports.SUBMIT in moves else None,
            "decide_form": decide_form if grant_reports.APPROVE in moves else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for(request.user, report_id)
    if request.method != "POST":
        return _report_page(request, report)
    form = SubmitReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, report, submit_form=form, status=400)
    try:
        grant_reports.submit_report(
            actor=request.user,
            report=report,
            body=form.cleaned_data["body"],
            uploads=form.cleaned_data["attachments"],
        )
    except DomainError as error:
        status = error.show_on(form)
        return _report_page(request, report, submit_form=form, status=status)
    messages.success(request, _("Your report was sent to the convener."))
    return redirect("grant-report", report_id=report.pk)


@login_required
@require_POST
def report_decide(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for(request.user, report_id)
    form = DecideReportForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report, decide_form=form, status=400)
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["move"] == grant_reports.APPROVE:
            grant_reports.approve_report(actor=request.user, report=report, note=note)
            message = _("Report approved.")
        else:
            grant_reports.request_changes(actor=request.user, report=report, note=note)
            message = _("The report was sent back for changes.")
    except DomainError as error:
        status = error.show_on(form)
        return _report_page(request, report, decide_form=form, status=status)
    messages.success(request, message)
    return redirect("grant-report", report_id=report.pk)


@login_required
@require_safe
def report_file(request: HttpRequest, file_id: int) -> HttpResponse | FileResponse:
    attached = grant_reports.open_report_file(actor=request.user, file_id=file_id)
    return private_file_response(
        attached.file, filename=attached.name, content_type=content_type_of(attached.name)
    )


urlpatterns = [
    path("grants/", my_grants, name="my-grants"),
    path("grants/<int:award_id>/", grant_detail, name="grant-detail"),
    path("grants/<int:award_id>/sign/", grant_sign, name="grant-sign"),
    path("grants/<int:award_id>/agreement.pdf", grant_agreement_pdf, name="grant-agreement-pdf"),
    path("grants/reports/<int:report_id>/", report_detail, name="grant-report"),
    path("grants/reports/<int:report_id>/decide/", report_decide, name="grant-report-decide"),
    path("grants/report-files/<int:file_id>/", report_file, name="grant-report-file"),
]
