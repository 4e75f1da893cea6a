"""The call's builders: questions, eligibility rules, rubric. Every control is a plain form,
so ordering (up / down buttons) works without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.core.errors import DomainError
from datacollab.network.forms.setup import (
    CriterionForm,
    QuestionForm,
    RubricForm,
    ScoreScaleForm,
)
from datacollab.network.models import Call
from datacollab.network.selectors import setup as selectors
from datacollab.network.services import score_scale
from datacollab.network.services import setup_builders as services


def _page(
    request: HttpRequest,
    call: Call,
    template: str,
    form: Any,
    *,
    error: str = "",
    status: int = 200,
    scale_form: ScoreScaleForm | None = None,
) -> HttpResponse:
    page = selectors.call_setup_page(actor=request.user, call=call)
    context = {"page": page, "call": call, "form": form, "error": error}
    if template == "rubric":
        fixed = services.scored_count(call) > 0
        context["scale_fixed"] = fixed
        context["scale_form"] = scale_form or ScoreScaleForm(call=call, fixed=fixed, prefix="scale")
    return render(request, f"network/setup/{template}.html", context, status=status)


def _attempt(
    request: HttpRequest, call: Call, template: str, form: Any, action: Callable[[], Any]
) -> HttpResponse | None:
    """Run a POST's service call; None on success, else the page with the refusal."""
    try:
        action()
    except DomainError as exc:
        return _page(request, call, template, form, error=exc.message, status=exc.status)
    return None


# --- questions ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    form = QuestionForm(request.POST or None, call=call)
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, call, "questions", form, status=400)
        try:
            services.add_question(actor=request.user, call=call, values=form.values())
        except DomainError as exc:
            return _page(request, call, "questions", form, status=exc.show_on(form))
        messages.success(request, _("Question added."))
        return redirect("setup-questions", call_slug=call.slug)
    return _page(request, call, "questions", form)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    question = selectors.question_of(actor=request.user, call=call, pk=pk)
    form = QuestionForm(request.POST or None, call=call, question=question)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_question(
                    actor=request.user, question=question, values=form.values()
                )
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Question saved."))
                return redirect("setup-questions", call_slug=call.slug)
    return render(
        request,
        "network/setup/question_edit.html",
        {"call": call, "question": question, "form": form},
        status=status,
    )


