"""A cohort's output report: the public page, its Markdown and PDF, and the convener's edits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.content_language import language_codes, language_name
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.reports import rendering, rules
from datacollab.reports.forms import PublishForm, ReportForm
from datacollab.reports.models import CohortReport, ReportRevision
from datacollab.reports.selectors import report as selectors
from datacollab.reports.selectors import revisions
from datacollab.reports.services import cohort_reports as services


def _page(
    request: HttpRequest, report: CohortReport, revision: ReportRevision | None, *, preview: bool
) -> HttpResponse:
    can_edit = rules.can_edit_report(request.user)
    if revision is not None:
        body = revisions.revision_html(revision)
        title = revisions.revision_title(revision)
    else:
        content = selectors.report_content(report)
        body, title = rendering.render_body(content), content.title
    response = render(
        request,
        "reports/report/page.html",
        {
            "body": mark_safe(body),  # stored or rendered by our own templates, escaped
            "title": title,
            "report": report,
            "cohort": report.cohort,
            "revision": revision,
            "current": revisions.current_revision(report),
            "revisions": revisions.revisions(report) if report.is_published else [],
            "preview": preview,
            "can_edit": can_edit,
            "unpublished_changes": can_edit and revisions.has_unpublished_changes(report),
        },
    )
    if revision is None:
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def cohort_report(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    """The published revision for everyone; a live preview for conveners while in draft."""
    report = selectors.report_for_viewer(viewer=request.user, cohort_slug=cohort_slug)
    return _page(request, report, revisions.current_revision(report), preview=False)


@require_safe
def cohort_report_revision(request: HttpRequest, cohort_slug: str, number: int) -> HttpResponse:
    report = selectors.report_for_viewer(viewer=request.user, cohort_slug=cohort_slug)
    return _page(request, report, revisions.revision_of(report, number), preview=False)


@login_required
@require_safe
def cohort_report_preview(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    """What the next revision would hold, rendered now: conveners only."""
    if not rules.can_edit_report(request.user):
        raise NotAllowed(_("Only a convener can preview a cohort's output report."))
    report = selectors.report_of(selectors.cohort_by_slug(cohort_slug))
    return _page(request, report, None, preview=True)


def _download(request: HttpRequest, cohort_slug: str, fmt: str) -> HttpResponse:
    report = selectors.report_for_viewer(viewer=request.user, cohort_slug=cohort_slug)
    revision = revisions.current_revision(report)
    if revision is None:
        body = rendering.render(selectors.report_content(report), fmt)
    elif fmt == "md":
        body = revisions.revision_markdown(revision).encode("utf-8")
    else:
        body = revisions.revision_pdf(revision)
    content_type = {"md": "text/markdown; charset=utf-8", "pdf": "application/pdf"}[fmt]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.cohort.slug}-report.{fmt}"'
    if revision is None:
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
        {
            "cohort": cohort,
            "report": report,
            "form": form,
            "languages": [
                (code, language_name(code), code in (report.translations or {}))
                for code in language_codes()
                if code != report.language
            ],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohort_report_publish(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    """A confirmation page that says what becomes public; the POST publishes that revision."""
    if not rules.can_edit_report(request.user):
        raise NotAllowed(_("Only a convener can publish a cohort's output report."))
    cohort = selectors.cohort_by_slug(cohort_slug)
    report = selectors.report_of(cohort)
    number = revisions.next_revision_number(report)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # A refusal (someone published meanwhile: 409) is shown by DomainErrorMiddleware.
        services.publish_report(
            actor=request.user, cohort=cohort, revision=form.cleaned_data["revision"]
        )
        messages.success(
            request,
            _("Revision %(n)s of the report is published: anyone can read it now.") % {"n": number},
        )
        return redirect("cohort-report", cohort_slug=cohort.slug)
    content = selectors.report_content(report)
    return render(
        request,
        "reports/report/publish.html",
        {
            "cohort": cohort,
            "report": report,
            "number": number,
            "counts": rendering.counts(content),
            "content": content,
            "current": revisions.current_revision(report),
        },
        status=400 if request.method == "POST" else 200,
    )


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
        "cohorts/<slug:cohort_slug>/report/preview/",
        cohort_report_preview,
        name="cohort-report-preview",
    ),
    path(
        "cohorts/<slug:cohort_slug>/report/revisions/<int:number>/",
        cohort_report_revision,
        name="cohort-report-revision",
    ),
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
