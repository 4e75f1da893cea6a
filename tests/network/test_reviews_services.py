"""Conflicts and reviews: declare_conflict, open_review, submit_review."""

from __future__ import annotations

from decimal import Decimal

import pytest

from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.models import AuditEntry
from datacollab.network.models import (
    Application,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    RubricCriterion,
)
from datacollab.network.services.reviews import declare_conflict, open_review, submit_review
from datacollab.organisations.models import Membership
from tests.factories import make_application, make_call, make_org, make_user
from tests.network.factories_reviews import assign, confirm_selection, make_review, make_reviewer


@pytest.fixture
def setup(db):
    """A call with rubric Impact (weight 2) and Feasibility (weight 1), one assignment."""
    call = make_call()
    app = make_application(call=call, organisation=make_org(name="Nairobi Water Data"))
    person = make_reviewer(name="Rita Reviewer")
    impact, feasibility = RubricCriterion.objects.filter(call=call)
    return call, app, person, assign(app, person), impact, feasibility


# --- conflicts ------------------------------------------------------------------------------


def test_declare_conflict_removes_the_assignment_and_its_unsubmitted_review(setup):
    call, app, person, assignment, _impact, _feasibility = setup
    make_review(assignment, [3, 3], submitted=False)

    conflict = declare_conflict(
        actor=person, organisation=app.organisation, call=call, reason="I advised them"
    )

    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists() is False
    assert Review.objects.count() == 0
    entry = AuditEntry.objects.get(action="reviews.conflict_declared")
    assert (entry.object_id, entry.details["removed_assignments"]) == (
        str(conflict.pk),
        [{"application": app.pk, "submitted": False, "weighted_score": None}],
    )


def test_declare_conflict_for_one_call_leaves_other_calls_alone(setup):
    _call, app, person, assignment, _impact, _feasibility = setup
    other_call = make_call()
    other = assign(make_application(call=other_call, organisation=app.organisation), person)

    declare_conflict(actor=person, organisation=app.organisation, call=other_call, reason="tie")

    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists() is True
    assert ReviewAssignment.objects.filter(pk=other.pk).exists() is False


def test_declare_conflict_for_every_call_removes_assignments_in_all_calls(setup):
    _call, app, person, assignment, _impact, _feasibility = setup
    other = assign(make_application(call=make_call(), organisation=app.organisation), person)

    declare_conflict(actor=person, organisation=app.organisation, reason="my sister works there")

    assert ReviewAssignment.objects.filter(pk__in=[assignment.pk, other.pk]).count() == 0


def test_declare_conflict_keeps_assignments_of_a_confirmed_selection(setup, convener):
    call, app, person, assignment, _impact, _feasibility = setup
    make_review(assignment, [4, 4])
    confirm_selection(call, convener)

    declare_conflict(actor=person, organisation=app.organisation, reason="joined their board")

    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists() is True


def test_declare_conflict_twice_is_refused(setup):
    call, app, person, _assignment, _impact, _feasibility = setup
    declare_conflict(actor=person, organisation=app.organisation, call=call, reason="tie")

    with pytest.raises(Conflict) as refused:
        declare_conflict(actor=person, organisation=app.organisation, call=call, reason="tie")

    assert refused.value.message == (
        "A conflict with Nairobi Water Data is already recorded for this call."
    )


def test_declare_conflict_for_a_call_when_one_covers_every_call_is_refused(setup):
    call, app, person, _assignment, _impact, _feasibility = setup
    declare_conflict(actor=person, organisation=app.organisation, reason="tie")

    with pytest.raises(Conflict) as refused:
        declare_conflict(actor=person, organisation=app.organisation, call=call, reason="tie")

    assert refused.value.message == (
        "A conflict with Nairobi Water Data is already recorded for every call."
    )


def test_declare_conflict_without_a_reason_is_refused(setup):
    _call, app, person, _assignment, _impact, _feasibility = setup

    with pytest.raises(DomainError) as refused:
        declare_conflict(actor=person, organisation=app.organisation, reason="  ")

    assert (refused.value.field, refused.value.message) == (
        "reason",
        "Say briefly why there is a conflict.",
    )


def test_declare_conflict_by_someone_without_the_reviewer_role_is_refused(setup):
    _call, app, _person, _assignment, _impact, _feasibility = setup

    with pytest.raises(NotAllowed) as refused:
        declare_conflict(actor=make_user(), organisation=app.organisation, reason="tie")

    assert refused.value.message == "Only reviewers declare conflicts of interest."


