"""A person's private diversity details, and an organisation's profile with its countries of
operation."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.organisations import rules, selectors, services
from datacollab.organisations.forms import OrganisationForm
from datacollab.organisations.forms_diversity import DiversityForm
from datacollab.organisations.models import User


@login_required
@require_http_methods(["GET", "POST"])
def profile_diversity(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    data = request.POST if request.method == "POST" else None
    form = DiversityForm(data, initial=DiversityForm.initial_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_diversity_details(user=user, **form.cleaned_data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(
                request,
                _("Saved. Others see the languages you work in on your profile.")
                if user.show_working_languages
                else _("Saved. Only counts of everyone's answers are shown."),
            )
            return redirect("profile")
    return render(
        request,
        "organisations/profile_diversity.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_by_slug(slug)
    if not rules.can_manage_members(request.user, organisation):
        raise NotAllowed(
            _("Only an administrator of %(org)s can edit its profile.") % {"org": organisation}
        )
    form = OrganisationForm(
        request.POST or None,
        initial={
            "name": organisation.name,
            "kind": organisation.kind,
            "country": organisation.country,
            "operating_countries": organisation.operating_countries,
            "website": organisation.website,
            "description": organisation.description,
            "org_id": organisation.org_id,
            "ror": organisation.ror,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                actor=cast(User, request.user), organisation=organisation, **form.cleaned_data
            )
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(
                request, _("The profile of %(name)s is saved.") % {"name": organisation.name}
            )
            return redirect("organisation-detail", slug=organisation.slug)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )
