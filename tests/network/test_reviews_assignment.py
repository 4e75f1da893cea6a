"""assign_reviewers, assign_manually and unassign: the rules and every refusal."""

from __future__ import annotations

from collections import Counter

import pytest

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import Application, ReviewAssignment, ReviewerConflict
from datacollab.network.services.reviews import (
    assign_manually,
    assign_reviewers,
    unassign,
)
from datacollab.organisations.models import Membership
from tests.factories import make_application, make_call, make_org, make_user
from tests.network.factories_reviews import assign, confirm_selection, make_review, make_reviewer


def _pairs(call) -> set[tuple[int, int]]:
    return set(
        ReviewAssignment.objects.filter(application__call=call).values_list(
            "application_id", "reviewer_id"
        )
    )


@pytest.fixture
def small_call(db):
    """Six eligible applications, four reviewers, two reviews each: 12 reviews, 3 per reviewer."""
    call = make_call(reviews_per_application=2)
    apps = [make_application(call=call) for _ in range(6)]
    reviewers = [make_reviewer(country="KE") for _ in range(4)]
    return call, apps, reviewers


def test_assign_reviewers_gives_each_application_distinct_reviewers_with_balanced_loads(
    convener, small_call
):
    call, apps, reviewers = small_call

    run = assign_reviewers(actor=convener, call=call)

    pairs = _pairs(call)
    assert Counter(a for a, _r in pairs) == {app.pk: 2 for app in apps}
    assert Counter(r for _a, r in pairs) == {r.pk: 3 for r in reviewers}
    assert (run.applications, run.reviewers, run.created, run.kept, run.max_load) == (
        6,
        4,
        12,
        0,
        3,
    )


def test_assign_reviewers_never_assigns_a_members_own_organisation(convener, small_call):
    call, apps, reviewers = small_call
    Membership.objects.create(user=reviewers[0], organisation=apps[0].organisation)

    assign_reviewers(actor=convener, call=call)

    assert (apps[0].pk, reviewers[0].pk) not in _pairs(call)
    assert len(_pairs(call)) == 12


def test_assign_reviewers_respects_declared_conflicts_for_the_call_and_for_all_calls(
    convener, small_call
):
    call, apps, reviewers = small_call
    ReviewerConflict.objects.create(
        reviewer=reviewers[1], organisation=apps[1].organisation, call=call, reason="advised"
    )
    ReviewerConflict.objects.create(
        reviewer=reviewers[2], organisation=apps[2].organisation, call=None, reason="relative"
    )

    assign_reviewers(actor=convener, call=call)

    pairs = _pairs(call)
    assert (apps[1].pk, reviewers[1].pk) not in pairs
    assert (apps[2].pk, reviewers[2].pk) not in pairs
    assert Counter(a for a, _r in pairs) == {app.pk: 2 for app in apps}


def test_assign_reviewers_ignores_ineligible_draft_and_withdrawn_applications(convener, small_call):
    call, apps, _reviewers = small_call
    ineligible = make_application(call=call, eligible=False)
    draft = make_application(call=call, submitted=False)
    withdrawn = make_application(call=call)
    Application.objects.filter(pk=withdrawn.pk).update(status=Application.Status.WITHDRAWN)

    assign_reviewers(actor=convener, call=call)

    assigned = {a for a, _r in _pairs(call)}
    assert assigned == {app.pk for app in apps}
    assert {ineligible.pk, draft.pk, withdrawn.pk} & assigned == set()


def test_assign_reviewers_rerun_keeps_existing_assignments_and_fills_gaps(convener, small_call):
    call, _apps, _reviewers = small_call
    assign_reviewers(actor=convener, call=call)
    before = set(ReviewAssignment.objects.values_list("pk", flat=True))
    newcomer = make_application(call=call)

    run = assign_reviewers(actor=convener, call=call)

    after = ReviewAssignment.objects.filter(application__call=call)
    assert before < set(after.values_list("pk", flat=True))
    assert after.filter(application=newcomer).count() == 2
    assert (run.created, run.kept, run.removed) == (2, 12, 0)
    # The two new reviews go to two of the reviewers at 3, never piling on one.
    assert sorted(Counter(r for _a, r in _pairs(call)).values()) == [3, 3, 4, 4]


