"""Pages of a data collaboration: list, create, page, edit, status, members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.collaborations import panels, rules, selectors
from datacollab.collaborations.forms import (
    CollaborationCreateForm,
    CollaborationFields,
    MemberAddForm,
    StatusForm,
)
from datacollab.collaborations.models import CollaborationMember, DataCollaboration
from datacollab.collaborations.services import collaborations as services
from datacollab.core.errors import DomainError


@require_safe
def collaboration_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    return render(
        request,
        "collaborations/collaboration_list.html",
        {
            "collaborations": selectors.collaborations(status=status),
            "status": status if status in DataCollaboration.Status.values else "",
            "statuses": DataCollaboration.Status.choices,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collaboration_create(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_led_by_member(request.user)
    status = 200
    if request.method == "POST":
        form = CollaborationCreateForm(request.POST, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                collaboration = services.create_collaboration(
                    actor=request.user,
                    lead=data["lead"],
                    lead_role=data["lead_role"],
                    name=data["name"],
                    challenge=data["challenge"],
                    sectors=data["sectors"],
                    goals=data["goals"],
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(request, _("%(name)s created.") % {"name": collaboration.name})
                return redirect("collaboration-detail", collaboration_slug=collaboration.slug)
        else:
            status = 400
    else:
        form = CollaborationCreateForm(organisations=organisations)
    return render(
        request,
        "collaborations/collaboration_form.html",
        {"form": form, "has_organisations": organisations.exists(), "collaboration": None},
        status=status,
    )


@require_safe
def collaboration_detail(request: HttpRequest, collaboration_slug: str) -> HttpResponse:
    collaboration = selectors.collaboration_by_slug(collaboration_slug)
    manages = rules.manages(request.user, collaboration)
    return render(
        request,
        "collaborations/collaboration_detail.html",
        {
            "collaboration": collaboration,
            "members": selectors.members_of(collaboration),
            "agreements": selectors.agreements_of(collaboration),
            "panels": panels.render(request, collaboration),
            "manages": manages,
            "status_form": StatusForm(initial={"status": collaboration.status})
            if manages
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collaboration_edit(request: HttpRequest, collaboration_slug: str) -> HttpResponse:
    collaboration = selectors.collaboration_by_slug(collaboration_slug)
    services.require_manager(
        request.user,
        collaboration,
        _("Only administrators of %(lead)s, which leads this collaboration, can edit it."),
    )
    status = 200
    if request.method == "POST":
        form = CollaborationFields(request.POST)
        if form.is_valid():
            try:
                services.update_collaboration(
                    actor=request.user, collaboration=collaboration, **form.cleaned_data
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(request, _("Saved."))
                return redirect("collaboration-detail", collaboration_slug=collaboration.slug)
        else:
            status = 400
    else:
        form = CollaborationFields(
            initial={
                "name": collaboration.name,
                "challenge": collaboration.challenge,
                "sectors": ", ".join(collaboration.sectors),
                "goals": collaboration.goals,
            }
        )
    return render(
        request,
        "collaborations/collaboration_form.html",
        {"form": form, "collaboration": collaboration, "has_organisations": True},
        status=status,
    )


@login_required
@require_POST
def collaboration_status(request: HttpRequest, collaboration_slug: str) -> HttpResponse:
    collaboration = selectors.collaboration_by_slug(collaboration_slug)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose scoping, active or concluded."))
        return redirect("collaboration-detail", collaboration_slug=collaboration.slug)
    # A refusal (not the lead's admin, same status) escapes as a DomainError: the refused
    # page shows its message with its 4xx status.
    collaboration = services.change_status(
        actor=request.user, collaboration=collaboration, status=form.cleaned_data["status"]
    )
    messages.success(
        request,
        _("The collaboration is now %(status)s.") % {"status": collaboration.get_status_display()},
    )
    return redirect("collaboration-detail", collaboration_slug=collaboration.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collaboration_members(request: HttpRequest, collaboration_slug: str) -> HttpResponse:
    collaboration = selectors.collaboration_by_slug(collaboration_slug)
    services.require_manager(
        request.user,
        collaboration,
        _(
            "Only administrators of %(lead)s, which leads this collaboration, "
            "can manage its members."
        ),
    )
    status = 200
    if request.method == "POST":
        form = MemberAddForm(request.POST)
        if form.is_valid():
            organisation = form.cleaned_data["organisation"]
            try:
                member = services.add_member(
                    actor=request.user,
                    collaboration=collaboration,
                    organisation=organisation,
                    role=form.cleaned_data["role"],
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(
                    request,
                    _("%(org)s joined as %(role)s.")
                    % {"org": organisation.name, "role": member.get_role_display()},
                )
                return redirect("collaboration-members", collaboration_slug=collaboration.slug)
        else:
            status = 400
    else:
        form = MemberAddForm()
    return render(
        request,
        "collaborations/members.html",
        {
            "collaboration": collaboration,
            "members": selectors.members_of(collaboration),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def collaboration_member_remove(
    request: HttpRequest, collaboration_slug: str, member_id: int
) -> HttpResponse:
    member = get_object_or_404(
        CollaborationMember.objects.select_related("collaboration__lead", "organisation"),
        pk=member_id,
        collaboration__slug=collaboration_slug,
    )
    services.remove_member(actor=request.user, member=member)
    messages.success(
        request,
        _("%(org)s is no longer %(role)s.")
        % {"org": member.organisation.name, "role": member.get_role_display()},
    )
    return redirect("collaboration-members", collaboration_slug=collaboration_slug)


urlpatterns = [
    path("", collaboration_list, name="collaboration-list"),
    path("new/", collaboration_create, name="collaboration-create"),
    path("<slug:collaboration_slug>/", collaboration_detail, name="collaboration-detail"),
    path("<slug:collaboration_slug>/edit/", collaboration_edit, name="collaboration-edit"),
    path("<slug:collaboration_slug>/status/", collaboration_status, name="collaboration-status"),
    path("<slug:collaboration_slug>/members/", collaboration_members, name="collaboration-members"),
    path(
        "<slug:collaboration_slug>/members/<int:member_id>/remove/",
        collaboration_member_remove,
        name="collaboration-member-remove",
    ),
]