@login_required
@require_POST
def question_move(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    question = selectors.question_of(actor=request.user, call=call, pk=pk)
    direction = request.POST.get("direction", "")
    refused = _attempt(
        request,
        call,
        "questions",
        QuestionForm(call=call),
        lambda: services.move_question(actor=request.user, question=question, direction=direction),
    )
    return refused or redirect("setup-questions", call_slug=call.slug)


@login_required
@require_POST
def question_delete(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    question = selectors.question_of(actor=request.user, call=call, pk=pk)
    refused = _attempt(
        request,
        call,
        "questions",
        QuestionForm(call=call),
        lambda: services.delete_question(actor=request.user, question=question),
    )
    if refused:
        return refused
    messages.success(request, _("Question deleted."))
    return redirect("setup-questions", call_slug=call.slug)


# --- eligibility ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def eligibility(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    form = CriterionForm(request.POST or None, call=call)
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, call, "eligibility", form, status=400)
        try:
            services.add_criterion(actor=request.user, call=call, **form.service_kwargs())
        except DomainError as exc:
            return _page(request, call, "eligibility", form, status=exc.show_on(form))
        messages.success(request, _("Eligibility rule added."))
        return redirect("setup-eligibility", call_slug=call.slug)
    return _page(request, call, "eligibility", form)


@login_required
@require_POST
def criterion_delete(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    criterion = selectors.criterion_of(actor=request.user, call=call, pk=pk)
    refused = _attempt(
        request,
        call,
        "eligibility",
        CriterionForm(call=call),
        lambda: services.delete_criterion(actor=request.user, criterion=criterion),
    )
    if refused:
        return refused
    messages.success(request, _("Eligibility rule removed."))
    return redirect("setup-eligibility", call_slug=call.slug)


# --- rubric ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    form = RubricForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, call, "rubric", form, status=400)
        try:
            services.add_rubric_criterion(actor=request.user, call=call, **form.cleaned_data)
        except DomainError as exc:
            return _page(request, call, "rubric", form, status=exc.show_on(form))
        messages.success(request, _("Rubric criterion added."))
        return redirect("setup-rubric", call_slug=call.slug)
    return _page(request, call, "rubric", form)


@login_required
@require_POST
def rubric_scale(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    fixed = services.scored_count(call) > 0
    form = ScoreScaleForm(request.POST, call=call, fixed=fixed, prefix="scale")
    if not form.is_valid():
        return _page(request, call, "rubric", RubricForm(), status=400, scale_form=form)
    try:
        score_scale.set_score_scale(actor=request.user, call=call, **form.cleaned_data)
    except DomainError as exc:
        status = exc.show_on(form)
        return _page(request, call, "rubric", RubricForm(), status=status, scale_form=form)
    messages.success(request, _("Score scale saved."))
    return redirect("setup-rubric", call_slug=call.slug)


@login_required
@require_http_methods(["GET", "POST"])
def rubric_edit(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    criterion = selectors.rubric_criterion_of(actor=request.user, call=call, pk=pk)
    initial = {"name": criterion.name, "description": criterion.description}
    form = RubricForm(request.POST or None, initial={**initial, "weight": criterion.weight})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_rubric_criterion(
                    actor=request.user, criterion=criterion, **form.cleaned_data
                )
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Rubric criterion saved."))
                return redirect("setup-rubric", call_slug=call.slug)
    return render(
        request,
        "network/setup/rubric_edit.html",
        {"call": call, "criterion": criterion, "form": form},
        status=status,
    )


@login_required
@require_POST
def rubric_move(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    criterion = selectors.rubric_criterion_of(actor=request.user, call=call, pk=pk)
    direction = request.POST.get("direction", "")
    refused = _attempt(
        request,
        call,
        "rubric",
        RubricForm(),
        lambda: services.move_rubric_criterion(
            actor=request.user, criterion=criterion, direction=direction
        ),
    )
    return refused or redirect("setup-rubric", call_slug=call.slug)


@login_required
@require_POST
def rubric_delete(request: HttpRequest, call_slug: str, pk: int) -> HttpResponse:
    call = selectors.call_for_setup(actor=request.user, slug=call_slug)
    criterion = selectors.rubric_criterion_of(actor=request.user, call=call, pk=pk)
    refused = _attempt(
        request,
        call,
        "rubric",
        RubricForm(),
        lambda: services.delete_rubric_criterion(actor=request.user, criterion=criterion),
    )
    if refused:
        return refused
    messages.success(request, _("Rubric criterion deleted."))
    return redirect("setup-rubric", call_slug=call.slug)


_CALL = "convener/setup/calls/<slug:call_slug>"

urlpatterns = [
    path(f"{_CALL}/questions/", questions, name="setup-questions"),
    path(f"{_CALL}/questions/<int:pk>/", question_edit, name="setup-question-edit"),
    path(f"{_CALL}/questions/<int:pk>/move/", question_move, name="setup-question-move"),
    path(f"{_CALL}/questions/<int:pk>/delete/", question_delete, name="setup-question-delete"),
    path(f"{_CALL}/eligibility/", eligibility, name="setup-eligibility"),
    path(f"{_CALL}/eligibility/<int:pk>/delete/", criterion_delete, name="setup-criterion-delete"),
    path(f"{_CALL}/rubric/", rubric, name="setup-rubric"),
    path(f"{_CALL}/rubric/scale/", rubric_scale, name="setup-rubric-scale"),
    path(f"{_CALL}/rubric/<int:pk>/", rubric_edit, name="setup-rubric-edit"),
    path(f"{_CALL}/rubric/<int:pk>/move/", rubric_move, name="setup-rubric-move"),
    path(f"{_CALL}/rubric/<int:pk>/delete/", rubric_delete, name="setup-rubric-delete"),
]
