"""Selection and decision mails need a closed call; confirming warns about missing reviews
(issue 8, problems 1 and 2), and the decided call says it is closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import Application, Call, OutgoingMail
from datacollab.network.selectors.applications import format_in_zone
from datacollab.network.services import call_lifecycle as lifecycle
from datacollab.network.services.applications import start_application
from datacollab.network.services.decisions import draft_decision_mails, send_decision_mails
from datacollab.network.services.selection import confirm_selection, propose_selection
from tests import factories
from tests.network.factories_applications import page_errors, page_text
from tests.network.factories_selection import GS_SPECS, scored_call

pytestmark = pytest.mark.django_db


def _open_call(specs=GS_SPECS, **fields):
    """As in the demo: reviewed applications, and the deadline three weeks away."""
    return scored_call(specs, deadline=timezone.now() + timedelta(weeks=3), **fields)


def _open_refusal(call: Call) -> str:
    return (
        f"“{call.title}” is open until {format_in_zone(call.deadline, call.timezone)}: "
        "applicants may still apply or edit. Wait for the deadline, or close the call early "
        "with a reason, before selecting or sending decisions."
    )


# --- problem 1: no selection or mails while the call is open ---------------------------------


def test_confirm_selection_refused_while_the_call_is_open(convener):
    call, _apps = _open_call()
    proposal = propose_selection(actor=convener, call=call)

    with pytest.raises(Conflict) as refused:
        confirm_selection(actor=convener, proposal=proposal)

    assert refused.value.message == _open_refusal(call)
    assert set(Application.objects.values_list("decision", flat=True)) == {"pending"}
    assert OutgoingMail.objects.count() == 0


def test_draft_decision_mails_refused_while_the_call_is_open(convener):
    call, _apps = _open_call()

    with pytest.raises(Conflict) as refused:
        draft_decision_mails(actor=convener, call=call)

    assert refused.value.message == _open_refusal(call)


def test_send_decision_mails_refused_before_a_selection(convener):
    call, _apps = scored_call(GS_SPECS)  # deadline passed, nothing confirmed

    with pytest.raises(Conflict) as refused:
        send_decision_mails(actor=convener, call=call)

    assert refused.value.message == (
        f"Confirm a selection for “{call.title}” before sending decisions."
    )


def test_confirm_selection_refused_without_acknowledging_missing_reviews(convener):
    specs = [*GS_SPECS, {"name": "Unread Data", "country": "KE", "reviewed": False}]
    call, apps = scored_call(specs, reviews_per_application=1)
    proposal = propose_selection(actor=convener, call=call)

    with pytest.raises(DomainError) as refused:
        confirm_selection(actor=convener, proposal=proposal)

    assert (refused.value.message, refused.value.field) == (
        "1 eligible application has fewer than 1 submitted reviews: Unread Data (0). "
        "Tick the acknowledgement to decide on it all the same.",
        "acknowledge_review_shortfall",
    )
    assert apps[-1].decision == "pending"
    assert OutgoingMail.objects.count() == 0


def test_confirm_selection_with_acknowledgement_records_the_shortfall(convener):
    specs = [*GS_SPECS, {"name": "Unread Data", "country": "KE", "reviewed": False}]
    call, apps = scored_call(specs, reviews_per_application=1)
    proposal = propose_selection(actor=convener, call=call)

    confirm_selection(actor=convener, proposal=proposal, acknowledge_review_shortfall=True)

    entry = AuditEntry.objects.get(action="selection.confirmed")
    assert entry.details["review_shortfall_acknowledged"] == {str(apps[-1].pk): 0}
    call.refresh_from_db()
    assert call.status == Call.Status.REVIEWING


def test_confirm_selection_after_an_early_closing_moves_the_call_to_reviewing(convener):
    call, _apps = _open_call()
    lifecycle.close_call(actor=convener, call=call, reason="All reviews are in.")
    proposal = propose_selection(actor=convener, call=call)

    confirm_selection(actor=convener, proposal=proposal)

    assert [
        e.action for e in AuditEntry.objects.filter(action__startswith="call.").order_by("seq")
    ] == ["call.closed", "call.review_started"]


# --- problem 2: nothing is taken after the decisions -----------------------------------------


def test_new_account_cannot_start_a_draft_after_decisions(
    convener, django_capture_on_commit_callbacks
):
    call, _apps = _open_call()
    lifecycle.close_call(actor=convener, call=call, reason="All reviews are in.")
    confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))
    with django_capture_on_commit_callbacks(execute=True):
        send_decision_mails(actor=convener, call=call)
    newcomer = factories.make_user(roles=["participant"])

    with pytest.raises(NotAllowed) as refused:
        start_application(
            actor=newcomer, call=call, organisation=factories.make_org(members=[newcomer])
        )

    call.refresh_from_db()
    assert call.status == Call.Status.DECIDED
    assert refused.value.message == (
        f"“{call.title}” is closed: its cohort is being chosen or has been chosen, so it "
        "takes no more applications."
    )
    assert len(django_mail.outbox) == 4


def test_decided_call_page_says_closed_without_apply(
    convener, client, django_capture_on_commit_callbacks
):
    call, _apps = scored_call(GS_SPECS)
    confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))
    with django_capture_on_commit_callbacks(execute=True):
        send_decision_mails(actor=convener, call=call)
    # Even with the deadline moved ahead again, a decided call stays closed.
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() + timedelta(days=30))

    response = client.get(reverse("call-detail", args=[call.slug]))

    text = page_text(response)
    assert "This call is closed: the decisions have been sent to every applicant." in text
    assert reverse("application-start", args=[call.slug]) not in response.content.decode()


# --- confirmation pages ----------------------------------------------------------------------


def test_selection_confirm_page_states_counts_and_lists_missing_reviews(convener, login):
    specs = [*GS_SPECS, {"name": "Unread Data", "country": "KE", "reviewed": False}]
    call, _apps = scored_call(specs, reviews_per_application=1)
    proposal = propose_selection(actor=convener, call=call)

    response = login(convener).get(reverse("call-selection-confirm", args=[call.slug, proposal.pk]))

    text = page_text(response)
    assert response.status_code == 200
    assert "2 applications are selected: their organisations join the cohort." in text
    assert "3 submitted applications are not selected." in text
    assert "5 decision mails are drafted for your review; nothing is sent yet." in text
    assert "1 eligible application has fewer reviews than the call asks for" in text
    assert "Unread Data" in text


def test_selection_confirm_post_without_acknowledgement_is_400_and_changes_nothing(convener, login):
    specs = [*GS_SPECS, {"name": "Unread Data", "country": "KE", "reviewed": False}]
    call, _apps = scored_call(specs, reviews_per_application=1)
    proposal = propose_selection(actor=convener, call=call)
    url = reverse("call-selection-confirm", args=[call.slug, proposal.pk])

    response = login(convener).post(url, {"confirm": "1"})

    assert response.status_code == 400
    assert page_errors(response) == [
        "1 eligible application has fewer than 1 submitted reviews: Unread Data (0). "
        "Tick the acknowledgement to decide on it all the same."
    ]
    assert set(Application.objects.values_list("decision", flat=True)) == {"pending"}


def test_selection_confirm_post_without_confirm_field_changes_nothing(convener, login):
    call, _apps = scored_call(GS_SPECS)
    proposal = propose_selection(actor=convener, call=call)

    response = login(convener).post(
        reverse("call-selection-confirm", args=[call.slug, proposal.pk])
    )

    assert response.status_code == 400
    assert set(Application.objects.values_list("decision", flat=True)) == {"pending"}


def test_selection_confirm_page_refuses_an_open_call_and_offers_closing(convener, login):
    call, _apps = _open_call()
    proposal = propose_selection(actor=convener, call=call)

    response = login(convener).get(reverse("call-selection-confirm", args=[call.slug, proposal.pk]))

    assert page_errors(response) == [_open_refusal(call)]
    content = response.content.decode()
    assert reverse("call-close", args=[call.slug]) in content
    assert 'name="confirm"' not in content


def test_send_confirm_page_states_how_many_mails_of_each_kind(convener, login):
    call, _apps = scored_call(GS_SPECS, capacity=1)
    confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))

    response = login(convener).get(reverse("call-mails-send", args=[call.slug]))

    assert "4 mails will be sent : 1 selected, 3 not selected." in page_text(response)
    assert "Send 4 mails" in page_text(response)


def test_send_post_without_confirm_sends_nothing(convener, login):
    call, _apps = scored_call(GS_SPECS)
    confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))

    response = login(convener).post(reverse("call-mails-send", args=[call.slug]))

    assert response.status_code == 400
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"draft"}
    call.refresh_from_db()
    assert call.status == Call.Status.REVIEWING


def test_close_page_counts_drafts_and_post_needs_confirm_and_reason(convener, login):
    call = factories.make_call()
    factories.make_application(call=call, submitted=False)
    factories.make_application(call=call, submitted=False)
    factories.make_application(call=call)
    client = login(convener)
    url = reverse("call-close", args=[call.slug])

    page = client.get(url)
    unconfirmed = client.post(url, {"reason": "Budget cut"})
    no_reason = client.post(url, {"confirm": "1", "reason": ""})
    closed = client.post(url, {"confirm": "1", "reason": "Budget cut"})

    assert "2 applications are still drafts: they can no longer be submitted." in page_text(page)
    assert "1 application is submitted and goes on to review." in page_text(page)
    assert (unconfirmed.status_code, no_reason.status_code, closed.status_code) == (400, 400, 302)
    call.refresh_from_db()
    assert (call.status, call.close_reason) == (Call.Status.CLOSED, "Budget cut")


def test_open_page_opens_a_draft_after_confirmation(convener, login):
    call = factories.make_call(status=Call.Status.DRAFT)
    client = login(convener)

    page = client.get(reverse("call-open", args=[call.slug]))
    response = client.post(reverse("call-open", args=[call.slug]), {"confirm": "1"})

    assert page.status_code == 200
    assert (response.status_code, response.url) == (302, reverse("call-detail", args=[call.slug]))
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN


def test_move_pages_refuse_non_conveners_and_impossible_moves(convener, applicant, login):
    decided = factories.make_call(status=Call.Status.DECIDED)

    refused = [
        login(applicant).get(reverse(name, args=[decided.slug])).status_code
        for name in ("call-open", "call-close", "call-start-review")
    ]
    impossible = [
        login(convener).get(reverse(name, args=[decided.slug])).status_code
        for name in ("call-open", "call-close", "call-start-review")
    ]

    assert (refused, impossible) == ([403, 403, 403], [409, 409, 409])


def test_selection_confirm_page_query_count_is_constant_in_shortfall_rows(convener, login):
    few = [*GS_SPECS, {"name": "Unread 0", "reviewed": False}]
    many = [*GS_SPECS, *({"name": f"Unread {i}", "reviewed": False} for i in range(6))]
    few_call, _ = scored_call(few, reviews_per_application=1)
    many_call, _ = scored_call(many, reviews_per_application=1)
    urls = [
        reverse(
            "call-selection-confirm",
            args=[c.slug, propose_selection(actor=convener, call=c).pk],
        )
        for c in (few_call, many_call)
    ]
    client = login(convener)
    client.get(urls[0])

    with CaptureQueriesContext(connection) as few_queries:
        client.get(urls[0])
    with CaptureQueriesContext(connection) as many_queries:
        response = client.get(urls[1])

    assert page_text(response).count("Project of Unread") == 6
    assert len(few_queries.captured_queries) == len(many_queries.captured_queries)


def test_selection_confirm_page_of_a_superseded_proposal_offers_no_button(convener, login):
    call, _apps = scored_call(GS_SPECS)
    old = propose_selection(actor=convener, call=call)
    propose_selection(actor=convener, call=call, min_global_south_share=0.5)

    response = login(convener).get(reverse("call-selection-confirm", args=[call.slug, old.pk]))

    assert page_errors(response) == [
        "A newer proposal replaced this one. Review the latest proposal and confirm that "
        "one instead."
    ]
    assert 'name="confirm"' not in response.content.decode()


def test_selection_page_of_an_open_call_states_why_above_the_proposal_and_offers_no_confirm(
    convener, login
):
    call, _apps = _open_call()
    proposal = propose_selection(actor=convener, call=call)

    response = login(convener).get(reverse("call-selection", args=[call.slug]))

    text, content = page_text(response), response.content.decode()
    assert text.index(_open_refusal(call)) < text.index("Latest proposal")
    assert reverse("call-selection-confirm", args=[call.slug, proposal.pk]) not in content
    assert reverse("call-close", args=[call.slug]) in content
