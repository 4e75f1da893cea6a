"""Feedback and survey pages. Each view calls one service or selector."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.errors import DomainError, NotAllowed, NotFound
from datacollab.core.form_views import submit
from datacollab.evaluation import rules, selectors
from datacollab.evaluation.forms import AnswerForm, FeedbackForm, SurveyForm, SurveyQuestionForm
from datacollab.evaluation.models import SessionFeedback, Survey, SurveyQuestion
from datacollab.evaluation.services import feedback as feedback_services
from datacollab.evaluation.services import surveys as survey_services
from datacollab.events.selectors.sessions import session_for
from datacollab.network.models import Cohort
from datacollab.organisations.models import User
from datacollab.organisations.rules import is_convener


def _me(request: HttpRequest) -> User:
    # Every view here is behind login_required.
    return cast(User, request.user)


def _require_convener(request: HttpRequest) -> None:
    if not is_convener(request.user):
        raise NotAllowed(_("Only conveners see the feedback of a cohort and compose surveys."))


@login_required
@require_safe
def feedback_home(request: HttpRequest) -> HttpResponse:
    """What the person is asked for: sessions to give feedback on, surveys to answer."""
    return render(
        request,
        "evaluation/home.html",
        {
            "sessions": selectors.sessions_awaiting_feedback(request.user, timezone.now()),
            "surveys": selectors.open_surveys_for(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_feedback(request: HttpRequest, session_slug: str) -> HttpResponse:
    session = session_for(request.user, session_slug)
    mine = SessionFeedback.objects.filter(session=session, user=_me(request)).first()
    initial = {"rating": mine.rating, "useful": mine.useful, "change": mine.change} if mine else {}
    form = FeedbackForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            feedback_services.give_feedback(
                actor=request.user, session=session, **form.cleaned_data
            )
        except DomainError as exc:
            status = exc.show_on(form)
        else:
            messages.success(request, _("Thank you: your feedback is saved."))
            return redirect("session-feedback", session.slug)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "evaluation/session_feedback.html",
        {
            "session": session,
            "form": form,
            "mine": mine,
            "attendee": rules.is_attendee(request.user, session),
            "open": rules.feedback_open(session, timezone.now()),
            "ended": session.ends_at <= timezone.now(),
            "closes_at": rules.feedback_closes_at(session),
        },
        status=status,
    )


@login_required
@require_safe
def session_results(request: HttpRequest, session_slug: str) -> HttpResponse:
    session = session_for(request.user, session_slug)
    comments = rules.can_read_comments(request.user)
    summary = selectors.session_summary(session, comments=comments)
    return render(
        request,
        "evaluation/session_results.html",
        {
            "session": session,
            "summary": summary,
            "comments": comments,
            "minimum": selectors.MIN_RESPONSES,
        },
    )


def _cohort(slug: str) -> Cohort:
    cohort = Cohort.objects.filter(slug=slug).first()
    if cohort is None:
        raise NotFound(_("There is no cohort “%(slug)s”.") % {"slug": slug})
    return cohort


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohort_feedback(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    _require_convener(request)
    cohort = _cohort(cohort_slug)
    form = SurveyForm(request.POST or None)

    def page(status: int) -> HttpResponse:
        context = {
            "cohort": cohort,
            "rows": selectors.cohort_feedback(cohort),
            "surveys": selectors.surveys_of(cohort),
            "form": form,
            "minimum": selectors.MIN_RESPONSES,
        }
        return render(request, "evaluation/cohort_feedback.html", context, status=status)

    if request.method == "POST":
        return submit(
            request,
            form,
            lambda: survey_services.create_survey(
                actor=request.user, cohort=cohort, **form.cleaned_data
            ),
            done=None,
            then=lambda survey: redirect("survey-detail", survey.pk),
            page=page,
        )
    return page(200)


def _survey(pk: int) -> Survey:
    survey = Survey.objects.select_related("cohort").filter(pk=pk).first()
    if survey is None:
        raise NotFound(_("There is no such survey."))
    return survey


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_detail(request: HttpRequest, survey_pk: int) -> HttpResponse:
    """The convener's page: questions, the form to add one, the moves allowed, the results."""
    _require_convener(request)
    survey = _survey(survey_pk)
    form = SurveyQuestionForm(request.POST or None)

    def page(status: int) -> HttpResponse:
        context = {
            "survey": survey,
            "questions": list(survey.questions.all()),
            "form": form,
            "moves": survey_services.allowed_moves(survey),
            "results": selectors.survey_results(survey, comments=True),
            "minimum": selectors.MIN_RESPONSES,
        }
        return render(request, "evaluation/survey_detail.html", context, status=status)

    if request.method == "POST":
        return submit(
            request,
            form,
            lambda: survey_services.add_survey_question(
                actor=request.user, survey=survey, values=form.values()
            ),
            done=None,
            then=lambda _question: redirect("survey-detail", survey.pk),
            page=page,
        )
    return page(200)


@login_required
@require_POST
def survey_move(request: HttpRequest, survey_pk: int) -> HttpResponse:
    survey = survey_services.move_survey(
        actor=request.user, survey=_survey(survey_pk), to=request.POST.get("to", "")
    )
    messages.success(request, _moved_message(survey.state))
    return redirect("survey-detail", survey.pk)


def _moved_message(state: str) -> str:
    """A whole sentence per state a survey can move to: a lowercased status label put into
    "The survey is now ..." cannot agree in every language."""
    if state == Survey.State.OPEN:
        return _("The survey is open: the cohort's participants can answer it.")
    if state == Survey.State.CLOSED:
        return _("The survey is closed: it takes no more answers.")
    return _("The survey is a draft.")


@login_required
@require_POST
def survey_question_delete(request: HttpRequest, survey_pk: int, question_pk: int) -> HttpResponse:
    question = SurveyQuestion.objects.filter(pk=question_pk, survey_id=survey_pk).first()
    if question is None:
        raise NotFound(_("There is no such question."))
    survey_services.delete_survey_question(actor=request.user, question=question)
    return redirect("survey-detail", survey_pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_answer(request: HttpRequest, survey_pk: int) -> HttpResponse:
    survey = _survey(survey_pk)
    if not survey_services.can_answer(request.user, survey) and not is_convener(request.user):
        raise NotFound(_("There is no such survey."))
    questions = list(survey.questions.all())
    answered = survey.responses.filter(user=_me(request)).exists()
    form = AnswerForm(request.POST or None, questions=questions)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            survey_services.answer_survey(actor=request.user, survey=survey, answers=form.answers())
        except DomainError as exc:
            status = exc.show_on(form)
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect("survey-answer", survey.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "evaluation/survey_answer.html",
        {"survey": survey, "form": form, "answered": answered},
        status=status,
    )


urlpatterns = [
    path("", feedback_home, name="feedback-home"),
    path("sessions/<slug:session_slug>/", session_feedback, name="session-feedback"),
    path("sessions/<slug:session_slug>/results/", session_results, name="session-feedback-results"),
    path("cohorts/<slug:cohort_slug>/", cohort_feedback, name="cohort-feedback"),
    path("surveys/<int:survey_pk>/", survey_detail, name="survey-detail"),
    path("surveys/<int:survey_pk>/move/", survey_move, name="survey-move"),
    path(
        "surveys/<int:survey_pk>/questions/<int:question_pk>/delete/",
        survey_question_delete,
        name="survey-question-delete",
    ),
    path("surveys/<int:survey_pk>/answer/", survey_answer, name="survey-answer"),
]