def test_declare_conflict_for_someone_else_by_a_reviewer_is_refused(setup):
    _call, app, person, _assignment, _impact, _feasibility = setup

    with pytest.raises(NotAllowed) as refused:
        declare_conflict(
            actor=make_reviewer(), reviewer=person, organisation=app.organisation, reason="tie"
        )

    assert refused.value.message == "Only conveners can record a conflict for someone else."


def test_declare_conflict_for_a_reviewer_by_a_convener_is_recorded(setup, convener):
    _call, app, person, assignment, _impact, _feasibility = setup

    conflict = declare_conflict(
        actor=convener, reviewer=person, organisation=app.organisation, reason="reported"
    )

    assert (conflict.reviewer, conflict.call) == (person, None)
    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists() is False


# --- opening --------------------------------------------------------------------------------


def test_open_review_by_the_assigned_reviewer_is_logged(setup):
    _call, app, person, assignment, _impact, _feasibility = setup

    opened = open_review(actor=person, assignment_id=assignment.pk)

    assert opened == assignment
    entry = AuditEntry.objects.get(action="reviews.application_opened")
    assert (entry.actor_id, entry.object_id) == (person.pk, str(app.pk))


def test_open_review_by_someone_not_assigned_is_refused(setup):
    _call, _app, _person, assignment, _impact, _feasibility = setup

    with pytest.raises(NotAllowed) as refused:
        open_review(actor=make_reviewer(), assignment_id=assignment.pk)

    assert refused.value.message == "This review is assigned to someone else."


def test_open_review_of_a_missing_assignment_is_not_found(setup):
    _call, _app, person, _assignment, _impact, _feasibility = setup

    with pytest.raises(NotFound):
        open_review(actor=person, assignment_id=999_999)


def test_open_review_after_joining_the_applicant_is_refused(setup):
    _call, app, person, assignment, _impact, _feasibility = setup
    Membership.objects.create(user=person, organisation=app.organisation)

    with pytest.raises(NotAllowed) as refused:
        open_review(actor=person, assignment_id=assignment.pk)

    assert refused.value.message == (
        "You are a member of Nairobi Water Data, so you cannot open its application."
    )


def test_open_review_with_a_conflict_recorded_after_assignment_is_refused(setup):
    call, app, person, assignment, _impact, _feasibility = setup
    # As the Django admin would record it: the row alone, the assignment untouched.
    ReviewerConflict.objects.create(
        reviewer=person, organisation=app.organisation, call=call, reason="tie"
    )

    with pytest.raises(NotAllowed) as refused:
        open_review(actor=person, assignment_id=assignment.pk)

    assert refused.value.message == (
        "You declared a conflict of interest with Nairobi Water Data, so you cannot open its "
        "application. If it was recorded in error, ask a convener."
    )
    assert AuditEntry.objects.filter(action="reviews.application_opened").count() == 0


# --- submitting -----------------------------------------------------------------------------


def test_submit_review_stores_the_weighted_mean_and_submission_time(setup):
    _call, _app, person, assignment, impact, feasibility = setup

    review = submit_review(
        actor=person,
        assignment=assignment,
        scores={impact.pk: 4, feasibility.pk: 3},
        comment=" Solid plan. ",
        criterion_comments={impact.pk: "clear need"},
    )

    # (2 * 4 + 1 * 3) / 3 = 3.667
    assert (review.weighted_score, review.comment) == (Decimal("3.667"), "Solid plan.")
    assert review.submitted_at is not None
    assert {s.criterion_id: (s.score, s.comment) for s in review.scores.all()} == {
        impact.pk: (4, "clear need"),
        feasibility.pk: (3, ""),
    }
    assert AuditEntry.objects.get(action="reviews.submitted").details["weighted_score"] == "3.667"


def test_submit_review_with_a_score_out_of_range_is_refused(setup):
    _call, _app, person, assignment, impact, feasibility = setup

    with pytest.raises(DomainError) as refused:
        submit_review(
            actor=person,
            assignment=assignment,
            scores={impact.pk: 6, feasibility.pk: 3},
            comment="",
        )

    assert (refused.value.status, refused.value.field, refused.value.message) == (
        400,
        f"score_{impact.pk}",
        "Scores run from 1 to 5; “Impact” got 6.",
    )
    assert Review.objects.count() == 0


def test_submit_review_with_zero_is_refused(setup):
    _call, _app, person, assignment, impact, feasibility = setup

    with pytest.raises(DomainError) as refused:
        submit_review(
            actor=person,
            assignment=assignment,
            scores={impact.pk: 4, feasibility.pk: 0},
            comment="",
        )

    assert refused.value.message == "Scores run from 1 to 5; “Feasibility” got 0."


