"""Reads for the convener's set-up pages: cohorts, calls, and what a call still lacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.network.models import (
    Answer,
    Application,
    Call,
    Cohort,
    EligibilityCriterion,
    ExpressionOfInterest,
    Network,
    Question,
    QuestionKind,
    QuestionStage,
    RubricCriterion,
)
from datacollab.network.selectors.applications import format_in_zone
from datacollab.organisations.rules import is_convener


def require_convener(actor: Any) -> None:
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can set up cohorts and calls."))


def current_network() -> Network | None:
    return Network.objects.order_by("id").first()


def setup_cohorts(*, actor: Any) -> QuerySet[Cohort]:
    require_convener(actor)
    return Cohort.objects.annotate(n_calls=Count("calls")).order_by("-starts_on", "id")


def setup_calls(*, actor: Any) -> QuerySet[Call]:
    require_convener(actor)
    return (
        Call.objects.select_related("cohort")
        .annotate(
            n_questions=Count("questions", distinct=True),
            n_rubric=Count("rubric", distinct=True),
        )
        .order_by("-deadline", "id")
    )


def cohort_for_convener(*, actor: Any, slug: str) -> Cohort:
    require_convener(actor)
    cohort = Cohort.objects.filter(slug=slug).first()
    if cohort is None:
        raise NotFound(_("There is no cohort “%(slug)s”.") % {"slug": slug})
    return cohort


def call_for_setup(*, actor: Any, slug: str) -> Call:
    require_convener(actor)
    call = Call.objects.select_related("cohort").filter(slug=slug).first()
    if call is None:
        raise NotFound(_("There is no call “%(slug)s”.") % {"slug": slug})
    return call


def question_of(*, actor: Any, call: Call, pk: int) -> Question:
    require_convener(actor)
    question = Question.objects.select_related("call").filter(pk=pk, call=call).first()
    if question is None:
        raise NotFound(_("There is no such question in this call."))
    return question


def criterion_of(*, actor: Any, call: Call, pk: int) -> EligibilityCriterion:
    require_convener(actor)
    criterion = EligibilityCriterion.objects.select_related("call").filter(pk=pk, call=call).first()
    if criterion is None:
        raise NotFound(_("There is no such eligibility rule in this call."))
    return criterion


def rubric_criterion_of(*, actor: Any, call: Call, pk: int) -> RubricCriterion:
    require_convener(actor)
    criterion = RubricCriterion.objects.select_related("call").filter(pk=pk, call=call).first()
    if criterion is None:
        raise NotFound(_("There is no such rubric criterion in this call."))
    return criterion


def problems_before_opening(call: Call, now: datetime | None = None) -> list[str]:
    """What stops this call from opening, in words; empty when it is ready.

    The call's open move (services/call_lifecycle.open_call) refuses while this is not empty."""
    now = now or timezone.now()
    problems: list[str] = []
    questions = list(Question.objects.filter(call=call))
    if not questions:
        problems.append(_("Add at least one question."))
    if call.eoi_deadline is not None and not any(q.stage == QuestionStage.EOI for q in questions):
        problems.append(_("A two-stage call needs at least one expression-of-interest question."))
    for question in questions:
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) and (
            len(question.choices or []) < 2
        ):
            problems.append(_("“%(q)s” needs at least two options.") % {"q": question.label})
    if not RubricCriterion.objects.filter(call=call).exists():
        problems.append(_("Add at least one rubric criterion for reviewers."))
    if call.deadline <= now:
        problems.append(
            _("The deadline, %(deadline)s, has passed.")
            % {"deadline": format_in_zone(call.deadline, call.timezone)}
        )
    return problems


@dataclass
class CallSetupPage:
    call: Call
    questions: list[Question]
    criteria: list[EligibilityCriterion]
    rubric: list[RubricCriterion]
    problems: list[str]
    opens: str
    deadline: str
    eoi_deadline: str
    review_deadline: str


def call_setup_page(*, actor: Any, call: Call) -> CallSetupPage:
    require_convener(actor)
    return CallSetupPage(
        call=call,
        questions=list(
            Question.objects.filter(call=call)
            .annotate(n_answers=Count("answers"))
            .order_by("position", "id")
        ),
        criteria=list(
            EligibilityCriterion.objects.filter(call=call).select_related("question").order_by("id")
        ),
        rubric=list(RubricCriterion.objects.filter(call=call).order_by("position", "id")),
        problems=problems_before_opening(call),
        opens=format_in_zone(call.opens_at, call.timezone),
        deadline=format_in_zone(call.deadline, call.timezone),
        eoi_deadline=format_in_zone(call.eoi_deadline, call.timezone) if call.eoi_deadline else "",
        review_deadline=(
            format_in_zone(call.review_deadline, call.timezone) if call.review_deadline else ""
        ),
    )


# --- expressions of interest ------------------------------------------------------------------


@dataclass
class EoiRow:
    application: Application
    eoi: ExpressionOfInterest
    answers: list[tuple[str, Any]]


def eoi_rows(*, actor: Any, call: Call) -> list[EoiRow]:
    """Every submitted expression of interest with its EOI-stage answers, oldest first."""
    require_convener(actor)
    questions = list(
        Question.objects.filter(call=call, stage=QuestionStage.EOI).order_by("position", "id")
    )
    eois = list(
        ExpressionOfInterest.objects.filter(application__call=call)
        .select_related("application__organisation")
        .order_by("submitted_at", "id")
    )
    # One query for every answer, not one per expression of interest.
    stored: dict[tuple[int, int], Any] = {
        (app, qid): value
        for app, qid, value in Answer.objects.filter(
            application__call=call, question__stage=QuestionStage.EOI
        ).values_list("application_id", "question_id", "value")
    }
    return [
        EoiRow(
            application=eoi.application,
            eoi=eoi,
            answers=[(q.label, stored.get((eoi.application_id, q.pk))) for q in questions],
        )
        for eoi in eois
    ]
