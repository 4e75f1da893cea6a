"""Applicant pages (start, edit, submit, withdraw, see) and the convener's applications table."""

from __future__ import annotations

import mimetypes
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from datacollab.core.errors import DomainError, NotFound
from datacollab.core.private_files import private_file_response
from datacollab.network.forms.applications import (
    ApplicationFilterForm,
    ApplicationForm,
    ExtensionForm,
    StartForm,
)
from datacollab.network.models import Answer, Application, Call
from datacollab.network.selectors import applications as selectors
from datacollab.network.selectors.eligibility_shown import with_shown_reasons
from datacollab.network.selectors.translations import call_fallback_note
from datacollab.network.services import applications as services
from datacollab.network.services import call_lifecycle, stages
from datacollab.network.services.attachments import open_attachment
from datacollab.network.services.calls import grant_extension
from datacollab.organisations.rules import is_convener, is_member
from datacollab.organisations.selectors import organisations_of


def _deadlines(call: Call, application: Application | None = None) -> dict[str, Any]:
    deadline = call.deadline
    if application is not None:
        deadline = selectors.effective_deadline(call, application.organisation)
    return {
        "deadline": deadline,
        "deadline_in_call_zone": selectors.format_in_zone(deadline, call.timezone),
        "deadline_extended": deadline != call.deadline,
    }


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "network/applications/my_applications.html",
        {
            "applications": selectors.applications_of(request.user),
            "organisations": list(organisations_of(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_by_slug(call_slug)
    organisations = organisations_of(request.user)
    if request.method == "GET":
        # Say "closed" or "not open yet" at once, not after the applicant picks an organisation.
        services.ensure_accepting(call=call, organisations=list(organisations))
    form = StartForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            application = services.start_application(
                actor=request.user, call=call, organisation=form.cleaned_data["organisation"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(
                request, _("Draft started. Save as often as you like; submit before the deadline.")
            )
            return redirect("application-edit", pk=application.pk)
    elif form.errors:
        status = 400
    return render(
        request,
        "network/applications/start.html",
        {
            "call": call,
            "form": form,
            "has_organisations": organisations.exists(),
            **_deadlines(call),
        },
        status=status,
    )


def _edit_context(application: Application, form: ApplicationForm) -> dict[str, Any]:
    return {
        "application": application,
        "call": application.call,
        "form": form,
        "stage": stages.stage_info(application),
        "fallback_note": call_fallback_note(application.call, form.questions),
        **_deadlines(application.call, application),
    }


def _form_for(request: HttpRequest, application: Application) -> ApplicationForm:
    questions = stages.questions_for(application)
    answers = {a.question_id: a for a in Answer.objects.filter(application=application)}
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    return ApplicationForm(*data, application=application, questions=questions, answers=answers)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(actor=request.user, pk=pk)
    # Refuse before the applicant types: after the deadline, withdrawn, not a member.
    services.ensure_editable(actor=request.user, application=application)
    form = _form_for(request, application)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "network/applications/edit.html",
                _edit_context(application, form),
                status=400,
            )
        try:
            services.save_draft(
                actor=request.user,
                application=application,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                requested_amount=form.cleaned_data["requested_amount"] or Decimal(0),
                answers=form.answers(),
                files=form.uploads(),
                collaboration=form.cleaned_data["collaboration"],
                language=form.cleaned_data["language"] or None,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return render(
                request,
                "network/applications/edit.html",
                _edit_context(application, form),
                status=exc.status,
            )
        messages.success(request, _("Saved."))
        return redirect("application-detail", pk=application.pk)
    return render(request, "network/applications/edit.html", _edit_context(application, form))


def _detail(
    request: HttpRequest, application: Application, *, error: str = "", status: int = 200
) -> HttpResponse:
    member = is_member(request.user, application.organisation)
    editable_refusal = ""
    try:
        services.ensure_editable(actor=request.user, application=application)
    except DomainError as exc:
        editable_refusal = exc.message
    preview: tuple[bool, list[str]] | None = None
    if application.status == Application.Status.DRAFT:
        preview = services.check_eligibility(application=application)
    else:
        with_shown_reasons([application], application.call)
    return render(
        request,
        "network/applications/detail.html",
        {
            "application": application,
            "call": application.call,
            "cohort": application.call.cohort,
            "rows": selectors.answer_rows(application),
            "is_member": member,
            "editable": member and not editable_refusal,
            "editable_refusal": editable_refusal if member else "",
            "can_withdraw": member and not services.withdraw_refusal(application),
            "preview": preview,
            "stage": stages.stage_info(application),
            "error": error,
            **_deadlines(application.call, application),
        },
        status=status,
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.application_for(actor=request.user, pk=pk))


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(actor=request.user, pk=pk)
    try:
        application = services.submit_application(actor=request.user, application=application)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return _detail(request, application, error=exc.message, status=exc.status)
    if application.eligible:
        messages.success(request, _("Submitted. You can still edit it until the deadline."))
    else:
        messages.warning(
            request,
            _("Submitted, but it is not eligible: see the reasons below. It will not be reviewed."),
        )
    return redirect("application-detail", pk=application.pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page (withdrawing is final); POST with confirm: withdraw."""
    application = selectors.application_for(actor=request.user, pk=pk)
    if request.method == "GET" or request.POST.get("confirm") != "1":
        if not is_member(request.user, application.organisation):
            raise NotFound(_("There is no such application, or it is not yours to change."))
        refusal = services.withdraw_refusal(application)
        unconfirmed = _("Confirm on this page to withdraw.") if request.method == "POST" else ""
        error = refusal or unconfirmed
        return render(
            request,
            "network/applications/withdraw_confirm.html",
            {"application": application, "error": error, "refusal": refusal},
            status=409 if refusal else 400 if error else 200,
        )
    try:
        services.withdraw_application(actor=request.user, application=application)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return _detail(request, application, error=exc.message, status=exc.status)
    messages.success(request, _("Withdrawn."))
    return redirect("application-detail", pk=application.pk)


@login_required
@require_GET
def application_file(
    request: HttpRequest, pk: int, question_id: int
) -> HttpResponse | FileResponse:
    attachment = open_attachment(actor=request.user, application_id=pk, question_id=question_id)
    content_type = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
    return private_file_response(
        attachment.answer.file, filename=attachment.name, content_type=content_type
    )


def _convener_page(
    request: HttpRequest, call: Call, extension_form: ExtensionForm, status: int = 200
) -> HttpResponse:
    filters = ApplicationFilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        status = 400
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    applications = selectors.call_applications(
        actor=request.user,
        call=call,
        status=chosen.get("status", ""),
        eligible=chosen.get("eligible", ""),
    )
    with_shown_reasons(applications, call)
    return render(
        request,
        "network/applications/call_applications.html",
        {
            "call": call,
            "cohort": call.cohort,
            "applications": applications,
            "filters": filters,
            "extension_form": extension_form,
            "extensions": selectors.extensions_of_call(actor=request.user, call=call),
            "now": timezone.now(),
            "call_status_label": Call.Status(call_lifecycle.effective_status(call)).label,
            "call_moves": call_lifecycle.allowed_moves(actor=request.user, call=call),
            **_deadlines(call),
        },
        status=status,
    )


@login_required
@require_GET
def call_applications(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_by_slug(call_slug)
    return _convener_page(request, call, ExtensionForm(call=call))


@login_required
@require_POST
def extension_grant(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_by_slug(call_slug)
    if not is_convener(request.user):
        # Same refusal as the service, before we parse anything.
        selectors.call_applications(actor=request.user, call=call)
    form = ExtensionForm(request.POST, call=call)
    if not form.is_valid():
        return _convener_page(request, call, form, status=400)
    try:
        extension = grant_extension(actor=request.user, call=call, **form.cleaned_data)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _convener_page(request, call, form, status=exc.status)
    messages.success(
        request,
        _("%(org)s may edit and submit until %(until)s.")
        % {
            "org": extension.organisation.name,
            "until": selectors.format_in_zone(extension.until, call.timezone),
        },
    )
    return redirect("call-applications", call_slug=call.slug)


urlpatterns = [
    path("applications/", my_applications, name="my-applications"),
    path("calls/<slug:call_slug>/apply/", application_start, name="application-start"),
    path("applications/<int:pk>/", application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", application_edit, name="application-edit"),
    path("applications/<int:pk>/submit/", application_submit, name="application-submit"),
    path("applications/<int:pk>/withdraw/", application_withdraw, name="application-withdraw"),
    path(
        "applications/<int:pk>/files/<int:question_id>/", application_file, name="application-file"
    ),
    path(
        "convener/calls/<slug:call_slug>/applications/", call_applications, name="call-applications"
    ),
    path("convener/calls/<slug:call_slug>/extensions/", extension_grant, name="extension-grant"),
]
