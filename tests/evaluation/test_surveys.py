"""The end-of-cohort survey: composed with the call's question kinds, opened, answered once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.evaluation.models import SurveyResponse
from datacollab.evaluation.services.surveys import (
    add_survey_question,
    allowed_moves,
    answer_survey,
    create_survey,
    move_survey,
)
from tests import factories
from tests.factories_evaluation import open_survey
from tests.factories_events import current_cohort, make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return current_cohort(name="Cohort 2")


def test_survey_question_checked_like_a_call_question(convener, cohort):
    survey = create_survey(actor=convener, cohort=cohort, title="Looking back")
    with pytest.raises(DomainError) as caught:
        add_survey_question(
            actor=convener,
            survey=survey,
            values={"kind": "single_choice", "label": "Pick", "choices": ["Only one"]},
        )
    assert caught.value.field == "choices"


def test_survey_refuses_file_questions(convener, cohort):
    survey = create_survey(actor=convener, cohort=cohort, title="Looking back")
    with pytest.raises(DomainError) as caught:
        add_survey_question(actor=convener, survey=survey, values={"kind": "file", "label": "CV"})
    assert caught.value.field == "kind"


def test_survey_composed_by_conveners_only(cohort):
    participant = make_participant(cohort)
    with pytest.raises(NotAllowed):
        create_survey(actor=participant, cohort=cohort, title="Mine")


def test_survey_moves_draft_open_closed_and_refuses_the_rest(convener, cohort):
    survey = create_survey(actor=convener, cohort=cohort, title="Looking back")
    with pytest.raises(Conflict, match="at least one question"):
        move_survey(actor=convener, survey=survey, to="open")
    with pytest.raises(Conflict):
        move_survey(actor=convener, survey=survey, to="closed")
    survey = open_survey(convener, cohort)
    assert allowed_moves(survey) == ("closed",)
    with pytest.raises(Conflict):
        move_survey(actor=convener, survey=survey, to="draft")
    survey = move_survey(actor=convener, survey=survey, to="closed")
    assert allowed_moves(survey) == ()
    with pytest.raises(Conflict):
        move_survey(actor=convener, survey=survey, to="open")
    assert list(
        AuditEntry.objects.filter(action__in=["survey.open", "survey.closed"]).values_list(
            "action", flat=True
        )
    ) == ["survey.open", "survey.closed"]


def test_survey_move_page_says_a_whole_sentence_per_state(convener, cohort, login):
    survey = open_survey(convener, cohort)
    client = login(convener)

    closed = client.post(reverse("survey-move", args=[survey.pk]), {"to": "closed"}, follow=True)

    assert [str(m) for m in closed.context["messages"]] == [
        "The survey is closed: it takes no more answers."
    ]


def test_survey_pages_create_a_survey_then_add_a_question(convener, cohort, login):
    client = login(convener)

    created = client.post(reverse("cohort-feedback", args=[cohort.slug]), {"title": "Looking"})
    survey = cohort.surveys.get()
    added = client.post(
        reverse("survey-detail", args=[survey.pk]),
        {"kind": "short_text", "label": "What stayed with you?", "required": "on"},
    )

    detail = reverse("survey-detail", args=[survey.pk])
    assert (created.status_code, created["Location"]) == (302, detail)
    assert (added.status_code, added["Location"]) == (302, detail)
    assert [q.label for q in survey.questions.all()] == ["What stayed with you?"]


def test_survey_pages_answer_400_to_an_invalid_form_and_409_to_a_refusal(convener, cohort, login):
    client = login(convener)
    survey = open_survey(convener, cohort)

    empty = client.post(reverse("cohort-feedback", args=[cohort.slug]), {"title": ""})
    late = client.post(
        reverse("survey-detail", args=[survey.pk]), {"kind": "short_text", "label": "Late"}
    )

    assert (empty.status_code, late.status_code) == (400, 409)
    assert cohort.surveys.count() == 1


def test_survey_questions_fixed_once_open(convener, cohort):
    survey = open_survey(convener, cohort)
    with pytest.raises(Conflict):
        add_survey_question(
            actor=convener, survey=survey, values={"kind": "short_text", "label": "Late"}
        )


def test_survey_answered_once_by_a_participant(convener, cohort):
    survey = open_survey(convener, cohort)
    choice, text = survey.questions.all()
    ada = make_participant(cohort)
    answer_survey(actor=ada, survey=survey, answers={choice.pk: "Yes", text.pk: "Peers"})
    with pytest.raises(Conflict, match="already answered"):
        answer_survey(actor=ada, survey=survey, answers={choice.pk: "No", text.pk: ""})
    assert list(SurveyResponse.objects.values_list("answers", flat=True)) == [
        {str(choice.pk): "Yes", str(text.pk): "Peers"}
    ]


def test_survey_refuses_someone_outside_the_cohort(convener, cohort):
    survey = open_survey(convener, cohort)
    outsider = factories.make_user(roles=["participant"])
    with pytest.raises(NotAllowed):
        answer_survey(actor=outsider, survey=survey, answers={})


def test_survey_refuses_a_missing_required_answer(convener, cohort):
    survey = open_survey(convener, cohort)
    choice, text = survey.questions.all()
    with pytest.raises(DomainError) as caught:
        answer_survey(actor=make_participant(cohort), survey=survey, answers={text.pk: "x"})
    assert caught.value.field == f"q_{choice.pk}"


def test_survey_page_offers_only_the_allowed_move(convener, cohort, login):
    survey = open_survey(convener, cohort)
    page = login(convener).get(reverse("survey-detail", args=[survey.pk]))
    assert page.status_code == 200
    assert page.context["moves"] == ("closed",)
    assert b'value="open"' not in page.content


def test_survey_answer_page_saves_the_answers(convener, cohort, login):
    survey = open_survey(convener, cohort)
    choice, text = survey.questions.all()
    ada = make_participant(cohort)
    url = reverse("survey-answer", args=[survey.pk])
    response = login(ada).post(url, {f"q_{choice.pk}": "No", f"q_{text.pk}": "Contacts"})
    assert response.status_code == 302
    assert SurveyResponse.objects.get().answers == {str(choice.pk): "No", str(text.pk): "Contacts"}


def test_survey_refused_move_names_both_states_by_their_labels(convener, cohort):
    survey = create_survey(actor=convener, cohort=cohort, title="Looking back")

    with pytest.raises(Conflict) as refused:
        move_survey(actor=convener, survey=survey, to="closed")

    assert refused.value.message == "A survey that is “Draft” cannot become “Closed”."