def test_assign_reviewers_rerun_keeps_a_hand_made_assignment(convener, small_call):
    call, apps, reviewers = small_call
    manual = assign_manually(actor=convener, application=apps[0], reviewer=reviewers[3])

    assign_reviewers(actor=convener, call=call)

    assert ReviewAssignment.objects.filter(pk=manual.pk).exists()
    assert ReviewAssignment.objects.filter(application=apps[0]).count() == 2


def test_assign_reviewers_removes_unsubmitted_assignments_of_withdrawn_applications(
    convener, small_call
):
    call, apps, _reviewers = small_call
    assign_reviewers(actor=convener, call=call)
    Application.objects.filter(pk=apps[0].pk).update(status=Application.Status.WITHDRAWN)

    run = assign_reviewers(actor=convener, call=call)

    assert ReviewAssignment.objects.filter(application=apps[0]).count() == 0
    assert run.removed == 2


def test_assign_reviewers_prefers_reviewers_from_another_country(convener):
    call = make_call(reviews_per_application=2)
    app = make_application(call=call, organisation=make_org(country="GB"))
    make_reviewer(country="GB")
    make_reviewer(country="GB")
    abroad = {make_reviewer(country="KE").pk, make_reviewer(country="BR").pk}

    assign_reviewers(actor=convener, call=call)

    assert {r for _a, r in _pairs(call)} == abroad
    assert app.assignments.count() == 2


def test_assign_reviewers_with_a_given_list_uses_only_those_reviewers(convener, small_call):
    call, _apps, reviewers = small_call

    run = assign_reviewers(actor=convener, call=call, reviewers=reviewers[:2])

    assert {r for _a, r in _pairs(call)} == {reviewers[0].pk, reviewers[1].pk}
    assert run.max_load == 6


def test_assign_reviewers_refuses_people_without_the_reviewer_role(convener, small_call):
    call, _apps, reviewers = small_call
    outsider = make_user(display_name="Olu Outsider")

    with pytest.raises(DomainError) as refused:
        assign_reviewers(actor=convener, call=call, reviewers=[reviewers[0], outsider])

    assert refused.value.message == "These people do not hold the reviewer role: Olu Outsider."


def test_assign_reviewers_infeasible_names_the_short_application(convener):
    call = make_call(reviews_per_application=2)
    first, _second = make_reviewer(), make_reviewer()
    org = make_org(name="Lagos Transit Data", members=[first])
    make_application(call=call, organisation=org, title="Bus data")
    make_application(call=call)

    with pytest.raises(DomainError) as refused:
        assign_reviewers(actor=convener, call=call)

    assert refused.value.message == (
        "Each application needs 2 reviewers without a conflict; these have fewer: “Bus data” "
        "(Lagos Transit Data): 1. Add reviewers or lower the reviewers per application."
    )
    assert ReviewAssignment.objects.count() == 0


def test_assign_reviewers_without_applications_is_refused(convener):
    call = make_call(title="Empty call")
    make_reviewer()

    with pytest.raises(DomainError) as refused:
        assign_reviewers(actor=convener, call=call)

    assert (
        refused.value.message
        == "“Empty call” has no submitted, eligible applications to review yet."
    )


def test_assign_reviewers_by_a_non_convener_is_refused(reviewer, small_call):
    call, _apps, _reviewers = small_call

    with pytest.raises(NotAllowed):
        assign_reviewers(actor=reviewer, call=call)


def test_assign_reviewers_after_selection_is_confirmed_is_refused(convener, small_call):
    call, _apps, _reviewers = small_call
    confirm_selection(call, convener)

    with pytest.raises(Conflict):
        assign_reviewers(actor=convener, call=call)


def test_assign_reviewers_writes_the_audit_log_with_counts(convener, small_call):
    call, _apps, _reviewers = small_call

    assign_reviewers(actor=convener, call=call)

    entry = AuditEntry.objects.get(action="reviews.assignment_run")
    assert (entry.object_id, entry.actor_id) == (str(call.pk), convener.pk)
    assert {k: entry.details[k] for k in ("applications", "reviewers", "created", "kept")} == {
        "applications": 6,
        "reviewers": 4,
        "created": 12,
        "kept": 0,
    }


