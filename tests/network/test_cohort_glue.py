"""Issue 8, the glue between its parts: the call form edits the review settings, a call opens
only when set up, the default decision mails carry the chosen feedback, a reviewer downloads
files through the checked view, and the convener reaches the roles page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from datacollab.core.errors import DomainError
from datacollab.core.models import AuditEntry
from datacollab.network.models import Call, OutgoingMail
from datacollab.network.services import call_lifecycle as lifecycle
from datacollab.network.services import setup
from datacollab.network.services.decisions import draft_decision_mails
from datacollab.network.services.feedback import choose_feedback
from datacollab.network.services.selection import propose_selection
from tests import factories
from tests.network.factories_applications import add_file_question, draft, page_text, pdf_upload
from tests.network.factories_reviews import assign, make_review, make_reviewer
from tests.network.factories_selection import GS_SPECS, scored_call
from tests.network.test_setup_views import call_form

pytestmark = pytest.mark.django_db


# --- the call form edits the review settings ---------------------------------------------------


def test_new_call_form_sets_review_deadline_in_the_calls_zone_and_blind_review(convener, login):
    cohort = factories.make_cohort()
    year = timezone.now().year + 1
    data = call_form(cohort, review_deadline=f"{year}-04-15T17:00", blind_review="on")

    response = login(convener).post(reverse("setup-call-create"), data)

    call = Call.objects.get()
    assert response.status_code == 302
    assert (call.review_deadline, call.blind_review) == (
        datetime(year, 4, 15, 11, 30, tzinfo=UTC),  # 17:00 in Asia/Kolkata
        True,
    )


def test_call_edit_form_changes_review_settings_through_their_service(convener, login):
    call = factories.make_call(status=Call.Status.DRAFT)
    client = login(convener)
    page = client.get(reverse("setup-call-edit", args=[call.slug]))
    year = timezone.now().year + 1
    data = call_form(call.cohort, review_deadline=f"{year}-04-15T17:00", blind_review="on")
    data.pop("cohort")

    response = client.post(reverse("setup-call-edit", args=[call.slug]), data)

    call.refresh_from_db()
    assert 'name="review_deadline"' in page.content.decode()
    assert (response.status_code, call.review_deadline, call.blind_review) == (
        302,
        datetime(year, 4, 15, 11, 30, tzinfo=UTC),
        True,
    )
    assert AuditEntry.objects.filter(action="reviews.settings_changed").count() == 1


def test_call_form_refuses_a_review_deadline_before_the_call_closes_on_its_field(convener, login):
    # Between opening (1 March) and the deadline (31 March): reviewers would have no time.
    cohort = factories.make_cohort()
    year = timezone.now().year + 1
    data = call_form(cohort, review_deadline=f"{year}-03-20T09:00")

    response = login(convener).post(reverse("setup-call-create"), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "review_deadline": [
            "The review deadline must come after the call closes to applications, "
            f"31 March {year}, 17:00 IST (Asia/Kolkata)."
        ]
    }
    assert response.context["form"]["review_deadline"].value() == f"{year}-03-20T09:00"
    assert Call.objects.count() == 0


def test_call_edit_refuses_a_later_deadline_that_overtakes_the_review_deadline(convener):
    call = factories.make_call(status=Call.Status.DRAFT)
    review_deadline = call.deadline + timedelta(days=7)
    update = {
        "title": call.title,
        "summary": call.summary,
        "description": call.description,
        "opens_at": call.opens_at,
        "timezone": call.timezone,
        "reviews_per_application": call.reviews_per_application,
    }
    setup.update_call(
        actor=convener,
        call=call,
        deadline=call.deadline,
        review_deadline=review_deadline,
        blind_review=False,
        **update,
    )

    with pytest.raises(DomainError) as refused:
        setup.update_call(
            actor=convener, call=call, deadline=call.deadline + timedelta(days=8), **update
        )

    assert refused.value.field == "review_deadline"


# --- a call opens only when it is set up ---------------------------------------------------------


def test_open_call_refuses_a_call_with_setup_problems_and_says_which(convener):
    call = factories.make_call(status=Call.Status.DRAFT, with_questions=False, with_rubric=False)

    with pytest.raises(DomainError) as refused:
        lifecycle.open_call(actor=convener, call=call)

    call.refresh_from_db()
    assert refused.value.message == (
        f"“{call.title}” is not ready to open: Add at least one question. "
        "Add at least one rubric criterion for reviewers."
    )
    assert call.status == Call.Status.DRAFT
    assert AuditEntry.objects.filter(action="call.opened").count() == 0


def test_open_page_shows_the_setup_problems_when_posted_too_early(convener, login):
    call = factories.make_call(status=Call.Status.DRAFT, with_rubric=False)

    response = login(convener).post(reverse("call-open", args=[call.slug]), {"confirm": "on"})

    assert response.status_code == 400
    assert (
        f"“{call.title}” is not ready to open: Add at least one rubric criterion for reviewers."
    ) in page_text(response)


def test_setup_overview_links_to_open_only_when_ready(convener, login):
    ready = factories.make_call(status=Call.Status.DRAFT)
    lacking = factories.make_call(status=Call.Status.DRAFT, with_rubric=False)
    client = login(convener)

    pages = {
        call.slug: client.get(reverse("setup-call", args=[call.slug])).content.decode()
        for call in (ready, lacking)
    }

    assert {slug: reverse("call-open", args=[slug]) in html for slug, html in pages.items()} == {
        ready.slug: True,
        lacking.slug: False,
    }


# --- the default decision mails carry the chosen feedback ----------------------------------------


@pytest.fixture
def not_selected(db):
    """A not-selected application with one submitted, commented review; default templates."""
    call = factories.make_call(open=False, status=Call.Status.REVIEWING)
    app = factories.make_application(call=call, title="Flood maps", decision="not_selected")
    review = make_review(assign(app, make_reviewer(name="Rita Reviewer")), [4, 3])
    review.comment = "Overall the plan is clear."
    review.save()
    return app, review


def test_default_not_selected_mail_carries_the_chosen_feedback(not_selected, convener):
    app, review = not_selected
    choose_feedback(actor=convener, application=app, review_ids=[review.pk], score_ids=[])

    draft_decision_mails(actor=convener, call=app.call)

    body = OutgoingMail.objects.get(application=app).body
    assert (
        "has not been selected for "
        f"{app.call.cohort.name}.\n\nFeedback from the reviewers:\n- Overall the plan is clear.\n"
        "\nWe hope to hear from you again in a future call."
    ) in body
    assert "Rita" not in body


def test_default_not_selected_mail_without_feedback_has_no_trace_of_it(not_selected, convener):
    app, _review = not_selected

    draft_decision_mails(actor=convener, call=app.call)

    body = OutgoingMail.objects.get(application=app).body
    assert body.endswith(
        f"has not been selected for {app.call.cohort.name}.\n\n"
        "We hope to hear from you again in a future call.\n\n"
        f"With best wishes,\n{convener.display_name}\n"
    )


# --- a reviewer downloads files through the checked view -----------------------------------------


@pytest.fixture
def file_answer(login, applicant):
    call = factories.make_call(with_questions=False)
    question = add_file_question(call)
    application = draft(call, applicant)
    login(applicant).post(
        reverse("application-edit", args=[application.pk]),
        {
            "title": "Open water",
            "summary": "",
            "requested_amount": "1000",
            f"q_{question.pk}": pdf_upload("acme-budget.pdf"),
        },
    )
    return application, question


def test_review_page_links_the_file_to_the_checked_download(file_answer, login, reviewer):
    application, question = file_answer
    assignment = assign(application, reviewer)
    client = login(reviewer)

    page = client.get(reverse("review-edit", args=[assignment.pk])).content.decode()
    download = client.get(reverse("application-file", args=[application.pk, question.pk]))

    url = reverse("application-file", args=[application.pk, question.pk])
    assert f'<a href="{url}" download>acme-budget.pdf</a>' in page
    assert download.status_code == 200


def test_blind_review_page_and_download_hide_the_file_name(file_answer, login, reviewer):
    application, question = file_answer
    Call.objects.filter(pk=application.call_id).update(blind_review=True)
    assignment = assign(application, reviewer)
    client = login(reviewer)

    page = client.get(reverse("review-edit", args=[assignment.pk])).content.decode()
    download = client.get(reverse("application-file", args=[application.pk, question.pk]))

    url = reverse("application-file", args=[application.pk, question.pk])
    assert f'<a href="{url}" download>a file (name hidden: blind review)</a>' in page
    assert "acme" not in page
    assert download["Content-Disposition"] == (
        f'attachment; filename="attachment-{application.pk}-{question.pk}.pdf"'
    )


# --- the convener reaches the roles page ---------------------------------------------------------


def test_convener_home_and_menu_link_to_roles(convener, login):
    html = login(convener).get(reverse("convener-home")).content.decode()

    assert html.count(f'href="{reverse("roles")}"') == 2  # the menu, and the home's action


# --- one zone shown consistently -----------------------------------------------------------------


def test_review_deadline_is_shown_in_the_calls_zone_to_reviewer_and_convener(
    convener, reviewer, login
):
    call = factories.make_call(
        timezone="Africa/Nairobi", review_deadline=datetime(2030, 3, 1, 14, tzinfo=UTC)
    )
    app = factories.make_application(call=call)
    assignment = assign(app, reviewer)

    pages = [
        login(reviewer).get(reverse("review-edit", args=[assignment.pk])),
        login(reviewer).get(reverse("my-reviews")),
        login(convener).get(reverse("application-reviews", args=[call.slug, app.pk])),
    ]

    assert ["1 March 2030, 17:00 EAT (Africa/Nairobi)" in page_text(p) for p in pages] == [
        True,
        True,
        True,
    ]


def test_selection_page_of_an_open_call_offers_closing_beside_the_refusal(convener, login):
    call, _apps = scored_call(GS_SPECS)
    Call.objects.filter(pk=call.pk).update(
        status=Call.Status.OPEN, deadline=timezone.now() + timedelta(days=5)
    )
    call.refresh_from_db()
    propose_selection(actor=convener, call=call)

    response = login(convener).get(reverse("call-selection", args=[call.slug]))

    html = response.content.decode()
    assert (
        reverse("call-close", args=[call.slug]) in html,
        "Confirm this selection…" in html,
    ) == (True, False)
