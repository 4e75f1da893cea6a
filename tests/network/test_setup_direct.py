"""Direct approach: invite, interview, recommend -> a candidate in the same selection."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import (
    Application,
    Call,
    DirectApproach,
    Recommendation,
    SelectionProposal,
)
from datacollab.network.selectors.selection import selection_candidates
from datacollab.network.services import applications as application_services
from datacollab.network.services import direct
from datacollab.organisations.models import Membership
from tests import factories
from tests.network.factories_applications import page_errors, page_text

pytestmark = pytest.mark.django_db


def approached(call, convener, name: str = "OpenStreetMap Foundation") -> DirectApproach:
    org = factories.make_org(name=name, country="GB")
    return direct.approach_organisation(
        actor=convener, call=call, organisation=org, contact_email="board@osmfoundation.org"
    )


def interview(approach, convener, recommendation=Recommendation.STRONG, amount="20000"):
    return direct.record_interview(
        actor=convener,
        approach=approach,
        notes="Stewards a global map; wants to learn about licensing at scale.",
        recommendation=recommendation,
        title="Sustaining the map",
        requested_amount=Decimal(amount),
    )


def test_approach_creates_a_direct_draft_and_mails_the_contact(
    convener, django_capture_on_commit_callbacks
):
    call = factories.make_call()

    with django_capture_on_commit_callbacks(execute=True):
        approach = approached(call, convener)

    application = approach.application
    assert (application.source, application.status) == (
        Application.Source.DIRECT,
        Application.Status.DRAFT,
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["board@osmfoundation.org"], f"{call.title}: an invitation to talk")
    ]
    assert AuditEntry.objects.filter(action="direct_approach.invited").count() == 1


def test_approach_an_organisation_that_applied_is_refused(convener):
    call = factories.make_call()
    application = factories.make_application(call=call)

    with pytest.raises(Conflict):
        direct.approach_organisation(
            actor=convener,
            call=call,
            organisation=application.organisation,
            contact_email="x@example.org",
        )


def test_approach_by_a_reviewer_is_refused(reviewer):
    call = factories.make_call()

    with pytest.raises(NotAllowed):
        direct.approach_organisation(
            actor=reviewer,
            call=call,
            organisation=factories.make_org(),
            contact_email="x@example.org",
        )


def test_uninterviewed_approach_is_not_a_candidate(convener):
    call = factories.make_call()
    approached(call, convener)

    assert selection_candidates(call) == []


def test_interviewed_approach_joins_the_selection_with_merit_from_the_recommendation(convener):
    call = factories.make_call()
    approach = approached(call, convener)

    interview(approach, convener, Recommendation.STRONG)

    rows = selection_candidates(call)
    assert [(r.application.pk, r.merit, r.raw, r.reviews) for r in rows] == [
        (approach.application_id, 4.0, 5.0, 0)
    ]
    application = Application.objects.get(pk=approach.application_id)
    assert (application.status, application.eligible, application.requested_amount) == (
        Application.Status.SUBMITTED,
        True,
        Decimal("20000.00"),
    )


def test_not_recommended_approach_is_not_a_candidate(convener):
    call = factories.make_call()
    approach = approached(call, convener)

    interview(approach, convener, Recommendation.AGAINST)

    assert selection_candidates(call) == []


def test_interview_above_the_award_cap_is_refused(convener):
    call = factories.make_call()
    approach = approached(call, convener)

    with pytest.raises(DomainError) as exc:
        interview(approach, convener, amount="25000")

    assert exc.value.message == (
        "The amount must be above zero and at most the cap of £20,000.00 per award."
    )


def test_interview_after_a_decision_is_refused(convener):
    call = factories.make_call()
    approach = approached(call, convener)
    interview(approach, convener)
    Application.objects.filter(pk=approach.application_id).update(decision="selected")

    with pytest.raises(Conflict):
        interview(approach, convener, Recommendation.RESERVE)


def test_direct_page_invites_and_lists(convener, login):
    call = factories.make_call()
    org = factories.make_org(name="MetaBrainz")
    client = login(convener)

    response = client.post(
        reverse("setup-direct", args=[call.slug]),
        {"organisation": org.slug, "contact_email": "rob@metabrainz.org", "message": "Hello"},
    )
    listing = client.get(reverse("setup-direct", args=[call.slug]))

    assert response.status_code == 302
    assert "MetaBrainz" in listing.content.decode()


def test_interview_page_without_recommendation_is_a_400(convener, login):
    call = factories.make_call()
    approach = approached(call, convener)

    response = login(convener).post(
        reverse("setup-direct-interview", args=[call.slug, approach.pk]),
        {"title": "Map", "notes": "Good", "requested_amount": "10000"},
    )

    assert response.status_code == 400
    assert page_errors(response) == ["This field is required."]


def test_interview_page_makes_a_candidate(convener, login):
    call = factories.make_call()
    approach = approached(call, convener)

    response = login(convener).post(
        reverse("setup-direct-interview", args=[call.slug, approach.pk]),
        {
            "title": "Map",
            "notes": "Good",
            "recommendation": "recommend",
            "requested_amount": "10000",
        },
    )

    assert response.status_code == 302
    assert [r.application.pk for r in selection_candidates(call)] == [approach.application_id]


def test_member_of_an_approached_organisation_cannot_edit_the_candidacy(convener):
    call = factories.make_call()
    approach = approached(call, convener)
    interview(approach, convener)
    member = factories.make_user()
    Membership.objects.create(
        user=member, organisation=approach.application.organisation, role=Membership.Role.MEMBER
    )

    with pytest.raises(Conflict) as exc:
        application_services.save_draft(
            actor=member,
            application=approach.application,
            title="Ours",
            summary="",
            requested_amount=Decimal("1"),
            answers={},
        )

    assert exc.value.message == (
        "The convener approached your organisation directly and records this candidacy from "
        "your interview; write to the convener to change it."
    )
    assert Application.objects.get(pk=approach.application_id).title == "Sustaining the map"


def test_approach_after_the_selection_is_confirmed_is_refused(convener):
    call = factories.make_call()
    SelectionProposal.objects.create(
        call=call,
        created_by=convener,
        status=SelectionProposal.Status.CONFIRMED,
        parameters={},
        result={},
    )

    with pytest.raises(Conflict) as exc:
        approached(call, convener)

    assert exc.value.message == (
        "The selection for this call is confirmed; no new candidate can join it."
    )
    assert DirectApproach.objects.count() == 0


def test_selection_page_marks_a_direct_candidate(convener, login):
    call = factories.make_call()
    interview(approached(call, convener), convener)

    text = page_text(login(convener).get(reverse("call-selection", args=[call.slug])))

    assert "direct approach: merit from the interview" in text


def test_direct_page_query_count_does_not_grow_with_approaches(
    convener, login, django_assert_num_queries
):
    call = factories.make_call()
    for n in range(3):
        interview(approached(call, convener, name=f"Steward {n}"), convener)
    client = login(convener)
    client.get(reverse("setup-direct", args=[call.slug]))

    # 7: one of them asks whether the selection is confirmed (the form is offered only before).
    with django_assert_num_queries(7):
        client.get(reverse("setup-direct", args=[call.slug]))


def test_approach_to_a_decided_call_is_refused_even_without_a_stored_proposal(convener):
    # The demo's calls of 2021 are decided with no proposal row: nothing may join them.
    call = factories.make_call(status=Call.Status.DECIDED)

    with pytest.raises(Conflict) as exc:
        approached(call, convener)

    assert exc.value.message == (
        "The selection for this call is confirmed; no new candidate can join it."
    )
    assert DirectApproach.objects.count() == 0
