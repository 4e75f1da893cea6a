from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datacollab.core.errors import DomainError
from datacollab.organisations import selectors, services
from datacollab.organisations.forms import OrganisationForm, ProfileForm, SignupForm
from datacollab.organisations.models import User


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_person(**form.cleaned_data)
        except DomainError as exc:
            form.add_error("email", exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Next, add your organisation."))
            return redirect("organisation-create")
    return render(
        request, "organisations/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": user.display_name, "timezone": user.timezone},
    )
    if request.method == "POST" and form.is_valid():
        services.set_profile(user=user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Profile saved."))
        return redirect("profile")
    context = {"form": form, "memberships": selectors.memberships_of(user)}  # type: ignore[arg-type]
    return render(
        request, "organisations/profile.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organisation(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("%(name)s created.") % {"name": org.name})
            return redirect("organisation-detail", slug=org.slug)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.organisation_by_slug(slug)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": org,
            "cohorts": selectors.cohort_memberships_of(org),
        },
    )
