"""Pages of learnings: list with filters, write, read, edit, publish."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.content_language import language_codes, language_name
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.form_views import submit
from datacollab.learnings import rules, selectors
from datacollab.learnings.forms import LearningFilterForm, LearningForm
from datacollab.learnings.models import Learning
from datacollab.learnings.services import learnings as services
from datacollab.network.models import Cohort
from datacollab.network.selectors.participation import cohort_ids_of

PER_PAGE = 30


def _filters(request: HttpRequest) -> selectors.Filters:
    form = LearningFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.Filters(
        theme=data.get("theme", ""),
        tag=data.get("tag", ""),
        cohort=data.get("cohort", ""),
        session=data.get("session", ""),
    )


@require_safe
def learning_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(selectors.learning_list(request.user, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    tags = list(selectors.tags_in_use())
    return render(
        request,
        "learnings/learning_list.html",
        {
            "page": page,
            "learnings": page.object_list,
            "filters": filters,
            "session_title": selectors.session_title(request.user, filters.session),
            "themes": [t for t in tags if t.is_theme],
            "custom_tags": [t for t in tags if not t.is_theme],
            "cohorts": Cohort.objects.order_by("-starts_on"),
            "may_write": rules.may_write(request.user),
        },
    )


def _form(request: HttpRequest, data: Any = None, **kwargs: Any) -> LearningForm:
    return LearningForm(
        data,
        cohorts=selectors.writable_cohorts(request.user),
        sessions=selectors.linkable_sessions(request.user),
        organisations=selectors.creditable_organisations(request.user),
        **kwargs,
    )


def _initial(request: HttpRequest) -> dict[str, Any]:
    """?session=<slug> or ?cohort=<slug> preselects (no JS needed); the person's own
    organisations in the cohort are credited by default."""
    initial: dict[str, Any] = {}
    session = (
        selectors.linkable_sessions(request.user)
        .filter(slug=request.GET.get("session", ""))
        .first()
    )
    cohorts = selectors.writable_cohorts(request.user)
    cohort = cohorts.filter(slug=request.GET.get("cohort", "")).first()
    if session is not None:
        initial["session"] = session
        if cohort is None and session.cohort_id is not None:
            cohort = cohorts.filter(pk=session.cohort_id).first()
    if cohort is None and len(ids := cohort_ids_of(request.user)) == 1:
        cohort = cohorts.filter(pk__in=ids).first()
    if cohort is not None:
        initial["cohort"] = cohort
        initial["contributors"] = list(
            cohort.members.filter(memberships__user=request.user).distinct()
        )
    return initial


def _saved_fields(form: LearningForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "cohort": data["cohort"],
        "title": data["title"],
        "body": data["body"],
        "session": data["session"],
        "collaboration": data["collaboration"],
        "themes": list(data["themes"]),
        "custom_tags": data["custom_tags"],
        "contributors": list(data["contributors"]),
        "visibility": data["visibility"],
        "language": data["language"] or None,
    }


def _form_page(
    request: HttpRequest, form: LearningForm, learning: Learning | None, status: int
) -> HttpResponse:
    context = {"form": form, "learning": learning}
    return render(request, "learnings/learning_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def learning_create(request: HttpRequest) -> HttpResponse:
    if not rules.may_write(request.user):
        raise NotAllowed(_("Learnings are written by participants of a cohort and by conveners."))

    if request.method == "POST":
        form = _form(request, request.POST)
        return submit(
            request,
            form,
            lambda: services.create_learning(actor=request.user, **_saved_fields(form)),
            done=_("Draft saved. Publish it when your co-authors have read it."),
            then=lambda learning: redirect("learning-detail", learning_slug=learning.slug),
            page=lambda status: _form_page(request, form, None, status),
        )
    return _form_page(request, _form(request, initial=_initial(request)), None, 200)


def _detail(request: HttpRequest, learning: Learning, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "learnings/learning_detail.html",
        {
            "learning": learning,
            "may_edit": rules.may_edit_learning(request.user, learning),
            "may_publish": rules.may_publish_learning(request.user, learning),
            "languages": [
                (code, language_name(code), code in (learning.translations or {}))
                for code in language_codes()
                if code != learning.language
            ],
        },
        status=status,
    )


@require_safe
def learning_detail(request: HttpRequest, learning_slug: str) -> HttpResponse:
    return _detail(request, selectors.learning_for(request.user, learning_slug))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def learning_edit(request: HttpRequest, learning_slug: str) -> HttpResponse:
    learning = selectors.learning_for(request.user, learning_slug)
    if not rules.may_edit_learning(request.user, learning):
        raise NotAllowed(_("Only its author and conveners can edit this learning."))

    if request.method == "POST":
        form = _form(request, request.POST)
        return submit(
            request,
            form,
            lambda: services.update_learning(
                actor=request.user, learning=learning, **_saved_fields(form)
            ),
            done=_("Saved."),
            then=lambda _learning: redirect("learning-detail", learning_slug=learning.slug),
            page=lambda status: _form_page(request, form, learning, status),
        )
    tags = list(learning.tags.all())
    form = _form(
        request,
        initial={
            "title": learning.title,
            "body": learning.body,
            "cohort": learning.cohort,
            "session": learning.session,
            "collaboration": learning.collaboration,
            "themes": [t for t in tags if t.is_theme],
            "custom_tags": ", ".join(t.name for t in tags if not t.is_theme),
            "contributors": list(learning.contributors.all()),
            "visibility": learning.visibility,
            "language": learning.language,
        },
    )
    return _form_page(request, form, learning, 200)


@login_required
@require_POST
def learning_publish(request: HttpRequest, learning_slug: str) -> HttpResponse:
    learning = selectors.learning_for(request.user, learning_slug)
    try:
        services.publish_learning(actor=request.user, learning=learning)
    except DomainError as error:
        messages.error(request, error.message)
        return _detail(request, learning, status=error.status)
    messages.success(request, _("Published."))
    return redirect("learning-detail", learning_slug=learning.slug)


@login_required
@require_POST
def learning_unpublish(request: HttpRequest, learning_slug: str) -> HttpResponse:
    learning = selectors.learning_for(request.user, learning_slug)
    try:
        services.unpublish_learning(actor=request.user, learning=learning)
    except DomainError as error:
        messages.error(request, error.message)
        return _detail(request, learning, status=error.status)
    messages.success(
        request, _("Back to draft: only you, credited colleagues and conveners see it.")
    )
    return redirect("learning-detail", learning_slug=learning.slug)


urlpatterns = [
    path("learnings/", learning_list, name="learning-list"),
    path("learnings/new/", learning_create, name="learning-create"),
    path("learnings/<slug:learning_slug>/", learning_detail, name="learning-detail"),
    path("learnings/<slug:learning_slug>/edit/", learning_edit, name="learning-edit"),
    path("learnings/<slug:learning_slug>/publish/", learning_publish, name="learning-publish"),
    path(
        "learnings/<slug:learning_slug>/unpublish/",
        learning_unpublish,
        name="learning-unpublish",
    ),
]
