"""Two ways in besides a one-stage open call: expressions of interest, and direct approach."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.core.errors import DomainError
from datacollab.network.forms.setup import ApproachForm, InterviewForm
from datacollab.network.models import Call
from datacollab.network.selectors import applications as application_selectors
from datacollab.network.selectors import direct as direct_selectors
from datacollab.network.selectors import setup as selectors
from datacollab.network.services import direct, stages

# --- expressions of interest ----------------------------------------------------------------


def _eois_page(request: HttpRequest, call: Call, *, error: str = "", status: int = 200) -> Any:
    return render(
        request,
        "network/setup/eois.html",
        {"call": call, "rows": selectors.eoi_rows(actor=request.user, call=call), "error": error},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_eois(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("application") if v.isdigit() and len(v) < 12]
        try:
            n = stages.invite_to_full_proposal(actor=request.user, call=call, application_ids=ids)
        except DomainError as exc:
            return _eois_page(request, call, error=exc.message, status=exc.status)
        messages.success(
            request,
            ngettext(
                "%(n)d organisation invited to a full proposal; a mail is on its way.",
                "%(n)d organisations invited to a full proposal; mails are on their way.",
                n,
            )
            % {"n": n},
        )
        return redirect("setup-eois", call_slug=call.slug)
    return _eois_page(request, call)


@login_required
@require_POST
def application_eoi_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_selectors.application_for(actor=request.user, pk=pk)
    try:
        stages.submit_expression_of_interest(actor=request.user, application=application)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("application-detail", pk=application.pk)
    messages.success(
        request,
        _("Expression of interest submitted. If the convener invites you, the proposal opens."),
    )
    return redirect("application-detail", pk=application.pk)


# --- direct approach ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_direct(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    form = ApproachForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                direct.approach_organisation(actor=request.user, call=call, **form.cleaned_data)
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Invitation sent. Record the interview when held."))
                return redirect("setup-direct", call_slug=call.slug)
    approaches = list(direct_selectors.approaches_of(actor=request.user, call=call))
    return render(
        request,
        "network/setup/direct.html",
        {
            "call": call,
            "form": form,
            "approaches": approaches,
            "refusal": direct.approach_refusal(call),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def direct_interview(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    approach = direct_selectors.approach_for(actor=request.user, call=call, pk=pk)
    application = approach.application
    initial = {
        "title": application.title,
        "notes": approach.interview_notes,
        "recommendation": approach.recommendation or None,
        "requested_amount": application.requested_amount or None,
    }
    form = InterviewForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                direct.record_interview(actor=request.user, approach=approach, **form.cleaned_data)
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(
                    request, _("Interview recorded; the organisation is now a candidate.")
                )
                return redirect("setup-direct", call_slug=call.slug)
    return render(
        request,
        "network/setup/interview.html",
        {"call": call, "approach": approach, "form": form},
        status=status,
    )


urlpatterns = [
    path("convener/setup/calls/<slug:call_slug>/eois/", call_eois, name="setup-eois"),
    path("applications/<int:pk>/eoi/", application_eoi_submit, name="application-eoi-submit"),
    path("convener/setup/calls/<slug:call_slug>/direct/", call_direct, name="setup-direct"),
    path(
        "convener/setup/calls/<slug:call_slug>/direct/<int:pk>/",
        direct_interview,
        name="setup-direct-interview",
    ),
]
