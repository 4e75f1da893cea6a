"""Feedback to applicants: only the chosen comments reach the decision mail, never a name."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.network.models import Application, Call, EmailTemplate, OutgoingMail
from datacollab.network.selectors.feedback import feedback_text
from datacollab.network.services.decisions import draft_decision_mails, send_decision_mails
from datacollab.network.services.feedback import choose_feedback
from datacollab.network.services.reviews import submit_review
from tests.factories import make_application, make_call
from tests.network.factories_reviews import assign, make_review, make_reviewer


@pytest.fixture
def reviewed(db):
    """A not-selected application with two submitted reviews, every comment written."""
    # Decided in a confirmed selection: the call is closed and in review.
    call = make_call(slug="flood-call", open=False, status=Call.Status.REVIEWING)
    app = make_application(call=call, title="Flood maps", decision="not_selected")
    reviews = []
    for name, words in [("Rita Reviewer", "clear"), ("Sam Scorer", "vague")]:
        review = make_review(assign(app, make_reviewer(name=name)), [4, 3])
        review.comment = f"Overall the plan is {words}."
        review.save()
        for score in review.scores.all():
            score.comment = f"Looks {words}."
            score.save()
        reviews.append(review)
    EmailTemplate.objects.create(
        call=call, kind="not_selected", subject="{{ call }}", body="Dear team.\n{{ feedback }}"
    )
    return app, reviews


def _impact(review):
    return review.scores.get(criterion__name="Impact")


def test_feedback_text_has_only_the_chosen_comments_and_no_names(reviewed, convener):
    app, (rita, sam) = reviewed

    choose_feedback(
        actor=convener, application=app, review_ids=[sam.pk], score_ids=[_impact(rita).pk]
    )

    assert feedback_text(app) == (
        "Feedback from the reviewers:\n- Impact: Looks clear.\n- Overall the plan is vague.\n"
    )


def test_decision_mail_carries_the_chosen_feedback(
    reviewed, convener, django_capture_on_commit_callbacks
):
    app, (rita, _sam) = reviewed
    choose_feedback(actor=convener, application=app, review_ids=[rita.pk], score_ids=[])

    draft_decision_mails(actor=convener, call=app.call)
    with django_capture_on_commit_callbacks(execute=True):
        send_decision_mails(actor=convener, call=app.call)

    assert [m.body for m in mail.outbox] == [
        "Dear team.\nFeedback from the reviewers:\n- Overall the plan is clear.\n"
    ]
    assert "Rita" not in mail.outbox[0].body


def test_choose_feedback_redrafts_an_unsent_decision_mail(reviewed, convener):
    app, (_rita, sam) = reviewed
    draft_decision_mails(actor=convener, call=app.call)

    redrafted = choose_feedback(actor=convener, application=app, review_ids=[sam.pk], score_ids=[])

    assert [m.body for m in redrafted] == [
        "Dear team.\nFeedback from the reviewers:\n- Overall the plan is vague.\n"
    ]
    assert OutgoingMail.objects.get(application=app).body == redrafted[0].body


def test_choose_feedback_with_nothing_chosen_leaves_the_placeholder_empty(reviewed, convener):
    app, (rita, _sam) = reviewed
    choose_feedback(actor=convener, application=app, review_ids=[rita.pk], score_ids=[])

    choose_feedback(actor=convener, application=app, review_ids=[], score_ids=[])

    assert feedback_text(app) == ""


def test_choose_feedback_refuses_a_comment_of_another_application(reviewed, convener):
    app, _reviews = reviewed
    other = make_application(call=app.call)
    foreign = make_review(assign(other, make_reviewer()), [3, 3])
    foreign.comment = "Not yours."
    foreign.save()

    with pytest.raises(DomainError):
        choose_feedback(actor=convener, application=app, review_ids=[foreign.pk], score_ids=[])


def test_choose_feedback_by_a_reviewer_is_refused(reviewed, reviewer):
    app, (rita, _sam) = reviewed

    with pytest.raises(NotAllowed):
        choose_feedback(actor=reviewer, application=app, review_ids=[rita.pk], score_ids=[])


def test_choose_feedback_after_the_mail_was_sent_is_refused(
    reviewed, convener, django_capture_on_commit_callbacks
):
    app, (rita, _sam) = reviewed
    draft_decision_mails(actor=convener, call=app.call)
    with django_capture_on_commit_callbacks(execute=True):
        send_decision_mails(actor=convener, call=app.call)

    with pytest.raises(Conflict):
        choose_feedback(actor=convener, application=app, review_ids=[rita.pk], score_ids=[])


def test_application_feedback_view_saves_the_ticked_comments(reviewed, convener, login):
    app, (rita, sam) = reviewed
    url = reverse("application-feedback", args=[app.call.slug, app.pk])

    response = login(convener).post(url, {"review": [rita.pk], "score": [_impact(sam).pk]})

    assert response.status_code == 302
    assert feedback_text(Application.objects.get(pk=app.pk)) == (
        "Feedback from the reviewers:\n- Overall the plan is clear.\n- Impact: Looks vague.\n"
    )


def test_application_feedback_view_refuses_an_unknown_comment(reviewed, convener, login):
    app, _reviews = reviewed
    url = reverse("application-feedback", args=[app.call.slug, app.pk])

    response = login(convener).post(url, {"review": [999999]})

    assert response.status_code == 400
    assert feedback_text(app) == ""


def test_an_edited_comment_is_no_longer_shared(reviewed, convener):
    app, (rita, _sam) = reviewed
    impact, feasibility = rita.scores.order_by("criterion__position")
    choose_feedback(
        actor=convener,
        application=app,
        review_ids=[rita.pk],
        score_ids=[impact.pk, feasibility.pk],
    )

    submit_review(
        actor=rita.assignment.reviewer,
        assignment=rita.assignment,
        scores={impact.criterion_id: 4, feasibility.criterion_id: 3},
        comment="Overall the plan is clear.",  # unchanged: still shared
        criterion_comments={
            impact.criterion_id: "Looks clear.",  # unchanged: still shared
            feasibility.criterion_id: "Rita thinks it is too slow.",  # edited: withdrawn
        },
    )

    assert feedback_text(app) == (
        "Feedback from the reviewers:\n- Impact: Looks clear.\n- Overall the plan is clear.\n"
    )
