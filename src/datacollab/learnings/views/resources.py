"""Pages of the resource library: list with filters, add, read, edit, remove, download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.core.form_views import submit
from datacollab.core.private_files import private_file_response
from datacollab.learnings import rules, selectors
from datacollab.learnings.forms import ResourceFilterForm, ResourceForm
from datacollab.learnings.models import Resource
from datacollab.learnings.services import resources as services
from datacollab.network.models import Cohort
from datacollab.organisations.rules import is_convener

PER_PAGE = 30


def _filters(request: HttpRequest) -> selectors.Filters:
    form = ResourceFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.Filters(
        theme=data.get("theme", ""),
        tag=data.get("tag", ""),
        cohort=data.get("cohort", ""),
        session=data.get("session", ""),
        kind=data.get("kind", ""),
    )


@require_safe
def resource_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(selectors.resource_list(request.user, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    tags = list(selectors.tags_in_use())
    return render(
        request,
        "learnings/resource_list.html",
        {
            "page": page,
            "resources": page.object_list,
            "filters": filters,
            "session_title": selectors.session_title(request.user, filters.session),
            "kinds": Resource.Kind.choices,
            "themes": [t for t in tags if t.is_theme],
            "custom_tags": [t for t in tags if not t.is_theme],
            "cohorts": Cohort.objects.order_by("-starts_on"),
            "may_add": rules.may_write(request.user),
        },
    )


def _form(request: HttpRequest, data: Any = None, files: Any = None, **kwargs: Any) -> ResourceForm:
    return ResourceForm(
        data,
        files,
        cohorts=selectors.writable_cohorts(request.user),
        sessions=selectors.linkable_sessions(request.user),
        **kwargs,
    )


def _saved_fields(form: ResourceForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "kind": data["kind"],
        "description": data["description"],
        "url": data["url"],
        "session": data["session"],
        "cohort": data["cohort"],
        "visibility": data["visibility"],
        "themes": list(data["themes"]),
        "custom_tags": data["custom_tags"],
    }


def _initial(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    session = (
        selectors.linkable_sessions(request.user)
        .filter(slug=request.GET.get("session", ""))
        .first()
    )
    if session is not None:
        initial["session"] = session
        initial["cohort"] = session.cohort
        initial["kind"] = Resource.Kind.BLOG_POST
    else:
        cohort = (
            selectors.writable_cohorts(request.user)
            .filter(slug=request.GET.get("cohort", ""))
            .first()
        )
        if cohort is not None:
            initial["cohort"] = cohort
    return initial


def _form_page(
    request: HttpRequest, form: ResourceForm, resource: Resource | None, status: int
) -> HttpResponse:
    context = {"form": form, "resource": resource, "is_convener": is_convener(request.user)}
    return render(request, "learnings/resource_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    if not rules.may_write(request.user):
        raise NotAllowed(_("Resources are added by participants of a cohort and by conveners."))

    if request.method == "POST":
        form = _form(request, request.POST, request.FILES, with_file=True)
        return submit(
            request,
            form,
            lambda: services.add_resource(
                actor=request.user, upload=form.cleaned_data["file"], **_saved_fields(form)
            ),
            done=_("Added to the library."),
            then=lambda resource: redirect("resource-detail", resource_slug=resource.slug),
            page=lambda status: _form_page(request, form, None, status),
        )
    return _form_page(request, _form(request, initial=_initial(request), with_file=True), None, 200)


@require_safe
def resource_detail(request: HttpRequest, resource_slug: str) -> HttpResponse:
    resource = selectors.resource_for(request.user, resource_slug)
    return render(
        request,
        "learnings/resource_detail.html",
        {
            "resource": resource,
            "file_name": (resource.file.name or "").rsplit("/", 1)[-1],
            "may_edit": rules.may_edit_resource(request.user, resource),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def resource_edit(request: HttpRequest, resource_slug: str) -> HttpResponse:
    resource = selectors.resource_for(request.user, resource_slug)
    if not rules.may_edit_resource(request.user, resource):
        raise NotAllowed(_("Only whoever added this resource and conveners can edit it."))

    if request.method == "POST":
        form = _form(request, request.POST)
        return submit(
            request,
            form,
            lambda: services.update_resource(
                actor=request.user, resource=resource, **_saved_fields(form)
            ),
            done=_("Saved."),
            then=lambda _resource: redirect("resource-detail", resource_slug=resource.slug),
            page=lambda status: _form_page(request, form, resource, status),
        )
    tags = list(resource.tags.all())
    form = _form(
        request,
        initial={
            "title": resource.title,
            "kind": resource.kind,
            "description": resource.description,
            "url": resource.url,
            "cohort": resource.cohort,
            "session": resource.session,
            "visibility": resource.visibility,
            "themes": [t for t in tags if t.is_theme],
            "custom_tags": ", ".join(t.name for t in tags if not t.is_theme),
        },
    )
    return _form_page(request, form, resource, 200)


@login_required
@require_POST
def resource_remove(request: HttpRequest, resource_slug: str) -> HttpResponse:
    resource = selectors.resource_for(request.user, resource_slug)
    services.remove_resource(actor=request.user, resource=resource)
    messages.success(request, _("“%(title)s” removed.") % {"title": resource.title})
    return redirect("resource-list")


@require_GET
def resource_file(request: HttpRequest, resource_slug: str) -> HttpResponse | FileResponse:
    resource = selectors.resource_for(request.user, resource_slug)
    if not resource.file:
        raise NotFound(_("This resource is a link, not a file: follow its link instead."))
    name = (resource.file.name or "").rsplit("/", 1)[-1]
    return private_file_response(
        resource.file, filename=name, content_type=services.content_type_of(name)
    )


urlpatterns = [
    path("resources/", resource_list, name="resource-list"),
    path("resources/new/", resource_create, name="resource-create"),
    path("resources/<slug:resource_slug>/", resource_detail, name="resource-detail"),
    path("resources/<slug:resource_slug>/edit/", resource_edit, name="resource-edit"),
    path("resources/<slug:resource_slug>/remove/", resource_remove, name="resource-remove"),
    path("resources/<slug:resource_slug>/file/", resource_file, name="resource-file"),
]
