from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datacollab.core.errors import DomainError
from datacollab.organisations import rules, selectors, services
from datacollab.organisations.backends import client_address
from datacollab.organisations.forms import (
    OrganisationForm,
    ProfileForm,
    SignupForm,
)
from datacollab.organisations.forms_diversity import DiversityForm
from datacollab.organisations.models import User
from datacollab.organisations.views.language import remember_language


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_up(
                **form.cleaned_data,
                client_address=client_address(request),
                language=get_language(),
            )
        except DomainError as exc:
            status = exc.show_on(form)
        else:
            # The same answer whether or not the address already had an account.
            return redirect("signup-done")
    return render(
        request,
        "organisations/signup.html",
        {"form": form},
        status=status if status != 200 else (400 if form.errors else 200),
    )


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/signup_done.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    form = ProfileForm(
        request.POST or None,
        initial={
            "display_name": user.display_name,
            "timezone": user.timezone,
            "bio": user.bio,
            "expertise": user.expertise,
            "countries": user.countries,
            "language": user.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_profile(
                user=user,
                display_name=data["display_name"],
                timezone=data["timezone"],
                bio=data["bio"],
                expertise=data["expertise"],
                countries_worked=data["countries"],
                language=data["language"],
            )
        except DomainError as exc:
            exc.show_on(form)
        else:
            # The message is shown in the language just chosen, on the next page.
            if user.language:
                translation.activate(user.language)
            messages.success(request, _("Profile saved."))
            return remember_language(redirect("profile"), user.language)
    context = {
        "form": form,
        "memberships": selectors.memberships_of(user),
        "verified": rules.has_verified_email(user),
        "diversity_form": DiversityForm(initial=DiversityForm.initial_for(user)),
    }
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
            "can_edit": rules.can_manage_members(request.user, org),
            "cohorts": selectors.cohort_memberships_of(org),
            "can_manage_members": rules.can_manage_members(request.user, org),
        },
    )


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's profile, for people who are logged in (not for search engines)."""
    person = selectors.person_by_id(person_id)
    return render(
        request,
        "organisations/person_detail.html",
        {
            "person": person,
            "expertise": selectors.expertise_terms(person),
            "countries_worked": person.country_names,
            # Only when the person chose to show them (an empty list otherwise).
            "languages": person.shown_working_language_names,
            "memberships": selectors.memberships_of(person),
        },
    )
