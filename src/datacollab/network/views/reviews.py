"""Review pages: reviewers' own assignments and reviews, conveners' assignments and scores."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.network.forms.reviews import (
    ConflictForm,
    ConvenerConflictForm,
    ManualAssignmentForm,
    ReviewForm,
)
from datacollab.network.models import Call, Review, ReviewAssignment, RubricCriterion
from datacollab.network.selectors import blind
from datacollab.network.selectors import reviews as selectors
from datacollab.network.selectors.review_progress import deadline_passed, reviewer_progress
from datacollab.network.services import reviews as services
from datacollab.network.views import review_steering
from datacollab.organisations.models import User
from datacollab.organisations.rules import EmailNotVerified, is_convener


def _user(request: HttpRequest) -> User:
    # login_required guards every view here, so the user is never anonymous.
    return cast(User, request.user)


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "core/refused.html", {"message": error.message}, status=error.status)


# --- reviewers ------------------------------------------------------------------------------


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    assignments = selectors.assignments_of(_user(request))
    blind.label_assignments(assignments)
    return render(request, "network/reviews/my_reviews.html", {"assignments": assignments})


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    try:
        assignment = services.open_review(actor=_user(request), assignment_id=assignment_pk)
    except DomainError as error:
        return _refused(request, error)
    application = assignment.application
    criteria = list(RubricCriterion.objects.filter(call=application.call))
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    initial: dict[str, object] = {}
    if review is not None:
        initial["comment"] = review.comment
        for score in review.scores.all():
            initial[f"score_{score.criterion_id}"] = score.score
            initial[f"comment_{score.criterion_id}"] = score.comment
    form = ReviewForm(
        request.POST or None, initial=initial, call=application.call, criteria=criteria
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_review(
                actor=_user(request),
                assignment=assignment,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                criterion_comments=form.criterion_comments(),
                final=form.final,
            )
        except DomainError as error:
            # An unverified reviewer keeps the scores and comments just typed, with the way on.
            if error.status in (403, 404) and not isinstance(error, EmailNotVerified):
                return _refused(request, error)
            form.add_error(error.field if error.field in form.fields else None, error.message)
            status = error.status
        else:
            messages.success(request, _("Review submitted.") if form.final else _("Draft saved."))
            return redirect("review-edit", assignment_pk=assignment.pk)
    else:
        status = 400 if form.errors else 200
    context = {
        "assignment": assignment,
        "shown": blind.for_reviewer(application),
        "review": review,
        "form": form,
        "locked": selectors.selection_confirmed(application.call),
    }
    return render(request, "network/reviews/review_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def conflict_declare(request: HttpRequest) -> HttpResponse:
    form = ConflictForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.declare_conflict(actor=_user(request), **form.cleaned_data)
            except DomainError as error:
                if error.status == 403:
                    return _refused(request, error)
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Conflict recorded. You will not see that organisation's applications."),
                )
                return redirect("conflict-declare")
    context = {"form": form, "conflicts": selectors.conflicts_of(_user(request))}
    return render(request, "network/reviews/conflicts.html", context, status=status)


# --- conveners ------------------------------------------------------------------------------


def _call(slug: str) -> Call:
    return get_object_or_404(Call.objects.select_related("cohort"), slug=slug)


@login_required
def call_assignments(
    request: HttpRequest,
    call_slug: str,
    *,
    add_form: ManualAssignmentForm | None = None,
    conflict_form: ConvenerConflictForm | None = None,
    status: int = 200,
) -> HttpResponse:
    call = _call(call_slug)
    try:
        overview = selectors.assignment_overview(actor=_user(request), call=call)
    except DomainError as error:
        return _refused(request, error)
    progress = reviewer_progress(actor=_user(request), call=call)
    context = {
        "call": call,
        "overview": overview,
        "progress": progress,
        "due": sum(1 for p in progress if p.due_for_reminder),
        "deadline_passed": deadline_passed(call),
        "add_form": add_form or ManualAssignmentForm(call=call, prefix="add"),
        "conflict_form": conflict_form or ConvenerConflictForm(call=call, prefix="conflict"),
        "locked": selectors.selection_confirmed(call),
    }
    return render(request, "network/reviews/call_assignments.html", context, status=status)


@login_required
@require_POST
def assignments_run(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _call(call_slug)
    try:
        run = services.assign_reviewers(actor=_user(request), call=call)
    except DomainError as error:
        return _refused(request, error)
    messages.success(
        request,
        _(
            "Optimiser done: %(created)d new assignments, %(kept)d kept, %(removed)d removed; "
            "largest load %(max_load)d."
        )
        % {
            "created": run.created,
            "kept": run.kept,
            "removed": run.removed,
            "max_load": run.max_load,
        },
    )
    return redirect("call-assignments", call_slug=call.slug)


@login_required
@require_POST
def assignment_add(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _call(call_slug)
    if not is_convener(_user(request)):
        return _refused(request, NotAllowed(_("Only conveners can change reviewer assignments.")))
    form = ManualAssignmentForm(request.POST, call=call, prefix="add")
    if not form.is_valid():
        return call_assignments(request, call_slug, add_form=form, status=400)
    try:
        services.assign_manually(actor=_user(request), **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, error.message)
        return call_assignments(request, call_slug, add_form=form, status=error.status)
    messages.success(request, _("Reviewer added."))
    return redirect("call-assignments", call_slug=call.slug)


@login_required
@require_POST
def assignment_remove(request: HttpRequest, call_slug: str, assignment_pk: int) -> HttpResponse:
    call = _call(call_slug)
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("application__call", "reviewer"),
        pk=assignment_pk,
        application__call=call,
    )
    try:
        services.unassign(actor=_user(request), assignment=assignment)
    except DomainError as error:
        return _refused(request, error)
    messages.success(request, _("Reviewer removed."))
    if request.POST.get("back") == "application":
        return redirect("application-reviews", call_slug=call.slug, pk=assignment.application_id)
    return redirect("call-assignments", call_slug=call.slug)


@login_required
@require_POST
def convener_conflict_add(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _call(call_slug)
    if not is_convener(_user(request)):
        return _refused(
            request, NotAllowed(_("Only conveners can record a conflict for someone else."))
        )
    form = ConvenerConflictForm(request.POST, call=call, prefix="conflict")
    if not form.is_valid():
        return call_assignments(request, call_slug, conflict_form=form, status=400)
    try:
        services.declare_conflict(
            actor=_user(request),
            reviewer=form.cleaned_data["reviewer"],
            organisation=form.cleaned_data["application"].organisation,
            call=call,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return call_assignments(request, call_slug, conflict_form=form, status=error.status)
    messages.success(request, _("Conflict recorded; any assignment it breaks was removed."))
    return redirect("call-assignments", call_slug=call.slug)


@login_required
def call_scores(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = _call(call_slug)
    sort = request.GET.get("sort", "normalised")
    if sort not in selectors.SCORE_SORTS:
        sort = "normalised"
    try:
        rows = selectors.score_table(actor=_user(request), call=call, sort=sort)
    except DomainError as error:
        return _refused(request, error)
    context = {"call": call, "rows": rows, "sort": sort}
    return render(request, "network/reviews/call_scores.html", context)


urlpatterns = [
    path("reviews/", my_reviews, name="my-reviews"),
    path("reviews/conflicts/", conflict_declare, name="conflict-declare"),
    path("reviews/<int:assignment_pk>/", review_edit, name="review-edit"),
    path("convener/calls/<slug:call_slug>/assignments/", call_assignments, name="call-assignments"),
    path(
        "convener/calls/<slug:call_slug>/assignments/run/",
        assignments_run,
        name="call-assignments-run",
    ),
    path(
        "convener/calls/<slug:call_slug>/assignments/add/",
        assignment_add,
        name="call-assignment-add",
    ),
    path(
        "convener/calls/<slug:call_slug>/assignments/<int:assignment_pk>/remove/",
        assignment_remove,
        name="call-assignment-remove",
    ),
    path(
        "convener/calls/<slug:call_slug>/conflicts/",
        convener_conflict_add,
        name="call-conflict-add",
    ),
    path("convener/calls/<slug:call_slug>/scores/", call_scores, name="call-scores"),
    *review_steering.urlpatterns,
]