# --- by hand --------------------------------------------------------------------------------


def test_assign_manually_adds_an_assignment_marked_by_hand(convener, small_call):
    _call, apps, reviewers = small_call

    assignment = assign_manually(actor=convener, application=apps[0], reviewer=reviewers[0])

    assert assignment.source == ReviewAssignment.Source.MANUAL
    assert AuditEntry.objects.filter(action="reviews.assigned_manually").count() == 1


def test_assign_manually_of_a_member_is_refused_as_conflict(convener, small_call):
    _call, apps, _reviewers = small_call
    member = make_reviewer(name="Ada Member")
    Membership.objects.create(user=member, organisation=apps[0].organisation)

    with pytest.raises(Conflict) as refused:
        assign_manually(actor=convener, application=apps[0], reviewer=member)

    assert refused.value.message == (
        f"Ada Member is a member of {apps[0].organisation.name}, so they cannot review its "
        "application."
    )


def test_assign_manually_with_a_declared_conflict_is_refused(convener, small_call):
    call, apps, reviewers = small_call
    ReviewerConflict.objects.create(
        reviewer=reviewers[0], organisation=apps[0].organisation, call=call, reason="advised"
    )

    with pytest.raises(Conflict) as refused:
        assign_manually(actor=convener, application=apps[0], reviewer=reviewers[0])

    assert refused.value.status == 409
    assert refused.value.message == (
        f"{reviewers[0]} declared a conflict of interest with {apps[0].organisation.name}, so "
        "they cannot review its application."
    )


def test_assign_manually_twice_is_refused(convener, small_call):
    _call, apps, reviewers = small_call
    assign(apps[0], reviewers[0])

    with pytest.raises(Conflict) as refused:
        assign_manually(actor=convener, application=apps[0], reviewer=reviewers[0])

    assert refused.value.message == f"{reviewers[0]} already reviews “{apps[0].title}”."


def test_assign_manually_to_an_ineligible_application_is_refused(convener, small_call):
    call, _apps, reviewers = small_call
    ineligible = make_application(call=call, eligible=False, title="Too big")

    with pytest.raises(DomainError) as refused:
        assign_manually(actor=convener, application=ineligible, reviewer=reviewers[0])

    assert refused.value.status == 400
    assert refused.value.message == (
        "Only submitted, eligible applications get reviewers; “Too big” is not one."
    )


def test_assign_manually_of_a_non_reviewer_is_refused(convener, small_call):
    _call, apps, _reviewers = small_call
    person = make_user(display_name="Pat Person")

    with pytest.raises(DomainError) as refused:
        assign_manually(actor=convener, application=apps[0], reviewer=person)

    assert refused.value.message == "Pat Person does not hold the reviewer role: grant it first."


def test_assign_manually_by_a_reviewer_is_refused(reviewer, small_call):
    _call, apps, reviewers = small_call

    with pytest.raises(NotAllowed):
        assign_manually(actor=reviewer, application=apps[0], reviewer=reviewers[0])


def test_unassign_removes_the_assignment_and_its_draft(convener, small_call):
    _call, apps, reviewers = small_call
    assignment = assign(apps[0], reviewers[0])
    make_review(assignment, [3, 3], submitted=False)

    unassign(actor=convener, assignment=assignment)

    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists() is False
    entry = AuditEntry.objects.get(action="reviews.unassigned")
    assert entry.details["had_draft"] is True


def test_unassign_of_a_submitted_review_is_refused(convener, small_call):
    _call, apps, reviewers = small_call
    assignment = assign(apps[0], reviewers[0])
    make_review(assignment, [4, 4])

    with pytest.raises(Conflict) as refused:
        unassign(actor=convener, assignment=assignment)

    assert refused.value.message == (
        f"{reviewers[0]} already submitted this review; a submitted review stays part of the "
        "record."
    )
