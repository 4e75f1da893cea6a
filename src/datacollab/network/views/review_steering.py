"""Convener pages that steer a call's review: one application's reviews (with reviewers by
hand and feedback), the call's review settings, and reminders to reviewers."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.network.forms.review_steering import (
    ApplicationReviewerForm,
    FeedbackForm,
    ReviewSettingsForm,
)
from datacollab.network.models import Application, Call
from datacollab.network.selectors import reviews as selectors
from datacollab.network.selectors.review_detail import application_reviews
from datacollab.network.selectors.review_progress import reviewer_progress, reviewers_to_remind
from datacollab.network.services import reviews as services
from datacollab.network.services.feedback import choose_feedback
from datacollab.network.services.reminders import remind_reviewers
from datacollab.network.services.review_settings import update_review_settings
from datacollab.organisations.models import User
from datacollab.organisations.rules import is_convener


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "core/refused.html", {"message": error.message}, status=error.status)


def _call(slug: str) -> Call:
    return get_object_or_404(Call.objects.select_related("cohort"), slug=slug)


def _not_convener() -> NotAllowed:
    return NotAllowed(_("Only conveners can see reviewer assignments and scores."))


# --- one application's reviews --------------------------------------------------------------


@login_required
def application_reviews_page(
    request: HttpRequest,
    call_slug: str,
    pk: int,
    *,
    add_form: ApplicationReviewerForm | None = None,
    feedback_error: str = "",
    status: int = 200,
) -> HttpResponse:
    call = _call(call_slug)
    try:
        page = application_reviews(actor=_user(request), call=call, application_id=pk)
    except DomainError as error:
        return _refused(request, error)
    context = {
        "call": call,
        "page": page,
        "add_form": add_form or ApplicationReviewerForm(),
        "feedback_error": feedback_error,
        "locked": selectors.selection_confirmed(call),
    }
    return render(request, "network/reviews/application_reviews.html", context, status=status)


@login_required
@require_POST
def application_reviewer_add(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = _call(call_slug)
    if not is_convener(_user(request)):
        return _refused(request, _not_convener())
    application = get_object_or_404(
        Application.objects.select_related("call", "organisation"), pk=pk, call=call
    )
    form = ApplicationReviewerForm(request.POST)
    if not form.is_valid():
        return application_reviews_page(request, call_slug, pk, add_form=form, status=400)
    try:
        services.assign_manually(
            actor=_user(request), application=application, reviewer=form.cleaned_data["reviewer"]
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return application_reviews_page(request, call_slug, pk, add_form=form, status=error.status)
    messages.success(request, _("Reviewer added."))
    return redirect("application-reviews", call_slug=call.slug, pk=application.pk)


@login_required
@require_POST
def application_feedback(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = _call(call_slug)
    try:
        page = application_reviews(actor=_user(request), call=call, application_id=pk)
    except DomainError as error:
        return _refused(request, error)
    form = FeedbackForm(
        request.POST,
        review_ids=[r.review_id for r in page.reviews if r.review_id and r.comment],
        score_ids=[s.score_id for r in page.reviews for s in r.scores if s.score_id and s.comment],
    )
    if not form.is_valid():
        message = _("Only comments of this application's submitted reviews can be shared.")
        return application_reviews_page(request, call_slug, pk, feedback_error=message, status=400)
    try:
        redrafted = choose_feedback(
            actor=_user(request),
            application=page.application,
            review_ids=form.cleaned_data["review"],
            score_ids=form.cleaned_data["score"],
        )
    except DomainError as error:
        return application_reviews_page(
            request, call_slug, pk, feedback_error=error.message, status=error.status
        )
    shared = len(form.cleaned_data["review"]) + len(form.cleaned_data["score"])
    text = ngettext(
        "%(n)d comment will go to the applicant.",
        "%(n)d comments will go to the applicant.",
        shared,
    ) % {"n": shared}
    if redrafted:
        text += " " + _("Its decision mail, not yet sent, was re-drafted with them.")
    messages.success(request, text)
    return redirect("application-reviews", call_slug=call.slug, pk=pk)


# --- the call's review settings and reminders -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_settings(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _call(call_slug)
    if not is_convener(_user(request)):
        return _refused(request, NotAllowed(_("Only conveners can change how a call is reviewed.")))
    form = ReviewSettingsForm(request.POST or None, call=call)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                update_review_settings(actor=_user(request), call=call, **form.cleaned_data)
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(request, _("Review settings saved."))
                return redirect("call-assignments", call_slug=call.slug)
    context = {"call": call, "form": form, "locked": selectors.selection_confirmed(call)}
    return render(request, "network/reviews/review_settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def remind(request: HttpRequest, call_slug: str) -> HttpResponse:
    """GET: the confirmation, naming who will be reminded; POST: queue the reminders."""
    call = _call(call_slug)
    if not is_convener(_user(request)):
        return _refused(request, NotAllowed(_("Only conveners can remind reviewers.")))
    if request.method == "POST":
        try:
            queued = remind_reviewers(actor=_user(request), call=call)
        except DomainError as error:
            return _refused(request, error)
        messages.success(
            request,
            ngettext(
                "A reminder to %(n)d reviewer is on its way.",
                "Reminders to %(n)d reviewers are on their way.",
                queued,
            )
            % {"n": queued}
            if queued
            else _("Nobody to remind: every reviewer is done or was reminded recently."),
        )
        return redirect("call-assignments", call_slug=call.slug)
    due = {r.pk for r in reviewers_to_remind(call)}
    everyone = reviewer_progress(actor=_user(request), call=call)
    progress = [p for p in everyone if p.reviewer.pk in due]
    context = {
        "call": call,
        "progress": progress,
        "interval_hours": settings.REVIEW_REMINDER_INTERVAL_HOURS,
        "locked": selectors.selection_confirmed(call),
    }
    return render(request, "network/reviews/remind_confirm.html", context)


urlpatterns = [
    path(
        "convener/calls/<slug:call_slug>/applications/<int:pk>/reviews/",
        application_reviews_page,
        name="application-reviews",
    ),
    path(
        "convener/calls/<slug:call_slug>/applications/<int:pk>/reviews/assign/",
        application_reviewer_add,
        name="application-reviewer-add",
    ),
    path(
        "convener/calls/<slug:call_slug>/applications/<int:pk>/reviews/feedback/",
        application_feedback,
        name="application-feedback",
    ),
    path(
        "convener/calls/<slug:call_slug>/review-settings/",
        review_settings,
        name="call-review-settings",
    ),
    path("convener/calls/<slug:call_slug>/remind/", remind, name="call-remind"),
]
