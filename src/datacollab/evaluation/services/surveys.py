"""The end-of-cohort survey and its life: draft -> open -> closed, nothing else.

Questions are composed only while the survey is a draft (so everyone answers the same
questions); participants of the cohort answer once while it is open. The question kinds, their
checks and their form fields are the call's (network.services.setup_builders.clean_question,
network.forms.applications.question_field).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.evaluation.models import Survey, SurveyQuestion, SurveyResponse
from datacollab.network.models import Cohort, QuestionKind
from datacollab.network.selectors.participation import cohort_ids_of
from datacollab.network.services.setup import require_convener
from datacollab.network.services.setup_builders import clean_question
from datacollab.network.services.stages import check_word_limits

QUESTION_FIELDS = (
    "kind",
    "label",
    "help_text",
    "required",
    "choices",
    "max_length",
    "max_words",
    "min_value",
    "max_value",
)
# Every move the survey's life allows: from state -> to states.
MOVES = {
    Survey.State.DRAFT: (Survey.State.OPEN,),
    Survey.State.OPEN: (Survey.State.CLOSED,),
    Survey.State.CLOSED: (),
}


def allowed_moves(survey: Survey) -> tuple[str, ...]:
    return tuple(str(state) for state in MOVES[Survey.State(survey.state)])


@transaction.atomic
def create_survey(*, actor: Any, cohort: Cohort, title: str, introduction: str = "") -> Survey:
    require_convener(actor)
    if not title.strip():
        raise DomainError(_("Give the survey a title."), field="title")
    survey = Survey.objects.create(
        cohort=cohort, title=title.strip(), introduction=introduction.strip()
    )
    audit.record(action="survey.created", actor=actor, obj=survey, details={"cohort": cohort.slug})
    return survey


def _refuse_unless_draft(survey: Survey) -> None:
    if survey.state != Survey.State.DRAFT:
        raise Conflict(
            _("The survey has been opened: its questions are fixed so everyone answers the same.")
        )


@transaction.atomic
def add_survey_question(*, actor: Any, survey: Survey, values: dict[str, Any]) -> SurveyQuestion:
    require_convener(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _refuse_unless_draft(survey)
    if values.get("kind") == QuestionKind.FILE:
        raise DomainError(_("A survey does not take files."), field="kind")
    clean = clean_question(values)
    last = SurveyQuestion.objects.filter(survey=survey).aggregate(m=Max("position"))["m"] or 0
    question = SurveyQuestion.objects.create(
        survey=survey,
        position=last + 1,
        **{name: clean[name] for name in QUESTION_FIELDS if name in clean},
    )
    audit.record(
        action="survey.question_added",
        actor=actor,
        obj=survey,
        details={"question": question.label, "kind": question.kind},
    )
    return question


@transaction.atomic
def delete_survey_question(*, actor: Any, question: SurveyQuestion) -> None:
    require_convener(actor)
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _refuse_unless_draft(survey)
    audit.record(
        action="survey.question_deleted",
        actor=actor,
        obj=survey,
        details={"question": question.label},
    )
    question.delete()


@transaction.atomic
def move_survey(*, actor: Any, survey: Survey, to: str) -> Survey:
    """Open or close the survey: only the moves in MOVES."""
    require_convener(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if to not in allowed_moves(survey):
        raise Conflict(
            # Labels in quotes, never the raw state word: each language keeps its grammar.
            _("A survey that is “%(state)s” cannot become “%(to)s”.")
            % {
                "state": survey.get_state_display(),
                "to": dict(Survey.State.choices).get(to, to),
            }
        )
    if to == Survey.State.OPEN and not survey.questions.exists():
        raise Conflict(_("Add at least one question before opening the survey."))
    before = survey.state
    survey.state = to
    if to == Survey.State.OPEN:
        survey.opened_at = timezone.now()
    else:
        survey.closed_at = timezone.now()
    survey.save(update_fields=["state", "opened_at", "closed_at"])
    audit.record(action=f"survey.{to}", actor=actor, obj=survey, details={"from": before})
    return survey


def can_answer(user: Any, survey: Survey) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and survey.cohort_id in cohort_ids_of(
        user
    )


@transaction.atomic
def answer_survey(*, actor: Any, survey: Survey, answers: dict[int, Any]) -> SurveyResponse:
    """The actor's answers, once. `answers` maps question ids to cleaned values."""
    if not can_answer(actor, survey):
        raise NotAllowed(_("Only participants of this cohort answer its survey."))
    if survey.state != Survey.State.OPEN:
        raise Conflict(_("This survey is not open."))
    questions = list(survey.questions.all())
    for question in questions:
        value = answers.get(question.pk)
        if question.required and value in (None, "", []):
            raise DomainError(_("Answer this question."), field=f"q_{question.pk}")
    check_word_limits(questions, answers)  # type: ignore[arg-type]
    stored = {str(q.pk): answers.get(q.pk) for q in questions}
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, user=actor, answers=stored)
    except IntegrityError:
        raise Conflict(_("You have already answered this survey.")) from None
    audit.record(action="survey.answered", actor=actor, obj=survey, details={})
    return response
