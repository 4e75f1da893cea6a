from __future__ import annotations

from decimal import Decimal

import pytest

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import (
    Application,
    Award,
    CohortMembership,
    OutgoingMail,
    SelectionProposal,
)
from datacollab.network.selectors.selection import merit_from_normalised, selection_candidates
from datacollab.network.services.selection import confirm_selection, propose_selection
from tests.network.factories_selection import GS_SPECS, scored_call

pytestmark = pytest.mark.django_db


def _ids(apps, *names):
    by_name = {a.organisation.name: a.pk for a in apps}
    return [by_name[n] for n in names]


def test_merit_from_normalised_shifts_by_three_and_clips_at_zero():
    assert [merit_from_normalised(z) for z in (-4.0, -3.0, 0.0, 1.25)] == [0.0, 0.0, 3.0, 4.25]


def test_propose_selection_without_constraints_is_top_n(convener):
    call, apps = scored_call(GS_SPECS)

    proposal = propose_selection(actor=convener, call=call)

    assert proposal.result["selected"] == _ids(apps, "Alpha Data", "Beta Data")
    assert proposal.result["greedy"] == _ids(apps, "Alpha Data", "Beta Data")
    assert proposal.result["added"] == []
    assert proposal.result["displaced"] == []
    assert proposal.status == SelectionProposal.Status.PROPOSED
    assert proposal.parameters["capacity"] == 2
    assert proposal.parameters["budget"] == "40000.00"


def test_propose_selection_global_south_share_replaces_a_higher_score(convener):
    call, apps = scored_call(GS_SPECS)
    kenya, beta = _ids(apps, "Kenya Commons", "Beta Data")

    proposal = propose_selection(actor=convener, call=call, min_global_south_share=0.5)

    result = proposal.result
    assert result["status"] == "optimal"
    assert result["selected"] == _ids(apps, "Alpha Data", "Kenya Commons")
    assert result["greedy"] == _ids(apps, "Alpha Data", "Beta Data")
    assert result["added"] == [kenya]
    assert result["displaced"] == [beta]
    assert result["reasons"][str(kenya)] == (
        "in: needed for the Global South minimum (rank 3 by merit)"
    )
    assert result["reasons"][str(beta)] == (
        "out: rank 2 by merit, replaced to meet the Global South minimum of 50%"
    )
    assert [b["name"] for b in result["binding"]] == ["capacity", "budget", "global_south"]
    assert result["objective"] < result["greedy_objective"]


def test_propose_selection_forced_in_and_out(convener):
    call, apps = scored_call(GS_SPECS)
    alpha, delta = _ids(apps, "Alpha Data", "Delta Data")

    proposal = propose_selection(actor=convener, call=call, forced_in=[delta], forced_out=[alpha])

    assert proposal.result["selected"] == _ids(apps, "Beta Data", "Delta Data")
    assert proposal.parameters["forced_in"] == [delta]
    assert proposal.parameters["forced_out"] == [alpha]
    assert proposal.result["reasons"][str(alpha)] == (
        "out: rank 1 by merit, excluded by the convener"
    )


def test_propose_selection_never_proposes_ineligible_or_unreviewed(convener):
    specs = [
        {"name": "Ineligible Top", "score": 5, "eligible": False},
        {"name": "Unreviewed", "reviewed": False},
        {"name": "Draft", "score": 5, "submitted": False},
        {"name": "Good", "score": 3},
        {"name": "Fine", "score": 2},
    ]
    call, apps = scored_call(specs, capacity=5, budget="100000.00")

    proposal = propose_selection(actor=convener, call=call)

    assert proposal.result["selected"] == _ids(apps, "Good", "Fine")
    assert [c["id"] for c in proposal.result["candidates"]] == _ids(apps, "Good", "Fine")


def test_propose_selection_ineligible_cannot_be_forced_in(convener):
    call, apps = scored_call(
        [{"name": "Ineligible", "score": 5, "eligible": False}, {"name": "Good", "score": 3}]
    )

    with pytest.raises(DomainError) as exc:
        propose_selection(actor=convener, call=call, forced_in=[apps[0].pk])

    assert exc.value.message == (
        "Only submitted, eligible and reviewed applications can be forced in or out; "
        f"not so for #{apps[0].pk}."
    )


def test_propose_selection_room_excludes_members_and_awards(convener):
    call, apps = scored_call(GS_SPECS, capacity=3, budget="60000.00")
    other = apps[3].organisation
    CohortMembership.objects.create(cohort=call.cohort, organisation=other)
    Award.objects.create(
        cohort=call.cohort,
        organisation=other,
        identifier="x-1",
        title="Earlier",
        amount=Decimal("20000.00"),
        currency="GBP",
        awarded_on="2027-01-01",
        awarded_by=convener,
    )

    proposal = propose_selection(actor=convener, call=call)

    assert proposal.parameters["capacity"] == 2
    assert proposal.parameters["budget"] == "40000.00"


def test_propose_selection_infeasible_explains(convener):
    call, _apps = scored_call(GS_SPECS)

    proposal = propose_selection(actor=convener, call=call, kind_min={"company": 1})

    assert proposal.result["status"] == "infeasible"
    assert proposal.result["selected"] == []
    assert proposal.result["infeasible_reason"].startswith(
        "No cohort meets all the constraints. Only 0 applications are of kind company"
    )


