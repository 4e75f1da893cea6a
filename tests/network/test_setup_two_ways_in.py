"""Issue 8, two ways in: an organisation that came through the call's first stage (expression
of interest, invitation, full proposal) and one the convener approached and interviewed meet
in the same selection."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from datacollab.network.models import (
    Application,
    Question,
    QuestionKind,
    QuestionStage,
    SelectionProposal,
)
from datacollab.network.selectors.selection import selection_candidates
from datacollab.network.services import applications as application_services
from datacollab.network.services import stages
from tests import factories
from tests.network.factories_applications import page_text
from tests.network.factories_reviews import assign, make_review, make_reviewer
from tests.network.test_setup_direct import approached, interview
from tests.network.test_setup_stages import eoi_draft, two_stage_call

pytestmark = pytest.mark.django_db


def test_eoi_applicant_and_directly_approached_organisation_meet_in_one_selection(
    convener, applicant
):
    call = two_stage_call(reviews_per_application=1)
    applied = eoi_draft(call, applicant)
    stages.submit_expression_of_interest(actor=applicant, application=applied)
    stages.invite_to_full_proposal(actor=convener, call=call, application_ids=[applied.pk])
    application_services.save_draft(
        actor=applicant,
        application=applied,
        title="River data",
        summary="",
        requested_amount=Decimal("15000"),
        answers={
            q.pk: (3 if q.kind == QuestionKind.NUMBER else "We steward river data.")
            for q in Question.objects.filter(call=call, stage=QuestionStage.FULL)
        },
    )
    application_services.submit_application(actor=applicant, application=applied)
    Application.objects.filter(pk=applied.pk).update(eligible=True)
    make_review(assign(applied, make_reviewer()), [4, 3])
    approach = approached(call, convener)
    interview(approach, convener)

    candidates = selection_candidates(call)

    assert sorted(row.application.pk for row in candidates) == sorted(
        [applied.pk, approach.application_id]
    )


def test_direct_page_after_the_selection_is_confirmed_offers_no_invitation(convener, login):
    # It showed the invitation form, which the service then refused (found on the demo's
    # decided calls): a page offers only the moves its service allows.
    call = factories.make_call()
    SelectionProposal.objects.create(
        call=call,
        created_by=convener,
        status=SelectionProposal.Status.CONFIRMED,
        parameters={},
        result={},
    )

    response = login(convener).get(reverse("setup-direct", args=[call.slug]))

    assert (
        "Send invitation" in page_text(response),
        "The selection for this call is confirmed; no new candidate can join it."
        in page_text(response),
    ) == (False, True)
