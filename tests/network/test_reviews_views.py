"""Reviewer pages: my-reviews, review-edit, conflict-declare."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import (
    Answer,
    Question,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    RubricCriterion,
)
from datacollab.organisations.models import Membership
from tests.factories import make_application, make_call, make_org
from tests.network.factories_reviews import assign, confirm_selection, make_review, make_reviewer


@pytest.fixture
def setup(db):
    call = make_call()
    app = make_application(
        call=call, organisation=make_org(name="Quito Air Quality"), title="Open air sensors"
    )
    question = Question.objects.filter(call=call).first()
    Answer.objects.create(application=app, question=question, value="Asthma rates in schools")
    person = make_reviewer(name="Rita Reviewer")
    impact, feasibility = RubricCriterion.objects.filter(call=call)
    return call, app, person, assign(app, person), impact, feasibility


def _scores(impact, feasibility, a, b, action="submit") -> dict[str, str]:
    return {
        f"score_{impact.pk}": a,
        f"score_{feasibility.pk}": b,
        "comment": "ok",
        "action": action,
    }


# --- my-reviews -----------------------------------------------------------------------------


def test_my_reviews_lists_assignments_with_their_status(setup, login):
    call, _app, person, assignment, _impact, _feasibility = setup
    other = assign(make_application(call=call, title="Bike lanes"), person)
    make_review(other, [4, 2])

    response = login(person).get(reverse("my-reviews"))

    assert response.status_code == 200
    rows = [(a.pk, a.state) for a in response.context["assignments"]]
    assert sorted(rows) == sorted([(assignment.pk, "not_started"), (other.pk, "submitted")])
    assert "Open air sensors" in response.content.decode()


def _my_reviews_queries(login, person, count: int) -> int:
    for _ in range(count):
        make_review(assign(make_application(call=make_call()), person), [3, 4])
        make_review(assign(make_application(call=make_call()), person), [3, 4], submitted=False)
    client = login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("my-reviews")).status_code == 200
    return len(queries)


def test_my_reviews_query_count_does_not_grow_with_rows(db, login):
    few, many = make_reviewer(), make_reviewer()

    assert _my_reviews_queries(login, few, 2) == _my_reviews_queries(login, many, 6)


# --- review-edit ----------------------------------------------------------------------------


def test_review_edit_shows_the_answers_and_the_rubric(setup, login):
    _call, _app, person, assignment, impact, _feasibility = setup

    response = login(person).get(reverse("review-edit", args=[assignment.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Asthma rates in schools" in page
    assert f'name="score_{impact.pk}" value="5"' in page


def test_review_edit_submits_the_review(setup, login):
    _call, _app, person, assignment, impact, feasibility = setup

    response = login(person).post(
        reverse("review-edit", args=[assignment.pk]), _scores(impact, feasibility, "5", "2")
    )

    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.weighted_score == Decimal("4.000")
    assert review.submitted_at is not None


def test_review_edit_saves_a_partial_draft(setup, login):
    _call, _app, person, assignment, impact, feasibility = setup

    response = login(person).post(
        reverse("review-edit", args=[assignment.pk]),
        _scores(impact, feasibility, "3", "", action="draft"),
    )

    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert (review.submitted_at, list(review.scores.values_list("score", flat=True))) == (None, [3])


def test_review_edit_with_an_out_of_range_score_is_400_with_the_message(setup, login):
    _call, _app, person, assignment, impact, feasibility = setup

    response = login(person).post(
        reverse("review-edit", args=[assignment.pk]), _scores(impact, feasibility, "7", "3")
    )

    assert response.status_code == 400
    assert "Scores run from 1 to 5; “Impact” got 7." in response.content.decode()
    assert Review.objects.count() == 0


def test_review_edit_with_a_non_number_score_is_400(setup, login):
    _call, _app, person, assignment, impact, feasibility = setup

    response = login(person).post(
        reverse("review-edit", args=[assignment.pk]), _scores(impact, feasibility, "lots", "3")
    )

    assert response.status_code == 400
    assert "Select a valid choice. lots is not one of the available choices." in (
        response.content.decode()
    )


def test_review_edit_submitting_with_a_missing_score_is_400_with_the_message(setup, login):
    _call, _app, person, assignment, impact, feasibility = setup

    response = login(person).post(
        reverse("review-edit", args=[assignment.pk]), _scores(impact, feasibility, "4", "")
    )

    assert response.status_code == 400
    assert "Score every criterion before submitting; missing: Feasibility." in (
        response.content.decode()
    )


def test_review_edit_after_selection_is_confirmed_is_409(setup, login, convener):
    call, _app, person, assignment, impact, feasibility = setup
    confirm_selection(call, convener)

    response = login(person).post(
        reverse("review-edit", args=[assignment.pk]), _scores(impact, feasibility, "4", "4")
    )

    assert response.status_code == 409
    assert "its reviews and assignments can no longer change." in response.content.decode()


def test_review_edit_by_a_member_of_the_applicant_is_403(setup, login):
    _call, app, person, assignment, _impact, _feasibility = setup
    Membership.objects.create(user=person, organisation=app.organisation)

    response = login(person).get(reverse("review-edit", args=[assignment.pk]))

    page = response.content.decode()
    assert response.status_code == 403
    assert "You are a member of Quito Air Quality, so you cannot open its application." in page
    assert "Asthma rates in schools" not in page


def test_review_edit_with_a_conflict_recorded_after_assignment_is_403(setup, login):
    call, app, person, assignment, impact, feasibility = setup
    ReviewerConflict.objects.create(
        reviewer=person, organisation=app.organisation, call=call, reason="tie"
    )
    client = login(person)

    shown = client.get(reverse("review-edit", args=[assignment.pk]))
    posted = client.post(
        reverse("review-edit", args=[assignment.pk]), _scores(impact, feasibility, "4", "4")
    )

    message = "You declared a conflict of interest with Quito Air Quality"
    assert (shown.status_code, posted.status_code) == (403, 403)
    assert message in shown.content.decode()
    assert message in posted.content.decode()
    assert "Asthma rates in schools" not in shown.content.decode()


def test_review_edit_after_declaring_a_conflict_is_gone(setup, login):
    _call, _app, person, assignment, _impact, _feasibility = setup
    client = login(person)
    client.post(
        reverse("conflict-declare"),
        {
            "organisation": assignment.application.organisation_id,
            "call": "",
            "reason": "tie",
        },
    )

    response = client.get(reverse("review-edit", args=[assignment.pk]))

    assert response.status_code == 404
    assert "There is no such review assignment; it may have been removed." in (
        response.content.decode()
    )


def test_review_edit_by_a_reviewer_not_assigned_is_403(setup, login):
    _call, _app, _person, assignment, _impact, _feasibility = setup

    response = login(make_reviewer()).get(reverse("review-edit", args=[assignment.pk]))

    assert response.status_code == 403
    assert "This review is assigned to someone else." in response.content.decode()
    assert "Asthma rates in schools" not in response.content.decode()


def test_review_edit_of_a_missing_assignment_is_404(setup, login):
    _call, _app, person, _assignment, _impact, _feasibility = setup

    response = login(person).get(reverse("review-edit", args=[999_999]))

    assert response.status_code == 404


def test_review_edit_when_logged_out_redirects_to_login(setup, client):
    _call, _app, _person, assignment, _impact, _feasibility = setup

    response = client.get(reverse("review-edit", args=[assignment.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- conflict-declare -----------------------------------------------------------------------


def test_conflict_declare_records_the_conflict_and_removes_the_assignment(setup, login):
    call, app, person, assignment, _impact, _feasibility = setup

    response = login(person).post(
        reverse("conflict-declare"),
        {
            "organisation": app.organisation_id,
            "call": call.pk,
            "reason": "I advised them",
        },
    )

    assert response.status_code == 302
    conflict = ReviewerConflict.objects.get(reviewer=person)
    assert (conflict.organisation_id, conflict.call_id, conflict.reason) == (
        app.organisation_id,
        call.pk,
        "I advised them",
    )
    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists() is False


def test_conflict_declare_lists_my_conflicts(setup, login):
    _call, app, person, _assignment, _impact, _feasibility = setup
    ReviewerConflict.objects.create(reviewer=person, organisation=app.organisation, reason="tie")

    response = login(person).get(reverse("conflict-declare"))

    assert response.status_code == 200
    assert [c.organisation for c in response.context["conflicts"]] == [app.organisation]


def test_conflict_declare_without_a_reason_is_400(setup, login):
    _call, app, person, _assignment, _impact, _feasibility = setup

    response = login(person).post(
        reverse("conflict-declare"), {"organisation": app.organisation_id, "reason": ""}
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert ReviewerConflict.objects.count() == 0


def test_conflict_declare_twice_is_409_with_the_message(setup, login):
    _call, app, person, _assignment, _impact, _feasibility = setup
    client = login(person)
    data = {"organisation": app.organisation_id, "reason": "tie"}
    client.post(reverse("conflict-declare"), data)

    response = client.post(reverse("conflict-declare"), data)

    assert response.status_code == 409
    assert "A conflict with Quito Air Quality is already recorded for every call." in (
        response.content.decode()
    )


def test_conflict_declare_by_a_non_reviewer_is_403(setup, login, applicant):
    _call, app, _person, _assignment, _impact, _feasibility = setup

    response = login(applicant).post(
        reverse("conflict-declare"), {"organisation": app.organisation_id, "reason": "tie"}
    )

    assert response.status_code == 403
    assert "Only reviewers declare conflicts of interest." in response.content.decode()
