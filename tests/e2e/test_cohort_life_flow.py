"""Cohort life in a real browser: RSVP, book a 1:1 slot, post in the channel, publish the report."""

from __future__ import annotations

import pytest
from django.core import mail

from datacollab.discussion.models import Channel, Post
from datacollab.discussion.services import ensure_channels
from datacollab.events.models import Booking, Invitation
from datacollab.reports.models import CohortReport
from tests import factories
from tests import factories_events as events

pytestmark = pytest.mark.e2e


def _log_in(browser, base: str, email: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    return page


def test_cohort_life_from_rsvp_to_published_report(live_server, browser):
    base = live_server.url
    convener = factories.make_user(email="convener@example.org", roles=["convener"])
    cohort = events.current_cohort(slug="stewards-e2e", name="Open data stewards")
    participant = events.make_participant(cohort, email="amina@example.org", display_name="Amina")
    expert = events.make_expert(email="expert@example.org", display_name="Esther")
    session = events.make_session(
        actor=convener,
        cohort=cohort,
        title="Sustaining open data",
        starts_at=events.at(7),
        invitees=[participant],
    )
    slot = events.make_slot(expert=expert, starts_at=events.at(3), topic="Licensing")
    ensure_channels(network=cohort.network)
    channel = Channel.objects.get(cohort=cohort)

    # The participant answers the invitation.
    page = _log_in(browser, base, participant.email)
    page.goto(f"{base}/sessions/{session.slug}/")
    page.get_by_label("Going", exact=True).check()
    page.get_by_role("button", name="Save my answer").click()
    page.get_by_text("Your answer is saved: Going.").wait_for()
    invitation = Invitation.objects.get(session=session, user=participant)
    assert invitation.response == "yes"

    # ... books the expert's slot; both get a calendar invitation by mail.
    page.goto(f"{base}/sessions/support/")
    page.get_by_role("link", name="Book").first.click()
    page.get_by_label("What would you like help with?").fill("Choosing a licence for our API.")
    page.get_by_role("button", name="Book this slot").click()
    page.get_by_role("button", name="Cancel").first.wait_for()
    booking = Booking.objects.get(slot=slot, cancelled_at=None)
    assert booking.participant == participant
    invited = sorted(to for message in mail.outbox for to in message.to if message.attachments)
    assert invited == ["amina@example.org", "expert@example.org"]

    # ... and opens a thread in the cohort channel.
    page.goto(f"{base}/discussion/channels/{channel.slug}/")
    page.get_by_role("link", name="New thread").click()
    page.get_by_label("Title").fill("Who pays for the servers?")
    page.get_by_label("Message").fill("Our **hosting** costs doubled this year.")
    page.get_by_role("button", name="Post").click()
    page.get_by_role("heading", name="Who pays for the servers?").wait_for()
    assert page.locator("main strong", has_text="hosting").count() == 1
    assert Post.objects.get(thread__channel=channel).author == participant

    # The convener writes and publishes the cohort's output report; anyone can then read it.
    convener_page = _log_in(browser, base, convener.email)
    convener_page.goto(f"{base}/cohorts/{cohort.slug}/report/edit/")
    convener_page.get_by_label("Introduction").fill("Six months of *open data stewardship*.")
    convener_page.get_by_role("button", name="Save").click()
    convener_page.get_by_role("link", name="Publish the report").click()
    convener_page.get_by_role("button", name="Publish revision 1").click()
    convener_page.get_by_role("button", name="Withdraw (back to draft)").wait_for()
    assert CohortReport.objects.get(cohort=cohort).is_published is True

    visitor = browser.new_context().new_page()
    visitor.goto(f"{base}/cohorts/{cohort.slug}/report/")
    assert visitor.locator("main em", has_text="open data stewardship").count() == 1
    assert visitor.locator("main").get_by_text("Sustaining open data").count() >= 1
    pdf = visitor.request.get(f"{base}/cohorts/{cohort.slug}/report.pdf")
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.body()[:5] == b"%PDF-"
