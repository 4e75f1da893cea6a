"""Convener set-up pages: cohorts and calls, created and edited without the Django admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from datacollab.core.errors import DomainError
from datacollab.network.forms.setup import CallForm, CohortForm
from datacollab.network.selectors import setup as selectors
from datacollab.network.services import setup as services


@login_required
@require_GET
def setup_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "network/setup/home.html",
        {
            "cohorts": list(selectors.setup_cohorts(actor=request.user)),
            "calls": list(selectors.setup_calls(actor=request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest) -> HttpResponse:
    selectors.require_convener(request.user)
    network = selectors.current_network()
    form = CohortForm(request.POST or None, needs_network=network is None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                cohort = services.create_cohort(
                    actor=request.user,
                    network=network,
                    new_network_name=form.cleaned_data.get("network_name") or "",
                    **form.service_kwargs(),
                )
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Cohort created. Now open a call for it."))
                return redirect(f"{reverse('setup-call-create')}?cohort={cohort.slug}")
    return render(
        request, "network/setup/cohort_form.html", {"form": form, "cohort": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    cohort = selectors.cohort_for_convener(actor=request.user, slug=cohort_slug)
    form = CohortForm(request.POST or None, cohort=cohort)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_cohort(actor=request.user, cohort=cohort, **form.service_kwargs())
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Cohort saved."))
                return redirect("setup-home")
    return render(
        request, "network/setup/cohort_form.html", {"form": form, "cohort": cohort}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    selectors.require_convener(request.user)
    initial = {"cohort": request.GET.get("cohort", "")}
    form = CallForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                call = services.create_call(
                    actor=request.user, cohort=form.cleaned_data["cohort"], **form.service_kwargs()
                )
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(
                    request, _("Draft call created. Add its questions, eligibility and rubric.")
                )
                return redirect("setup-call", call_slug=call.slug)
    return render(
        request, "network/setup/call_form.html", {"form": form, "call": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    form = CallForm(request.POST or None, call=call)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_call(actor=request.user, call=call, **form.service_kwargs())
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Call saved."))
                return redirect("setup-call", call_slug=call.slug)
    return render(
        request, "network/setup/call_form.html", {"form": form, "call": call}, status=status
    )


@login_required
@require_GET
def call_setup(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    return render(
        request,
        "network/setup/call.html",
        {"page": selectors.call_setup_page(actor=request.user, call=call), "call": call},
    )


urlpatterns = [
    path("convener/setup/", setup_home, name="setup-home"),
    path("convener/setup/cohorts/new/", cohort_create, name="setup-cohort-create"),
    path("convener/setup/cohorts/<slug:cohort_slug>/", cohort_edit, name="setup-cohort-edit"),
    path("convener/setup/calls/new/", call_create, name="setup-call-create"),
    path("convener/setup/calls/<slug:call_slug>/", call_setup, name="setup-call"),
    path("convener/setup/calls/<slug:call_slug>/edit/", call_edit, name="setup-call-edit"),
]
