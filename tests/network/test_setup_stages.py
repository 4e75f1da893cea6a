"""Two-stage calls: expression of interest -> invitation (mail) -> full proposal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError
from datacollab.core.models import AuditEntry
from datacollab.network.models import (
    Answer,
    Application,
    ExpressionOfInterest,
    Question,
    QuestionKind,
    QuestionStage,
)
from datacollab.network.selectors.applications import format_in_zone
from datacollab.network.services import applications as application_services
from datacollab.network.services import setup_builders, stages
from tests import factories
from tests.network.factories_applications import draft, page_errors, page_text

pytestmark = pytest.mark.django_db


def two_stage_call(**fields):
    now = timezone.now()
    call = factories.make_call(eoi_deadline=now + timedelta(days=3), **fields)
    Question.objects.create(
        call=call,
        position=0,
        kind=QuestionKind.LONG_TEXT,
        label="In a paragraph: what would you bring?",
        stage=QuestionStage.EOI,
        max_words=100,
    )
    return call


def eoi_draft(call, user) -> Application:
    application = draft(call, user, title="River data")
    eoi_question = Question.objects.get(call=call, stage=QuestionStage.EOI)
    Answer.objects.create(application=application, question=eoi_question, value="Sensors.")
    return application


def test_questions_for_an_eoi_stage_application_are_only_the_eoi_ones(applicant):
    call = two_stage_call()
    application = draft(call, applicant)

    assert [q.label for q in stages.questions_for(application)] == [
        "In a paragraph: what would you bring?"
    ]


def test_full_submission_in_the_eoi_stage_is_refused(applicant):
    call = two_stage_call()
    application = eoi_draft(call, applicant)

    with pytest.raises(Conflict) as exc:
        application_services.submit_application(actor=applicant, application=application)

    assert exc.value.message == (
        "This call starts with an expression of interest. Submit that first; the full "
        "proposal opens if the convener invites you to it."
    )


def test_submit_eoi_records_it_and_keeps_the_application_a_draft(applicant):
    call = two_stage_call()
    application = eoi_draft(call, applicant)

    eoi = stages.submit_expression_of_interest(actor=applicant, application=application)

    application.refresh_from_db()
    assert (eoi.status, application.status) == (
        ExpressionOfInterest.Status.SUBMITTED,
        Application.Status.DRAFT,
    )
    assert AuditEntry.objects.filter(action="application.eoi_submitted").count() == 1


def test_submit_eoi_without_its_required_answer_is_refused(applicant):
    call = two_stage_call()
    application = draft(call, applicant, title="River data")

    with pytest.raises(DomainError) as exc:
        stages.submit_expression_of_interest(actor=applicant, application=application)

    assert exc.value.message == (
        "Answer every required question first. Missing: In a paragraph: what would you bring?."
    )


def test_submit_eoi_after_eois_close_is_refused(applicant):
    call = two_stage_call()
    application = eoi_draft(call, applicant)

    with pytest.raises(Conflict):
        stages.submit_expression_of_interest(
            actor=applicant, application=application, now=call.eoi_deadline
        )


def test_start_after_eois_close_is_refused(applicant):
    call = two_stage_call()
    org = factories.make_org(members=[applicant])

    with pytest.raises(Conflict):
        application_services.start_application(
            actor=applicant, call=call, organisation=org, now=call.eoi_deadline + timedelta(hours=1)
        )


def test_invite_eoi_mails_the_members_and_opens_the_full_proposal(
    convener, applicant, django_capture_on_commit_callbacks
):
    call = two_stage_call()
    application = eoi_draft(call, applicant)
    stages.submit_expression_of_interest(actor=applicant, application=application)

    with django_capture_on_commit_callbacks(execute=True):
        n = stages.invite_to_full_proposal(
            actor=convener, call=call, application_ids=[application.pk]
        )

    assert n == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["applicant@example.org"], f"{call.title}: you are invited to send a full proposal")
    ]
    assert len(stages.questions_for(application)) == 3
    assert AuditEntry.objects.filter(action="application.eoi_invited").count() == 1


def test_invite_an_application_without_eoi_is_refused(convener, applicant):
    call = two_stage_call()
    application = eoi_draft(call, applicant)

    with pytest.raises(DomainError):
        stages.invite_to_full_proposal(actor=convener, call=call, application_ids=[application.pk])

    assert mail.outbox == []


def test_invited_application_submits_the_full_proposal(convener, applicant):
    call = two_stage_call()
    application = eoi_draft(call, applicant)
    stages.submit_expression_of_interest(actor=applicant, application=application)
    stages.invite_to_full_proposal(actor=convener, call=call, application_ids=[application.pk])
    full = {
        q.pk: (3 if q.kind == QuestionKind.NUMBER else "We steward river data.")
        for q in Question.objects.filter(call=call, stage=QuestionStage.FULL)
    }
    application_services.save_draft(
        actor=applicant,
        application=application,
        title="River data",
        summary="",
        requested_amount=Decimal("15000"),
        answers=full,
    )

    submitted = application_services.submit_application(actor=applicant, application=application)

    assert submitted.status == Application.Status.SUBMITTED


def test_eoi_stage_edit_ignores_full_stage_answers(applicant):
    call = two_stage_call()
    application = eoi_draft(call, applicant)
    full_question = Question.objects.filter(call=call, stage=QuestionStage.FULL).first()

    application_services.save_draft(
        actor=applicant,
        application=application,
        title="River data",
        summary="",
        requested_amount=Decimal("100"),
        answers={full_question.pk: "Not asked yet."},
    )

    assert Answer.objects.filter(question=full_question).count() == 0


def test_full_stage_questions_stay_editable_until_an_eoi_is_invited(convener, applicant):
    call = two_stage_call()
    eoi_draft(call, applicant)
    values = {
        "kind": QuestionKind.SHORT_TEXT,
        "label": "Your licence",
        "help_text": "",
        "required": True,
        "stage": QuestionStage.FULL,
        "choices": [],
        "max_words": None,
        "min_value": None,
        "max_value": None,
        "max_file_bytes": 1024,
        "allowed_extensions": [],
    }

    question = setup_builders.add_question(actor=convener, call=call, values=values)

    assert question.stage == QuestionStage.FULL


# --- pages ----------------------------------------------------------------------------------


def test_application_page_offers_the_eoi_submit_button(applicant, login):
    call = two_stage_call()
    application = eoi_draft(call, applicant)

    response = login(applicant).get(reverse("application-detail", args=[application.pk]))

    body = response.content.decode()
    assert reverse("application-eoi-submit", args=[application.pk]) in body
    assert reverse("application-submit", args=[application.pk]) not in body


def test_eoi_submit_page_then_convener_invites_from_the_list(
    convener, applicant, login, django_capture_on_commit_callbacks
):
    call = two_stage_call()
    application = eoi_draft(call, applicant)
    login(applicant).post(reverse("application-eoi-submit", args=[application.pk]))

    with django_capture_on_commit_callbacks(execute=True):
        response = login(convener).post(
            reverse("setup-eois", args=[call.slug]), {"application": [str(application.pk)]}
        )

    assert response.status_code == 302
    assert ExpressionOfInterest.objects.get(application=application).status == "invited"
    assert len(mail.outbox) == 1


def test_eois_page_invite_nothing_is_a_400(convener, login):
    call = two_stage_call()

    response = login(convener).post(reverse("setup-eois", args=[call.slug]), {})

    assert response.status_code == 400
    assert page_errors(response) == ["Choose at least one expression of interest to invite."]


def test_eois_page_query_count_does_not_grow_with_eois(convener, login, django_assert_num_queries):
    call = two_stage_call()
    for _ in range(3):
        user = factories.make_user()
        stages.submit_expression_of_interest(actor=user, application=eoi_draft(call, user))
    client = login(convener)
    client.get(reverse("setup-eois", args=[call.slug]))  # warm the session and role caches

    with django_assert_num_queries(7):
        client.get(reverse("setup-eois", args=[call.slug]))


def test_public_call_page_names_when_expressions_of_interest_close(client):
    call = two_stage_call(timezone="Africa/Nairobi")
    expected = format_in_zone(call.eoi_deadline, "Africa/Nairobi")

    text = page_text(client.get(reverse("call-detail", args=[call.slug])))

    assert f"Expressions of interest close {expected}" in text


def test_invite_a_withdrawn_eoi_is_refused(convener, applicant):
    call = two_stage_call()
    application = eoi_draft(call, applicant)
    stages.submit_expression_of_interest(actor=applicant, application=application)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)

    with pytest.raises(Conflict):
        stages.invite_to_full_proposal(actor=convener, call=call, application_ids=[application.pk])

    assert ExpressionOfInterest.objects.get(application=application).status == "submitted"


def test_edit_page_in_the_eoi_stage_asks_only_the_eoi_question(applicant, login):
    call = two_stage_call()
    application = eoi_draft(call, applicant)
    eoi_question = Question.objects.get(call=call, stage=QuestionStage.EOI)
    full_question = Question.objects.filter(call=call, stage=QuestionStage.FULL).first()

    body = login(applicant).get(reverse("application-edit", args=[application.pk])).content.decode()

    assert (f'name="q_{eoi_question.pk}"' in body, f'name="q_{full_question.pk}"' in body) == (
        True,
        False,
    )
    assert "This call starts with a short expression of interest" in body