def test_propose_selection_supersedes_older_proposals(convener):
    call, _apps = scored_call(GS_SPECS)
    first = propose_selection(actor=convener, call=call)

    second = propose_selection(actor=convener, call=call, min_global_south_share=0.5)

    first.refresh_from_db()
    assert first.status == SelectionProposal.Status.SUPERSEDED
    assert second.status == SelectionProposal.Status.PROPOSED


def test_propose_selection_refuses_bad_parameters(convener):
    call, _apps = scored_call(GS_SPECS)

    with pytest.raises(DomainError) as exc:
        propose_selection(actor=convener, call=call, min_global_south_share=1.5)

    assert exc.value.message == "The Global South share must be between 0% and 100%."


def test_propose_selection_refuses_non_convener(applicant):
    call, _apps = scored_call(GS_SPECS)

    with pytest.raises(NotAllowed):
        propose_selection(actor=applicant, call=call)

    assert SelectionProposal.objects.count() == 0


def test_confirm_selection_records_decisions_members_audit_and_drafts(convener):
    specs = [*GS_SPECS, {"name": "Ineligible", "score": 5, "eligible": False}]
    call, apps = scored_call(specs)
    proposal = propose_selection(actor=convener, call=call, min_global_south_share=0.5)

    confirm_selection(actor=convener, proposal=proposal)

    decisions = dict(
        Application.objects.filter(call=call).values_list("organisation__name", "decision")
    )
    assert decisions == {
        "Alpha Data": "selected",
        "Kenya Commons": "selected",
        "Beta Data": "not_selected",
        "Delta Data": "not_selected",
        "Ineligible": "not_selected",
    }
    members = set(
        CohortMembership.objects.filter(cohort=call.cohort).values_list(
            "organisation__name", flat=True
        )
    )
    assert members == {"Alpha Data", "Kenya Commons"}
    proposal.refresh_from_db()
    assert proposal.status == SelectionProposal.Status.CONFIRMED
    assert proposal.confirmed_by == convener
    entry = AuditEntry.objects.get(action="selection.confirmed")
    assert entry.actor_id == convener.pk
    assert entry.details["selected"] == _ids(apps, "Alpha Data", "Kenya Commons")
    assert entry.details["parameters"] == proposal.parameters
    assert entry.details["objective"] == proposal.result["objective"]
    assert [b["name"] for b in entry.details["binding"]] == ["capacity", "budget", "global_south"]
    assert OutgoingMail.objects.filter(status="draft").count() == 5


def test_confirm_selection_twice_is_refused(convener):
    call, _apps = scored_call(GS_SPECS)
    proposal = propose_selection(actor=convener, call=call)
    confirm_selection(actor=convener, proposal=proposal)

    with pytest.raises(Conflict) as exc:
        confirm_selection(actor=convener, proposal=proposal)

    assert exc.value.message == (
        "This selection is already confirmed; it cannot be confirmed twice."
    )
    assert AuditEntry.objects.filter(action="selection.confirmed").count() == 1


def test_confirm_selection_superseded_is_refused(convener):
    call, _apps = scored_call(GS_SPECS)
    old = propose_selection(actor=convener, call=call)
    propose_selection(actor=convener, call=call, min_global_south_share=0.5)

    with pytest.raises(Conflict) as exc:
        confirm_selection(actor=convener, proposal=old)

    assert exc.value.status == 409
    assert exc.value.message == (
        "A newer proposal replaced this one. Review the latest proposal and confirm that one "
        "instead."
    )


def test_confirm_selection_infeasible_is_refused(convener):
    call, _apps = scored_call(GS_SPECS)
    proposal = propose_selection(actor=convener, call=call, kind_min={"company": 1})

    with pytest.raises(DomainError) as exc:
        confirm_selection(actor=convener, proposal=proposal)

    assert exc.value.status == 400
    assert Application.objects.filter(call=call, decision="pending").count() == 4


def test_confirm_selection_withdrawn_since_is_refused(convener):
    call, apps = scored_call(GS_SPECS)
    proposal = propose_selection(actor=convener, call=call)
    Application.objects.filter(pk=apps[0].pk).update(status=Application.Status.WITHDRAWN)

    with pytest.raises(Conflict):
        confirm_selection(actor=convener, proposal=proposal)

    assert CohortMembership.objects.count() == 0


def test_propose_selection_after_confirmation_is_refused(convener):
    call, _apps = scored_call(GS_SPECS)
    confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))

    with pytest.raises(Conflict) as exc:
        propose_selection(actor=convener, call=call)

    assert exc.value.message == (
        "The selection for this call is already confirmed; it cannot be re-run."
    )


def test_confirm_selection_refuses_non_convener(convener, reviewer):
    call, _apps = scored_call(GS_SPECS)
    proposal = propose_selection(actor=convener, call=call)

    with pytest.raises(NotAllowed):
        confirm_selection(actor=reviewer, proposal=proposal)

    proposal.refresh_from_db()
    assert proposal.status == SelectionProposal.Status.PROPOSED


def test_selection_candidates_rank_by_merit(convener):
    call, apps = scored_call(GS_SPECS)

    rows = selection_candidates(call)

    assert [(r.rank, r.application.pk, r.raw) for r in rows] == [
        (1, apps[0].pk, 5.0),
        (2, apps[1].pk, 4.0),
        (3, apps[2].pk, 3.0),
        (4, apps[3].pk, 2.0),
    ]
    assert rows[0].merit == merit_from_normalised(rows[0].normalised)
