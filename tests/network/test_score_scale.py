"""The rubric's score scale, set per call: the builder, the review's checks, the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import Call, Recommendation, ReviewScore, RubricCriterion
from datacollab.network.selectors.direct import direct_merit
from datacollab.network.services.reviews import submit_review
from datacollab.network.services.score_scale import set_score_scale
from tests.factories import make_application, make_call, make_org
from tests.network.factories_applications import page_errors, page_text
from tests.network.factories_reviews import assign, make_review, make_reviewer
from tests.network.test_setup_direct import approached, interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten(db):
    """A 0..10 call with rubric Impact (weight 2) and Feasibility (weight 1), one assignment."""
    call = make_call(score_min=0, score_max=10, score_min_label="poor", score_max_label="superb")
    app = make_application(call=call, organisation=make_org(name="Lagos Mobility Data"))
    person = make_reviewer(name="Rita Reviewer")
    impact, feasibility = RubricCriterion.objects.filter(call=call)
    return call, app, person, assign(app, person), impact, feasibility


# --- setting the scale ----------------------------------------------------------------------


def test_new_call_scale_is_one_to_five(db):
    call = make_call()

    assert (call.score_min, call.score_max, list(call.score_choices)) == (1, 5, [1, 2, 3, 4, 5])


def test_set_score_scale_saves_and_audits(convener):
    call = make_call(status="draft")

    set_score_scale(
        actor=convener, call=call, score_min=0, score_max=10, min_label="poor", max_label="top"
    )

    call.refresh_from_db()
    assert (call.score_min, call.score_max, call.score_min_label, call.score_max_label) == (
        0,
        10,
        "poor",
        "top",
    )
    entry = AuditEntry.objects.get(action="call.score_scale_changed")
    assert (entry.details["score_min"], entry.details["score_max"]) == ([1, 0], [5, 10])


@pytest.mark.parametrize(
    ("low", "high", "field"), [(5, 5, "score_max"), (6, 3, "score_max"), (0, 11, "score_max")]
)
def test_set_score_scale_outside_the_bounds_is_refused(convener, low, high, field):
    call = make_call(status="draft")

    with pytest.raises(DomainError) as refused:
        set_score_scale(actor=convener, call=call, score_min=low, score_max=high)

    assert refused.value.field == field
    call.refresh_from_db()
    assert (call.score_min, call.score_max) == (1, 5)


def test_set_score_scale_by_a_reviewer_is_refused(reviewer):
    call = make_call(status="draft")

    with pytest.raises(NotAllowed):
        set_score_scale(actor=reviewer, call=call, score_min=0, score_max=10)


def test_set_score_scale_after_the_first_score_is_refused(convener):
    call = make_call()
    make_review(assign(make_application(call=call), make_reviewer()), [4, 3], submitted=False)

    with pytest.raises(Conflict) as refused:
        set_score_scale(actor=convener, call=call, score_min=0, score_max=10)

    assert refused.value.message == (
        "Reviewers have given 2 scores on the scale from 1 to 5; it is fixed so every "
        "application is judged alike. You can still change the labels of its ends."
    )
    call.refresh_from_db()
    assert (call.score_min, call.score_max) == (1, 5)


def test_set_score_scale_labels_after_the_first_score_are_allowed(convener):
    call = make_call()
    make_review(assign(make_application(call=call), make_reviewer()), [4, 3])

    set_score_scale(
        actor=convener, call=call, score_min=1, score_max=5, min_label="weak", max_label="great"
    )

    call.refresh_from_db()
    assert (call.score_min_label, call.score_max_label) == ("weak", "great")


def test_call_scale_database_check_refuses_min_not_below_max(db):
    call = make_call()

    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(score_min=5, score_max=5)


def test_review_score_database_check_refuses_eleven(ten):
    _call, _app, _person, assignment, impact, _feasibility = ten
    review = make_review(assignment, [10, 0])

    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewScore.objects.filter(review=review, criterion=impact).update(score=11)


# --- the builder page -----------------------------------------------------------------------


def test_rubric_page_sets_the_scale(convener, login):
    call = make_call(status="draft")

    response = login(convener).post(
        reverse("setup-rubric-scale", args=[call.slug]),
        {
            "scale-score_min": "0",
            "scale-score_max": "10",
            "scale-min_label": "poor",
            "scale-max_label": "excellent",
        },
    )

    call.refresh_from_db()
    assert response.status_code == 302
    assert (call.score_min, call.score_max, call.score_min_label, call.score_max_label) == (
        0,
        10,
        "poor",
        "excellent",
    )


def test_rubric_page_shows_the_scale_form_with_the_current_scale(convener, login):
    call = make_call(status="draft", score_min=0, score_max=4)

    response = login(convener).get(reverse("setup-rubric", args=[call.slug]))

    form = response.context["scale_form"]
    assert (form["score_min"].value(), form["score_max"].value()) == (0, 4)
    assert "Scores run from 0 to 4." in page_text(response)


def test_rubric_page_refuses_a_max_below_the_min_on_the_field(convener, login):
    call = make_call(status="draft")

    response = login(convener).post(
        reverse("setup-rubric-scale", args=[call.slug]),
        {"scale-score_min": "4", "scale-score_max": "2"},
    )

    assert response.status_code == 400
    assert response.context["scale_form"].errors == {
        "score_max": ["The highest score must be above the lowest score."]
    }


def test_rubric_page_after_the_first_score_keeps_the_range_and_says_why(convener, login):
    call = make_call()
    make_review(assign(make_application(call=call), make_reviewer()), [4, 3])
    client = login(convener)

    page = client.get(reverse("setup-rubric", args=[call.slug]))
    response = client.post(
        reverse("setup-rubric-scale", args=[call.slug]),
        {
            "scale-score_min": "0",
            "scale-score_max": "10",
            "scale-min_label": "",
            "scale-max_label": "outstanding",
        },
    )

    call.refresh_from_db()
    # The range fields are disabled, so the posted 0..10 is ignored and only the label changes.
    assert page.context["scale_fixed"] is True
    assert page.context["scale_form"].fields["score_max"].disabled is True
    assert response.status_code == 302
    assert (call.score_min, call.score_max, call.score_max_label) == (1, 5, "outstanding")


# --- reviews on the call's scale ------------------------------------------------------------


def test_submit_review_on_a_zero_to_ten_call_accepts_both_ends(ten):
    _call, _app, person, assignment, impact, feasibility = ten

    review = submit_review(
        actor=person, assignment=assignment, scores={impact.pk: 0, feasibility.pk: 10}, comment=""
    )

    assert review.weighted_score == Decimal("3.333")
    assert {s.criterion_id: s.score for s in review.scores.all()} == {
        impact.pk: 0,
        feasibility.pk: 10,
    }


def test_submit_review_of_eleven_on_a_zero_to_ten_call_is_refused(ten):
    _call, _app, person, assignment, impact, feasibility = ten

    with pytest.raises(DomainError) as refused:
        submit_review(
            actor=person,
            assignment=assignment,
            scores={impact.pk: 11, feasibility.pk: 3},
            comment="",
        )

    assert (refused.value.status, refused.value.field, refused.value.message) == (
        400,
        f"score_{impact.pk}",
        "Scores run from 0 to 10; “Impact” got 11.",
    )


def test_submit_review_of_six_on_a_one_to_five_call_is_refused(reviewer):
    call = make_call()
    assignment = assign(make_application(call=call), reviewer)
    impact, feasibility = RubricCriterion.objects.filter(call=call)

    with pytest.raises(DomainError) as refused:
        submit_review(
            actor=reviewer,
            assignment=assignment,
            scores={impact.pk: 4, feasibility.pk: 6},
            comment="",
        )

    assert refused.value.message == "Scores run from 1 to 5; “Feasibility” got 6."


def test_review_page_offers_exactly_the_calls_scale_with_its_end_labels(ten, login):
    _call, _app, person, assignment, impact, _feasibility = ten

    response = login(person).get(reverse("review-edit", args=[assignment.pk]))

    field = response.context["form"].fields[f"score_{impact.pk}"]
    assert [value for value, _label in field.choices] == list(range(0, 11))
    assert "Scores run from 0 (poor) to 10 (superb)." in page_text(response)


def test_review_page_accepts_zero_and_ten(ten, login):
    _call, _app, person, assignment, impact, feasibility = ten

    response = login(person).post(
        reverse("review-edit", args=[assignment.pk]),
        {f"score_{impact.pk}": "10", f"score_{feasibility.pk}": "0", "action": "submit"},
    )

    assert response.status_code == 302
    assert assignment.review.weighted_score == Decimal("6.667")


def test_review_page_refuses_eleven_under_its_field(ten, login):
    _call, _app, person, assignment, impact, feasibility = ten

    response = login(person).post(
        reverse("review-edit", args=[assignment.pk]),
        {f"score_{impact.pk}": "11", f"score_{feasibility.pk}": "3", "action": "submit"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        f"score_{impact.pk}": ["Scores run from 0 to 10; “Impact” got 11."]
    }
    assert page_errors(response) == ["Scores run from 0 to 10; “Impact” got 11."]


# --- pages that show scores -----------------------------------------------------------------


def test_scores_page_shows_the_calls_maximum(ten, convener, login):
    call, _app, _person, assignment, _impact, _feasibility = ten
    make_review(assignment, [9, 6])

    response = login(convener).get(reverse("call-scores", args=[call.slug]))

    text = page_text(response)
    assert "Raw mean (out of 10)" in text
    assert "on this call's scale from 0 to 10" in text


def test_application_reviews_page_shows_a_zero_score_and_the_maximum(ten, convener, login):
    call, app, _person, assignment, _impact, _feasibility = ten
    make_review(assignment, [0, 3])

    response = login(convener).get(reverse("application-reviews", args=[call.slug, app.pk]))

    text = page_text(response)
    assert "1.00 out of 10" in text
    assert "Score (0–10) Comment Impact weight 2 0 no comment" in text


def test_direct_recommendation_merit_sits_on_the_calls_scale(convener):
    call = make_call(score_min=0, score_max=10)
    approach = approached(call, convener)

    interview(approach, convener, Recommendation.RECOMMEND)

    merit = direct_merit(call)[approach.application_id]
    assert (merit.raw_mean, merit.normalised_mean) == (7.5, 0.5)


def test_selection_page_heads_raw_scores_with_the_calls_scale(convener, login):
    call = make_call(score_min=0, score_max=10)
    interview(approached(call, convener), convener, Recommendation.RESERVE)

    text = page_text(login(convener).get(reverse("call-selection", args=[call.slug])))

    assert "Raw score (0–10)" in text
    assert "5.00" in text


def test_my_reviews_page_shows_the_weighted_score_out_of_the_calls_maximum(ten, login):
    _call, _app, person, assignment, _impact, _feasibility = ten
    make_review(assignment, [9, 6])

    text = page_text(login(person).get(reverse("my-reviews")))

    assert "8.00 out of 10" in text
