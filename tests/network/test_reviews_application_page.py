"""The convener's page of one application's reviews (issue 8, problem 3) and its controls."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import OutgoingMail, ReviewAssignment, ReviewerConflict
from datacollab.network.services.selection import propose_selection
from tests.factories import make_application, make_call, make_org
from tests.network.factories_reviews import assign, confirm_selection, make_review, make_reviewer
from tests.network.factories_selection import scored_call


@pytest.fixture
def call(db):
    return make_call(reviews_per_application=2, slug="flood-call")


def _page(call, app) -> str:
    return reverse("application-reviews", args=[call.slug, app.pk])


def _written(assignment, scores, *, comment="", criterion_comments=()):
    review = make_review(assignment, scores)
    review.comment = comment
    review.save()
    scores_in_order = review.scores.order_by("criterion__position")
    for score, text in zip(scores_in_order, criterion_comments, strict=False):
        score.comment = text
        score.save()
    return review


def test_application_reviews_shows_scores_comments_names_and_merit(call, convener, login):
    app = make_application(call=call, title="Flood maps")
    other = make_application(call=call, title="Bus data")
    rita, sam = make_reviewer(name="Rita Reviewer"), make_reviewer(name="Sam Scorer")
    _written(
        assign(app, rita),
        [5, 4],
        comment="A strong, clear plan.",
        criterion_comments=["Real impact on flooding.", "Tight timeline."],
    )
    _written(assign(other, rita), [3, 2])  # Rita's spread: 4.667 and 2.667
    assign(app, sam)  # not started

    response = login(convener).get(_page(call, app))

    page = response.context["page"]
    html = response.content.decode()
    assert response.status_code == 200
    assert [r.label for r in page.reviews] == ["Rita Reviewer", "Sam Scorer"]
    assert [(s.criterion.name, s.score, s.comment) for s in page.reviews[0].scores] == [
        ("Impact", 5, "Real impact on flooding."),
        ("Feasibility", 4, "Tight timeline."),
    ]
    assert page.reviews[0].comment == "A strong, clear plan."
    assert (page.reviews[0].weighted_score, page.reviews[0].z_score) == (4.667, 1.0)
    assert (page.submitted, page.needed, page.raw_mean, page.normalised_mean) == (
        1,
        2,
        4.667,
        1.0,
    )
    assert "A strong, clear plan." in html
    assert "Real impact on flooding." in html


def test_call_scores_links_each_application_to_its_reviews(call, convener, login):
    app = make_application(call=call, title="Flood maps")
    make_review(assign(app, make_reviewer()), [4, 4])

    html = login(convener).get(reverse("call-scores", args=[call.slug])).content.decode()

    assert f'href="{_page(call, app)}"' in html


def test_call_assignments_links_each_application_to_its_reviews(call, convener, login):
    app = make_application(call=call, title="Flood maps")

    html = login(convener).get(reverse("call-assignments", args=[call.slug])).content.decode()

    assert f'href="{_page(call, app)}"' in html


def test_application_reviews_of_a_blind_call_number_the_reviewers(db, convener, login):
    call = make_call(blind_review=True)
    app = make_application(call=call)
    first, second = make_reviewer(name="Rita Reviewer"), make_reviewer(name="Sam Scorer")
    make_review(assign(app, first), [4, 4])
    make_review(assign(app, second), [3, 3])

    response = login(convener).get(_page(call, app))
    scores = login(convener).get(reverse("call-scores", args=[call.slug]))

    assert [r.label for r in response.context["page"].reviews] == ["Reviewer 1", "Reviewer 2"]
    html = response.content.decode()
    reviews_section = html[html.index('id="reviews-h"') : html.index('id="conflicts-h"')]
    assert "Rita Reviewer" not in reviews_section
    assert [r.label for r in scores.context["rows"][0].reviews] == ["Reviewer 1", "Reviewer 2"]


def test_application_reviews_lists_declared_and_member_conflicts(call, convener, login):
    member = make_reviewer(name="Mo Member")
    org = make_org(name="Lagos Transit Data", members=[member])
    app = make_application(call=call, organisation=org)
    declarer = make_reviewer(name="Dee Clarer")
    ReviewerConflict.objects.create(
        reviewer=declarer, organisation=org, call=call, reason="I advised this bid."
    )

    response = login(convener).get(_page(call, app))

    assert [(n.reviewer, n.why) for n in response.context["page"].conflicts] == [
        (declarer, "I advised this bid."),
        (member, "member of the applicant organisation"),
    ]


def test_application_reviews_by_a_reviewer_is_403(call, reviewer, login):
    app = make_application(call=call)

    response = login(reviewer).get(_page(call, app))

    assert response.status_code == 403


def test_application_reviews_of_another_calls_application_is_404(call, convener, login):
    elsewhere = make_application(call=make_call())

    response = login(convener).get(_page(call, elsewhere))

    assert response.status_code == 404


def _queries(login, convener, reviews: int) -> int:
    call = make_call(reviews_per_application=2)
    app = make_application(call=call)
    for _ in range(reviews):
        _written(assign(app, make_reviewer()), [3, 4], comment="Fine.", criterion_comments=["a"])
    ReviewerConflict.objects.create(
        reviewer=make_reviewer(), organisation=app.organisation, reason="tie"
    )
    client = login(convener)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_page(call, app)).status_code == 200
    return len(queries)


def test_application_reviews_query_count_does_not_grow_with_reviews(db, convener, login):
    assert _queries(login, convener, 1) == _queries(login, convener, 6)


# --- reviewers by hand from the application's page -------------------------------------------


def test_application_reviewer_add_assigns_by_hand(call, convener, login):
    app = make_application(call=call)
    person = make_reviewer()

    response = login(convener).post(
        reverse("application-reviewer-add", args=[call.slug, app.pk]), {"reviewer": person.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == _page(call, app)
    assert list(
        ReviewAssignment.objects.filter(application=app).values_list("reviewer", "source")
    ) == [(person.pk, "manual")]


def test_application_reviewer_add_refuses_a_conflicted_reviewer(call, convener, login):
    person = make_reviewer(name="Mo Member")
    org = make_org(name="Lagos Transit Data", members=[person])
    app = make_application(call=call, organisation=org)

    response = login(convener).post(
        reverse("application-reviewer-add", args=[call.slug, app.pk]), {"reviewer": person.pk}
    )

    assert response.status_code == 409
    assert response.context["add_form"].non_field_errors() == [
        "Mo Member is a member of Lagos Transit Data, so they cannot review its application."
    ]
    assert ReviewAssignment.objects.filter(application=app).count() == 0


def test_application_reviewer_add_refuses_a_duplicate(call, convener, login):
    app = make_application(call=call, title="Flood maps")
    person = make_reviewer(name="Rita Reviewer")
    assign(app, person)

    response = login(convener).post(
        reverse("application-reviewer-add", args=[call.slug, app.pk]), {"reviewer": person.pk}
    )

    assert response.status_code == 409
    assert response.context["add_form"].non_field_errors() == [
        "Rita Reviewer already reviews “Flood maps”."
    ]


def test_application_reviewer_add_by_a_reviewer_is_403(call, reviewer, login):
    app = make_application(call=call)

    response = login(reviewer).post(
        reverse("application-reviewer-add", args=[call.slug, app.pk]), {"reviewer": reviewer.pk}
    )

    assert response.status_code == 403
    assert ReviewAssignment.objects.count() == 0


def test_assignment_remove_from_the_application_page_returns_there(call, convener, login):
    app = make_application(call=call)
    assignment = assign(app, make_reviewer())

    response = login(convener).post(
        reverse("call-assignment-remove", args=[call.slug, assignment.pk]), {"back": "application"}
    )

    assert response.status_code == 302
    assert response["Location"] == _page(call, app)
    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists() is False


def test_application_reviews_after_confirmation_offers_no_changes(call, convener, login):
    app = make_application(call=call)
    make_review(assign(app, make_reviewer()), [4, 4])
    confirm_selection(call, convener)

    html = login(convener).get(_page(call, app)).content.decode()

    assert "Add reviewer" not in html
    assert "Remove " not in html
    # Feedback is chosen after the decision, until its mail is sent.
    assert "Save the feedback choice" in html


def test_call_selection_links_each_proposed_application_to_its_reviews(convener, login):
    call, apps = scored_call([{"name": "Flood maps", "score": 5}, {"name": "Bus data", "score": 3}])
    propose_selection(actor=convener, call=call)

    html = login(convener).get(reverse("call-selection", args=[call.slug])).content.decode()

    assert [f'href="{_page(call, app)}"' in html for app in apps] == [True, True]


def test_application_detail_links_conveners_to_its_reviews(call, convener, login):
    app = make_application(call=call)

    html = login(convener).get(reverse("application-detail", args=[app.pk])).content.decode()

    assert f'href="{_page(call, app)}"' in html


def test_application_detail_does_not_link_applicants_to_reviews(call, applicant, login):
    app = make_application(call=call, user=applicant)

    html = login(applicant).get(reverse("application-detail", args=[app.pk])).content.decode()

    assert "/reviews/" not in html


def test_application_reviews_after_the_mail_was_sent_offers_no_feedback_choice(
    call, convener, login
):
    app = make_application(call=call)
    review = make_review(assign(app, make_reviewer()), [4, 4])
    review.comment = "Good."
    review.save()
    OutgoingMail.objects.create(
        application=app, kind="selected", to=["a@example.org"], subject="s", body="b", status="sent"
    )

    html = login(convener).get(_page(call, app)).content.decode()

    assert "send to the applicant" not in html
    assert "The decision mail was sent" in html
