"""Question, eligibility and rubric builders: services (with refusals) and their pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import (
    Answer,
    CriterionKind,
    EligibilityCriterion,
    Question,
    QuestionKind,
    Review,
    ReviewAssignment,
    ReviewScore,
    RubricCriterion,
)
from datacollab.network.services import applications as application_services
from datacollab.network.services import setup_builders as builders
from tests import factories
from tests.network.factories_applications import draft, page_errors

pytestmark = pytest.mark.django_db


def question_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": QuestionKind.LONG_TEXT,
        "label": "What data do you steward?",
        "help_text": "",
        "required": True,
        "choices": [],
        "max_words": 300,
        "min_value": None,
        "max_value": None,
        "max_file_bytes": 5 * 1024 * 1024,
        "allowed_extensions": [],
    }
    values.update(overrides)
    return values


def labels(call) -> list[str]:
    return list(
        Question.objects.filter(call=call).order_by("position").values_list("label", flat=True)
    )


# --- questions: services --------------------------------------------------------------------


def test_add_question_appends_and_audits(convener):
    call = factories.make_call(status="draft", with_questions=False)

    question = builders.add_question(actor=convener, call=call, values=question_values())

    assert (question.position, question.max_words) == (1, 300)
    assert AuditEntry.objects.filter(action="call.question_added").count() == 1


def test_add_choice_question_without_two_options_is_refused(convener):
    call = factories.make_call(status="draft", with_questions=False)

    with pytest.raises(DomainError) as exc:
        builders.add_question(
            actor=convener,
            call=call,
            values=question_values(kind=QuestionKind.SINGLE_CHOICE, choices=["Yes"]),
        )

    assert exc.value.field == "choices"


def test_add_question_by_a_reviewer_is_refused(reviewer):
    call = factories.make_call(status="draft", with_questions=False)

    with pytest.raises(NotAllowed):
        builders.add_question(actor=reviewer, call=call, values=question_values())


def test_add_question_after_applications_started_is_refused(convener, applicant):
    call = factories.make_call()
    draft(call, applicant)

    with pytest.raises(Conflict) as exc:
        builders.add_question(actor=convener, call=call, values=question_values())

    assert exc.value.message == (
        "1 application has reached this stage, so what it asks is fixed; you can still "
        "correct the wording."
    )


def test_update_question_wording_is_allowed_after_applications_started(convener, applicant):
    call = factories.make_call()
    question = Question.objects.filter(call=call).first()
    draft(call, applicant)
    values = question_values(
        kind=question.kind,
        label="Which challenge does your collaboration address?",
        required=question.required,
        max_words=None,
        max_file_bytes=question.max_file_bytes,
    )

    builders.update_question(actor=convener, question=question, values=values)

    question.refresh_from_db()
    assert question.label == "Which challenge does your collaboration address?"


def test_update_question_kind_after_applications_started_is_refused(convener, applicant):
    call = factories.make_call()
    question = Question.objects.filter(call=call).first()
    draft(call, applicant)

    with pytest.raises(Conflict):
        builders.update_question(
            actor=convener,
            question=question,
            values=question_values(kind=QuestionKind.SHORT_TEXT, label=question.label),
        )

    question.refresh_from_db()
    assert question.kind == QuestionKind.LONG_TEXT


def test_delete_question_with_answers_is_refused_and_says_why(convener, applicant):
    call = factories.make_call()
    question = Question.objects.filter(call=call).first()
    application = draft(call, applicant)
    Answer.objects.create(application=application, question=question, value="We share.")

    with pytest.raises(Conflict) as exc:
        builders.delete_question(actor=convener, question=question)

    assert exc.value.message == (
        "1 application has answered this question; deleting it would lose that answer. "
        "Mark it optional, or reword it, instead."
    )
    assert Question.objects.filter(pk=question.pk).exists()


def test_delete_question_used_by_a_rule_is_refused(convener):
    call = factories.make_call(status="draft")
    number = Question.objects.get(call=call, kind=QuestionKind.NUMBER)
    factories.add_criterion(call, CriterionKind.ANSWER_AT_LEAST, [2], "At least 2", number)

    with pytest.raises(Conflict):
        builders.delete_question(actor=convener, question=number)

    assert EligibilityCriterion.objects.filter(call=call).count() == 1


def test_delete_question_renumbers_the_rest(convener):
    call = factories.make_call(status="draft")
    first = Question.objects.filter(call=call).order_by("position").first()

    builders.delete_question(actor=convener, question=first)

    assert list(Question.objects.filter(call=call).values_list("position", flat=True)) == [1]


def test_move_question_down_swaps_with_the_next(convener):
    call = factories.make_call(status="draft")
    first = Question.objects.filter(call=call).order_by("position").first()

    builders.move_question(actor=convener, question=first, direction="down")

    assert labels(call) == [
        "How many organisations take part?",
        "What challenge does your collaboration address?",
    ]


def test_move_first_question_up_is_refused(convener):
    call = factories.make_call(status="draft")
    first = Question.objects.filter(call=call).order_by("position").first()

    with pytest.raises(Conflict):
        builders.move_question(actor=convener, question=first, direction="up")


# --- word limits (answer validation) ---------------------------------------------------------


def test_save_draft_refuses_an_answer_over_the_word_limit(applicant):
    call = factories.make_call()
    question = Question.objects.get(call=call, kind=QuestionKind.LONG_TEXT)
    question.max_words = 3
    question.save()
    application = draft(call, applicant)

    with pytest.raises(DomainError) as exc:
        application_services.save_draft(
            actor=applicant,
            application=application,
            title="T",
            summary="",
            requested_amount=Decimal("100"),
            answers={question.pk: "one two three four"},
        )

    assert exc.value.message == (
        "“What challenge does your collaboration address?” takes at most 3 words; "
        "this answer has 4."
    )
    assert exc.value.field == f"q_{question.pk}"
    assert Answer.objects.filter(question=question).count() == 0


def test_edit_page_shows_the_word_limit_error_on_its_field(applicant, login):
    call = factories.make_call()
    question = Question.objects.get(call=call, kind=QuestionKind.LONG_TEXT)
    question.max_words = 2
    question.save()
    application = draft(call, applicant)

    response = login(applicant).post(
        reverse("application-edit", args=[application.pk]),
        {"title": "T", "requested_amount": "100", f"q_{question.pk}": "too many words here"},
    )

    assert response.status_code == 400
    assert page_errors(response) == [
        "“What challenge does your collaboration address?” takes at most 2 words; "
        "this answer has 4."
    ]


# --- eligibility rules ----------------------------------------------------------------------


def test_add_country_rule_stores_codes_and_describes_itself(convener):
    call = factories.make_call(status="draft")

    criterion = builders.add_criterion(
        actor=convener, call=call, kind=CriterionKind.COUNTRY_IN, values=["ke", "IN"]
    )

    assert (criterion.value, criterion.description) == (
        ["KE", "IN"],
        "Country is one of: Kenya, India",
    )


def test_add_rule_with_an_unknown_country_is_refused(convener):
    call = factories.make_call(status="draft")

    with pytest.raises(DomainError) as exc:
        builders.add_criterion(
            actor=convener, call=call, kind=CriterionKind.COUNTRY_IN, values=["XX"]
        )

    assert exc.value.message == "Not ISO 3166-1 country codes: XX."


def test_add_answer_rule_without_a_question_is_refused(convener):
    call = factories.make_call(status="draft")

    with pytest.raises(DomainError) as exc:
        builders.add_criterion(
            actor=convener, call=call, kind=CriterionKind.ANSWER_AT_LEAST, values=["2"]
        )

    assert exc.value.field == "question"


def test_add_rule_after_a_submission_is_refused(convener):
    call = factories.make_call()
    factories.make_application(call=call)

    with pytest.raises(Conflict):
        builders.add_criterion(
            actor=convener, call=call, kind=CriterionKind.GLOBAL_SOUTH, values=[]
        )

    assert EligibilityCriterion.objects.filter(call=call).count() == 0


# --- rubric ---------------------------------------------------------------------------------


def _scored(call, reviewer) -> None:
    application = factories.make_application(call=call)
    assignment = ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    review = Review.objects.create(assignment=assignment)
    ReviewScore.objects.create(
        review=review, criterion=RubricCriterion.objects.filter(call=call).first(), score=4
    )


def test_update_rubric_weight_after_scores_is_refused(convener, reviewer):
    call = factories.make_call()
    _scored(call, reviewer)
    criterion = RubricCriterion.objects.filter(call=call).first()

    with pytest.raises(Conflict):
        builders.update_rubric_criterion(
            actor=convener,
            criterion=criterion,
            name=criterion.name,
            description="",
            weight=Decimal("5"),
        )

    criterion.refresh_from_db()
    assert criterion.weight == Decimal("2.00")


def test_update_rubric_guidance_after_scores_is_allowed(convener, reviewer):
    call = factories.make_call()
    _scored(call, reviewer)
    criterion = RubricCriterion.objects.filter(call=call).first()

    builders.update_rubric_criterion(
        actor=convener,
        criterion=criterion,
        name=criterion.name,
        description="Who benefits, and how many?",
        weight=criterion.weight,
    )

    criterion.refresh_from_db()
    assert criterion.description == "Who benefits, and how many?"


def test_delete_rubric_criterion_after_scores_is_refused(convener, reviewer):
    call = factories.make_call()
    _scored(call, reviewer)

    with pytest.raises(Conflict):
        builders.delete_rubric_criterion(
            actor=convener, criterion=RubricCriterion.objects.filter(call=call).last()
        )

    assert RubricCriterion.objects.filter(call=call).count() == 2


def test_add_rubric_criterion_with_zero_weight_is_refused(convener):
    call = factories.make_call(status="draft", with_rubric=False)

    with pytest.raises(DomainError) as exc:
        builders.add_rubric_criterion(
            actor=convener, call=call, name="Openness", description="", weight=Decimal(0)
        )

    assert exc.value.field == "weight"


# --- pages ----------------------------------------------------------------------------------


def test_questions_page_adds_a_choice_question(convener, login):
    call = factories.make_call(status="draft", with_questions=False)

    response = login(convener).post(
        reverse("setup-questions", args=[call.slug]),
        {
            "kind": "single_choice",
            "label": "Sector",
            "required": "on",
            "choices": "Health\nTransport\n",
            "max_file_kb": "5120",
        },
    )

    assert response.status_code == 302
    question = Question.objects.get(call=call)
    assert (question.kind, question.choices, question.required) == (
        "single_choice",
        ["Health", "Transport"],
        True,
    )


def test_questions_page_move_button_reorders_without_javascript(convener, login):
    call = factories.make_call(status="draft")
    second = Question.objects.filter(call=call).order_by("position").last()

    response = login(convener).post(
        reverse("setup-question-move", args=[call.slug, second.pk]), {"direction": "up"}
    )

    assert response.status_code == 302
    assert labels(call)[0] == "How many organisations take part?"


def test_questions_page_delete_refusal_is_a_409_with_the_reason(convener, applicant, login):
    call = factories.make_call()
    question = Question.objects.filter(call=call).first()
    application = draft(call, applicant)
    Answer.objects.create(application=application, question=question, value="We share.")

    response = login(convener).post(reverse("setup-question-delete", args=[call.slug, question.pk]))

    assert response.status_code == 409
    assert page_errors(response) == [
        "1 application has answered this question; deleting it would lose that answer. "
        "Mark it optional, or reword it, instead."
    ]


def test_questions_page_for_an_applicant_is_403(applicant, login):
    call = factories.make_call(status="draft")

    response = login(applicant).get(reverse("setup-questions", args=[call.slug]))

    assert response.status_code == 403


def test_eligibility_page_adds_an_organisation_kind_rule(convener, login):
    call = factories.make_call(status="draft")

    response = login(convener).post(
        reverse("setup-eligibility", args=[call.slug]),
        {"kind": "org_kind_in", "org_kinds": ["non_profit", "research"]},
    )

    assert response.status_code == 302
    criterion = EligibilityCriterion.objects.get(call=call)
    assert criterion.value == ["non_profit", "research"]


def test_rubric_page_adds_and_moves_criteria(convener, login):
    call = factories.make_call(status="draft")
    client = login(convener)

    client.post(
        reverse("setup-rubric", args=[call.slug]),
        {"name": "Openness", "description": "Is the data open?", "weight": "1.5"},
    )
    added = RubricCriterion.objects.get(call=call, name="Openness")
    client.post(reverse("setup-rubric-move", args=[call.slug, added.pk]), {"direction": "up"})

    names = list(
        RubricCriterion.objects.filter(call=call)
        .order_by("position")
        .values_list("name", flat=True)
    )
    assert names == ["Impact", "Openness", "Feasibility"]


def test_questions_page_query_count_does_not_grow_with_questions(
    convener, login, django_assert_num_queries
):
    call = factories.make_call(status="draft")
    for n in range(3):
        builders.add_question(actor=convener, call=call, values=question_values(label=f"Q{n}"))
    client = login(convener)
    client.get(reverse("setup-questions", args=[call.slug]))

    with django_assert_num_queries(9):
        client.get(reverse("setup-questions", args=[call.slug]))


def test_question_edit_page_rewords_after_applications_started(convener, applicant, login):
    call = factories.make_call()
    question = Question.objects.get(call=call, kind=QuestionKind.NUMBER)
    draft(call, applicant)

    response = login(convener).post(
        reverse("setup-question-edit", args=[call.slug, question.pk]),
        {
            "kind": "number",
            "label": "How many organisations are partners?",
            "required": "on",
            "min_value": "2",
            "max_value": "100",
            "max_file_kb": str(question.max_file_bytes // 1024),
        },
    )

    question.refresh_from_db()
    assert (response.status_code, question.label) == (302, "How many organisations are partners?")


def test_rubric_edit_page_refuses_a_new_weight_after_scores_with_a_409(convener, reviewer, login):
    call = factories.make_call()
    _scored(call, reviewer)
    criterion = RubricCriterion.objects.filter(call=call).first()

    response = login(convener).post(
        reverse("setup-rubric-edit", args=[call.slug, criterion.pk]),
        {"name": "Impact", "weight": "3"},
    )

    assert response.status_code == 409
    assert page_errors(response) == [
        "Reviewers have given 1 score against this rubric; its criteria and weights are fixed "
        "so every application is judged alike. You can still reword a criterion."
    ]
