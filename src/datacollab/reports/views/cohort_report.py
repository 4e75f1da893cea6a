"""A cohort's output report: the public page, its Markdown and PDF, and the convener's edits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.reports import rendering, rules
from datacollab.reports.forms import ReportForm
from datacollab.reports.selectors import report as selectors
from datacollab.reports.services import cohort_reports as services


@require_safe
def cohort_report(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    report = selectors.report_for_viewer(viewer=request.user, cohort_slug=cohort_slug)
    content = selectors.report_content(report)
    response = render(
        request,
        "reports/report/page.html",
        {
            "content": content,
            "report": report,
            "cohort": report.cohort,
            "can_edit": rules.can_edit_report(request.user),
        },
    )
    if not report.is_published:
        response["X-Robots-Tag"] = "noindex"
    return response


def _download(request: HttpRequest, cohort_slug: str, fmt: str) -> HttpResponse:
    report = selectors.report_for_viewer(viewer=request.user, cohort_slug=cohort_slug)
    body = rendering.render(selectors.report_content(report), fmt)
    content_type = {"md": "text/markdown; charset=utf-8", "pdf": "application/pdf"}[fmt]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.cohort.slug}-report.{fmt}"'
    if not report.is_published:
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def cohort_report_markdown(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    return _download(request, cohort_slug, "md")


@require_safe
def cohort_report_pdf(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    return _download(request, cohort_slug, "pdf")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohort_report_edit(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    if not rules.can_edit_report(request.user):
        raise NotAllowed(_("Only a convener can edit a cohort's output report."))
    cohort = selectors.cohort_by_slug(cohort_slug)
    report = selectors.report_of(cohort)
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.edit_report(
                    actor=request.user,
                    cohort=cohort,
                    title=data["title"],
                    introduction=data["introduction"],
                    sections=data["sections"],
                )
            except NotAllowed:
                raise
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, _("Report saved."))
                return redirect("cohort-report", cohort_slug=cohort.slug)
        else:
            status = 400
    else:
        form = ReportForm(
            initial={
                "title": report.title,
                "introduction": report.introduction,
                "sections": report.sections,
            }
        )
    return render(
        request,
        "reports/report/edit.html",
        {"cohort": cohort, "report": report, "form": form},
        status=status,
    )


@login_required
@require_POST
def cohort_report_publish(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    cohort = selectors.cohort_by_slug(cohort_slug)
    services.publish_report(actor=request.user, cohort=cohort)
    messages.success(request, _("The report is published: anyone can read it now."))
    return redirect("cohort-report", cohort_slug=cohort.slug)


@login_required
@require_POST
def cohort_report_unpublish(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    cohort = selectors.cohort_by_slug(cohort_slug)
    services.unpublish_report(actor=request.user, cohort=cohort)
    messages.success(request, _("The report is back to draft: only conveners can read it."))
    return redirect("cohort-report", cohort_slug=cohort.slug)


urlpatterns = [
    path("cohorts/<slug:cohort_slug>/report/", cohort_report, name="cohort-report"),
    path(
        "cohorts/<slug:cohort_slug>/report.md",
        cohort_report_markdown,
        name="cohort-report-markdown",
    ),
    path("cohorts/<slug:cohort_slug>/report.pdf", cohort_report_pdf, name="cohort-report-pdf"),
    path("cohorts/<slug:cohort_slug>/report/edit/", cohort_report_edit, name="cohort-report-edit"),
    path(
        "cohorts/<slug:cohort_slug>/report/publish/",
        cohort_report_publish,
        name="cohort-report-publish",
    ),
    path(
        "cohorts/<slug:cohort_slug>/report/unpublish/",
        cohort_report_unpublish,
        name="cohort-report-unpublish",
    ),
]