def test_submit_review_with_a_missing_criterion_is_refused(setup):
    _call, _app, person, assignment, impact, _feasibility = setup

    with pytest.raises(DomainError) as refused:
        submit_review(actor=person, assignment=assignment, scores={impact.pk: 4}, comment="")

    assert refused.value.message == "Score every criterion before submitting; missing: Feasibility."


def test_submit_review_with_a_criterion_of_another_call_is_refused(setup):
    _call, _app, person, assignment, impact, feasibility = setup
    foreign = RubricCriterion.objects.filter(call=make_call()).first()

    with pytest.raises(DomainError) as refused:
        submit_review(
            actor=person,
            assignment=assignment,
            scores={impact.pk: 4, feasibility.pk: 4, foreign.pk: 4},
            comment="",
        )

    assert refused.value.message == (
        "Scores were given for criteria that are not in this call's rubric."
    )


def test_submit_review_as_draft_keeps_partial_scores_unsubmitted(setup):
    _call, _app, person, assignment, impact, _feasibility = setup

    review = submit_review(
        actor=person, assignment=assignment, scores={impact.pk: 2}, comment="half", final=False
    )

    assert (review.submitted_at, review.weighted_score) == (None, None)
    assert list(review.scores.values_list("score", flat=True)) == [2]
    assert AuditEntry.objects.filter(action="reviews.submitted").count() == 0


def test_submit_review_again_before_selection_replaces_the_scores(setup):
    _call, _app, person, assignment, impact, feasibility = setup
    submit_review(
        actor=person, assignment=assignment, scores={impact.pk: 1, feasibility.pk: 1}, comment=""
    )

    review = submit_review(
        actor=person,
        assignment=assignment,
        scores={impact.pk: 5, feasibility.pk: 2},
        comment="rethought",
    )

    assert review.weighted_score == Decimal("4.000")
    assert Review.objects.count() == 1
    assert sorted(review.scores.values_list("score", flat=True)) == [2, 5]


def test_submit_review_as_draft_after_submitting_is_refused(setup):
    _call, _app, person, assignment, impact, feasibility = setup
    submit_review(
        actor=person, assignment=assignment, scores={impact.pk: 3, feasibility.pk: 3}, comment=""
    )

    with pytest.raises(Conflict) as refused:
        submit_review(actor=person, assignment=assignment, scores={}, comment="", final=False)

    assert refused.value.message == (
        "This review is already submitted: submit your changes instead of saving a draft."
    )


def test_submit_review_after_selection_is_confirmed_is_refused(setup, convener):
    call, _app, person, assignment, impact, feasibility = setup
    submit_review(
        actor=person, assignment=assignment, scores={impact.pk: 3, feasibility.pk: 3}, comment=""
    )
    confirm_selection(call, convener)

    with pytest.raises(Conflict) as refused:
        submit_review(
            actor=person,
            assignment=assignment,
            scores={impact.pk: 5, feasibility.pk: 5},
            comment="",
        )

    assert refused.value.message == (
        f"The selection for “{call.title}” is confirmed: its reviews and assignments can no "
        "longer change."
    )


def test_submit_review_by_someone_else_is_refused(setup):
    _call, _app, _person, assignment, impact, feasibility = setup

    with pytest.raises(NotAllowed):
        submit_review(
            actor=make_reviewer(),
            assignment=assignment,
            scores={impact.pk: 3, feasibility.pk: 3},
            comment="",
        )


def test_submit_review_with_a_conflict_is_refused(setup):
    _call, app, person, assignment, impact, feasibility = setup
    Membership.objects.create(user=person, organisation=app.organisation)

    with pytest.raises(NotAllowed):
        submit_review(
            actor=person,
            assignment=assignment,
            scores={impact.pk: 3, feasibility.pk: 3},
            comment="",
        )


def test_submit_review_of_a_withdrawn_application_is_refused(setup):
    _call, app, person, assignment, impact, feasibility = setup
    Application.objects.filter(pk=app.pk).update(status=Application.Status.WITHDRAWN)

    with pytest.raises(Conflict) as refused:
        submit_review(
            actor=person,
            assignment=assignment,
            scores={impact.pk: 3, feasibility.pk: 3},
            comment="",
        )

    assert refused.value.message == (
        "This application was withdrawn or found ineligible: it is no longer reviewed."
    )
