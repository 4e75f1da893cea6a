"""The convener's grants overview, agreement template, reports to set, instalments to tie."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.network import agreement_text
from datacollab.network.forms.grant_obligations import (
    AgreementTemplateForm,
    NewReportForm,
    TieInstalmentForm,
)
from datacollab.network.models import Award, Instalment, ProgressReport
from datacollab.network.selectors import grant_obligations as obligations
from datacollab.network.selectors import grants as selectors
from datacollab.network.services import grant_agreements, grant_reports
from datacollab.organisations.rules import is_convener


def _require_convener(request: HttpRequest) -> None:
    if not is_convener(request.user):
        raise NotAllowed(_("Only a convener can manage a cohort's grants."))


@login_required
@require_safe
def grants_overview(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    cohort = selectors.cohort_by_slug(cohort_slug)
    overview = obligations.grants_overview(
        actor=request.user, cohort=cohort, today=timezone.localdate()
    )
    return render(request, "network/grants/overview.html", {"cohort": cohort, "overview": overview})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agreement_template(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    _require_convener(request)
    cohort = selectors.cohort_by_slug(cohort_slug)
    status = 200
    if request.method == "POST":
        form = AgreementTemplateForm(request.POST)
        if form.is_valid():
            try:
                grant_agreements.save_agreement_template(
                    actor=request.user, cohort=cohort, **form.cleaned_data
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(
                    request, _("Saved. Agreements already signed keep the text they signed.")
                )
                return redirect("grants-overview", cohort_slug=cohort.slug)
        else:
            status = 400
    else:
        text, output = grant_agreements.template_of(cohort)
        form = AgreementTemplateForm(initial={"text": text, "output": output})
    return render(
        request,
        "network/grants/agreement_template.html",
        {"cohort": cohort, "form": form, "placeholders": agreement_text.PLACEHOLDERS},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_new(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    _require_convener(request)
    cohort = selectors.cohort_by_slug(cohort_slug)
    awards = list(
        Award.objects.filter(cohort=cohort)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    status = 200
    if request.method == "POST":
        form = NewReportForm(request.POST, awards=awards)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "title": data["title"],
                "due_on": data["due_on"],
                "expected": data["expected"],
            }
            try:
                if data["award"] == NewReportForm.ALL:
                    grant_reports.set_cohort_report(actor=request.user, cohort=cohort, **fields)
                else:
                    award = next(a for a in awards if str(a.pk) == data["award"])
                    grant_reports.set_report(actor=request.user, award=award, **fields)
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(request, _("Report set."))
                return redirect("grants-overview", cohort_slug=cohort.slug)
        else:
            status = 400
    else:
        form = NewReportForm(awards=awards)
    return render(
        request,
        "network/grants/report_new.html",
        {"cohort": cohort, "form": form, "has_awards": bool(awards)},
        status=status,
    )


@login_required
@require_POST
def instalment_tie(request: HttpRequest, cohort_slug: str, pk: int) -> HttpResponse:
    instalment = get_object_or_404(
        Instalment.objects.select_related("award"), pk=pk, award__cohort__slug=cohort_slug
    )
    form = TieInstalmentForm(request.POST)
    report_id = form.cleaned_data["report"] if form.is_valid() else None
    report = None
    if report_id is not None:
        report = get_object_or_404(ProgressReport, pk=report_id, award__cohort__slug=cohort_slug)
    try:
        grant_reports.tie_instalment(actor=request.user, instalment=instalment, report=report)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants-overview", cohort_slug=cohort_slug)
    messages.success(
        request,
        _("Instalment %(n)d is now payable once “%(report)s” is approved.")
        % {"n": instalment.position, "report": report.title}
        if report is not None
        else _("Instalment %(n)d no longer waits for a report.") % {"n": instalment.position},
    )
    return redirect("grants-overview", cohort_slug=cohort_slug)


urlpatterns = [
    path(
        "convener/cohorts/<slug:cohort_slug>/grants/overview/",
        grants_overview,
        name="grants-overview",
    ),
    path(
        "convener/cohorts/<slug:cohort_slug>/grants/agreement/",
        agreement_template,
        name="grant-agreement-template",
    ),
    path(
        "convener/cohorts/<slug:cohort_slug>/grants/reports/new/",
        report_new,
        name="grant-report-new",
    ),
    path(
        "convener/cohorts/<slug:cohort_slug>/grants/instalments/<int:pk>/tie/",
        instalment_tie,
        name="instalment-tie",
    ),
]
