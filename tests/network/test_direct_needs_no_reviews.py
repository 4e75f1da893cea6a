"""A directly approached candidate is never reviewed: its interview recommendation stands in
for reviews (docs/guide/setup.md), so it counts in no review shortfall, gets no reviewer
from the optimiser or by hand, and is not "still to be assigned"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from datacollab.core.errors import DomainError
from datacollab.network.models import Application, Recommendation, ReviewAssignment
from datacollab.network.selectors.decisions import review_shortfall
from datacollab.network.selectors.reviews import assignment_overview
from datacollab.network.services import direct
from datacollab.network.services.reviews import assign_manually, assign_reviewers
from tests.factories import make_application, make_call, make_org
from tests.network.factories_applications import page_text
from tests.network.factories_reviews import make_reviewer

pytestmark = pytest.mark.django_db


def _call_with_a_direct_candidate(convener):
    call = make_call(reviews_per_application=2)
    applied = make_application(call=call)
    approach = direct.approach_organisation(
        actor=convener,
        call=call,
        organisation=make_org(name="OpenStreetMap Foundation", country="GB"),
        contact_email="board@osmfoundation.org",
    )
    direct.record_interview(
        actor=convener,
        approach=approach,
        notes="Strong on collaborative collection.",
        recommendation=Recommendation.RECOMMEND,
        title="Sustaining the map",
        requested_amount=Decimal("20000"),
    )
    return call, applied, Application.objects.get(pk=approach.application_id)


def test_assignments_page_counts_no_review_missing_for_a_direct_candidate(convener, login):
    call, _applied, _candidate = _call_with_a_direct_candidate(convener)

    overview = assignment_overview(actor=convener, call=call)
    text = page_text(login(convener).get(reverse("call-assignments", args=[call.slug])))

    assert overview.missing == 2  # the applicant's two; the interviewed candidate needs none
    assert (overview.not_reviewable, overview.direct) == (0, 1)
    assert "2 reviews are still to be assigned." in text
    assert (
        "1 organisation approached directly is not reviewed: its interview recommendation "
        "stands in." in text
    )


def test_optimiser_assigns_no_reviewer_to_a_direct_candidate(convener):
    call, applied, _candidate = _call_with_a_direct_candidate(convener)
    make_reviewer(country="KE"), make_reviewer(country="NO")

    assign_reviewers(actor=convener, call=call)

    assert set(
        ReviewAssignment.objects.filter(application__call=call).values_list(
            "application_id", flat=True
        )
    ) == {applied.pk}


def test_manual_assignment_to_a_direct_candidate_is_refused(convener):
    _call, _applied, candidate = _call_with_a_direct_candidate(convener)

    with pytest.raises(DomainError) as exc:
        assign_manually(actor=convener, application=candidate, reviewer=make_reviewer())

    assert exc.value.message == (
        "OpenStreetMap Foundation was approached directly: the interview recommendation "
        "stands in for reviews, so it gets no reviewers."
    )
    assert ReviewAssignment.objects.count() == 0


def test_review_shortfall_leaves_out_a_direct_candidate(convener):
    call, applied, _candidate = _call_with_a_direct_candidate(convener)

    assert [row.application.pk for row in review_shortfall(call)] == [applied.pk]
