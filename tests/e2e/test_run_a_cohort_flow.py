"""Issue 8 end to end in a real browser, at desktop and phone widths: from an empty network a
convener sets up a cohort and a call without the admin and opens it; an applicant signs up,
verifies their address, creates their organisation, applies and submits; two reviewers are
invited by email, accept and review; the convener reads their comments, is refused when
confirming before the deadline, closes the call early, selects, confirms, chooses the
feedback and sends the decisions, and the applicant's mail carries that feedback without a
reviewer's name.

Only the convener comes from a factory; every other step is taken on the site's pages.
With DATACOLLAB_SCREENSHOTS=DIR set, the convener's main pages are saved at each width.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from datacollab.network.models import (
    Application,
    Award,
    Call,
    CohortMembership,
    SelectionProposal,
)
from datacollab.network.selectors.applications import format_in_zone, zone_of
from tests import factories
from tests.e2e.walk import WIDTHS, menu, no_sideways_scroll

pytestmark = pytest.mark.e2e

PASSPHRASE = "a long and new passphrase 8"
ZONE = "Africa/Nairobi"


def _person(browser: Any, viewport: str) -> Any:
    width, height = WIDTHS[viewport]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(60_000)  # the shared CI machine can be slow (as walk.person)
    return page


def _log_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def _shoot(page: Any, name: str, viewport: str) -> None:
    folder = os.environ.get("DATACOLLAB_SCREENSHOTS")
    if folder:
        width = WIDTHS[viewport][0]
        page.screenshot(path=str(Path(folder) / f"cohort-{name}-{width}.png"), full_page=True)


def _link_in_last_mail_to(address: str, path: str) -> str:
    sent = [m for m in mail.outbox if any(address in to for to in m.to)]
    assert sent, [(m.to, m.subject) for m in mail.outbox]
    found = re.search(rf"https?://\S+({re.escape(path)}\S+/)", sent[-1].body)
    assert found is not None, sent[-1].body
    return found.group(1)


def _local(moment: Any) -> str:
    return timezone.localtime(moment, zone_of(ZONE)).strftime("%Y-%m-%dT%H:%M")


def _set_up_and_open(page: Any, base: str, viewport: str) -> Call:
    now = timezone.now()
    menu(page, "Convener")
    page.get_by_role("link", name="Set up cohorts and calls").click()
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name of your network").fill("Peer Learning Network")
    page.get_by_label("Name:", exact=True).fill("Open data stewards")
    page.get_by_label("Focus").fill("organisations that steward open data")
    page.get_by_label("Starts on").fill((now + timedelta(days=60)).strftime("%Y-%m-%d"))
    page.get_by_label("Ends on").fill((now + timedelta(days=240)).strftime("%Y-%m-%d"))
    page.get_by_label("Capacity").fill("2")
    page.get_by_label("Total budget").fill("40000")
    page.get_by_role("button", name="Save cohort").click()
    page.get_by_text("Cohort created. Now open a call for it.").wait_for()

    page.get_by_label("Title").fill("Stewards call")
    page.get_by_label("Summary").fill("For organisations that steward open data")
    page.get_by_label("Time zone of the call").select_option(ZONE)
    page.get_by_label("Opens at").fill(_local(now - timedelta(hours=1)))
    page.get_by_label("Deadline:", exact=True).fill(_local(now + timedelta(days=30)))
    page.get_by_label("Reviews per application").fill("3")
    page.get_by_label("Review deadline").fill(_local(now + timedelta(days=45)))
    page.get_by_role("button", name="Save call").click()
    page.get_by_text("Draft call created.").wait_for()
    call = Call.objects.get()
    assert (call.reviews_per_application, call.review_deadline is not None) == (3, True)

    page.get_by_role("link", name="Questions").first.click()
    page.get_by_label("Kind").select_option("long_text")
    page.get_by_label("Question:", exact=True).fill("What data do you steward?")
    page.get_by_label("Word limit").fill("300")
    page.get_by_role("button", name="Add question").click()
    page.get_by_label("Kind").select_option("number")
    page.get_by_label("Question:", exact=True).fill("How many people maintain it?")
    page.get_by_label("Smallest number").fill("1")
    page.get_by_role("button", name="Add question").click()
    page.get_by_text("Question added.").wait_for()
    _shoot(page, "setup-questions", viewport)
    no_sideways_scroll(page, viewport)

    page.get_by_role("link", name="Eligibility").first.click()
    page.get_by_label("Rule").select_option("amount_at_most")
    page.get_by_label("Values").fill("20000")
    page.get_by_role("button", name="Add rule").click()
    page.get_by_text("Eligibility rule added.").wait_for()

    page.get_by_role("link", name="Rubric").first.click()
    for name, weight in (("Impact", "2"), ("Openness", "1")):
        page.get_by_label("Criterion:", exact=True).fill(name)
        page.get_by_label("Guidance for reviewers").fill(f"How strong is the {name.lower()}?")
        page.get_by_label("Weight").fill(weight)
        page.get_by_role("button", name="Add criterion").click()
        page.locator("main ol.builder strong", has_text=name).wait_for()

    page.get_by_role("link", name="Overview").click()
    page.get_by_text("Everything a call needs is in place.").wait_for()
    _shoot(page, "setup-overview", viewport)
    no_sideways_scroll(page, viewport)
    page.get_by_role("link", name="Open the call…").click()
    page.get_by_role("button", name="Open the call").click()
    page.get_by_text("The call is open and public.").wait_for()
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    return call


def _apply(browser: Any, base: str, viewport: str, call: Call) -> Application:
    page = _person(browser, viewport)
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_label("Your name").fill("Amina Applicant")
    page.get_by_label("Password").fill(PASSPHRASE)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your mail").wait_for()
    verify = _link_in_last_mail_to("amina@example.org", "/accounts/verify/")
    _log_in(page, base, "amina@example.org", PASSPHRASE)
    page.goto(f"{base}{verify}")
    page.get_by_text("Thank you: your email address is verified.").wait_for()

    page.goto(f"{base}/calls/{call.slug}/")
    page.get_by_role("link", name="Apply").click()
    page.get_by_role("link", name="Add your organisation").click()
    page.get_by_label("Name:", exact=True).fill("Nairobi Open Transit")
    page.get_by_label("Kind").select_option(label="Non-profit")
    page.get_by_label("Country").select_option("KE")
    page.get_by_role("button", name="Create").click()
    page.goto(f"{base}/calls/{call.slug}/")
    page.get_by_role("link", name="Apply").click()
    page.get_by_role("button", name="Start a draft").click()
    page.get_by_label("Project title").fill("Open matatu routes")
    page.get_by_label("Summary").fill("Routes and stops of Nairobi's matatus, as open data.")
    page.get_by_label("Amount requested").fill("18000")
    page.get_by_label("What data do you steward?").fill("Routes, stops and timetables.")
    page.get_by_label("How many people maintain it?").fill("4")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("Submitted. You can still edit it until the deadline.").wait_for()
    page.context.close()
    application = Application.objects.get()
    assert (application.status, application.eligible) == ("submitted", True)
    return application


def _invite_reviewer(page: Any, email: str) -> None:
    page.get_by_role("link", name="Invite reviewers and experts").click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Role").select_option("reviewer")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text(f"Invitation sent to {email}.").wait_for()


def _accept_invitation(browser: Any, base: str, viewport: str, email: str, name: str) -> Any:
    page = _person(browser, viewport)
    page.goto(f"{base}{_link_in_last_mail_to(email, '/accounts/invitations/')}")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(PASSPHRASE)
    page.get_by_role("button", name="Create my account and accept").click()
    page.wait_for_url(f"{base}/accounts/profile/")
    return page


def _review(page: Any, scores: tuple[str, str], comment: str) -> None:
    menu(page, "My reviews")
    page.get_by_role("link", name="Open matatu routes").click()
    for criterion, score in zip(("Impact", "Openness"), scores, strict=True):
        page.locator("fieldset", has_text=criterion).get_by_label(score, exact=True).check()
    page.get_by_label("Comment on Impact").fill(f"{comment} (impact)")
    page.get_by_label("Overall comment").fill(comment)
    page.get_by_role("button", name="Submit review").click()
    page.get_by_text("Review submitted.").wait_for()
    page.context.close()


@pytest.mark.parametrize("viewport", list(WIDTHS))
def test_a_convener_runs_a_cohort_from_an_empty_network(live_server, browser, viewport):
    base = live_server.url
    convener = factories.make_user(
        email="cora@example.org", display_name="Cora Convener", roles=["convener"]
    )
    page = _person(browser, viewport)
    _log_in(page, base, convener.email, factories.PASSWORD)

    # Set-up without the admin, then the open confirmation page.
    call = _set_up_and_open(page, base, viewport)

    # An applicant signs up, verifies, creates their organisation and applies.
    application = _apply(browser, base, viewport, call)

    # Two reviewers invited by email from the convener home; each accepts and is assigned.
    reviewers = (("rita@example.org", "Rita Reviewer"), ("sam@example.org", "Sam Scorer"))
    for email, _name in reviewers:
        menu(page, "Convener")
        _invite_reviewer(page, email)
    pages = {
        email: _accept_invitation(browser, base, viewport, email, name) for email, name in reviewers
    }
    menu(page, "Convener")
    page.get_by_role("link", name="Applications", exact=True).first.click()
    page.get_by_role("link", name="Open matatu routes").wait_for()
    _shoot(page, "applications", viewport)
    no_sideways_scroll(page, viewport)
    page.get_by_role("link", name="Open matatu routes").click()
    page.get_by_role("link", name="Reviews of this application").click()
    for _email, name in reviewers:
        page.get_by_label("Reviewer", exact=True).select_option(label=name)
        page.get_by_role("button", name="Add reviewer").click()
        page.get_by_text("Reviewer added.").wait_for()

    _review(pages["rita@example.org"], ("4", "5"), "A clear plan with riders in mind.")
    _review(pages["sam@example.org"], ("3", "4"), "Needs a maintenance budget.")

    # The convener reads the comments on the application's reviews page.
    page.reload()
    page.get_by_text("A clear plan with riders in mind.", exact=True).wait_for()
    page.get_by_text("Needs a maintenance budget.", exact=True).wait_for()
    _shoot(page, "application-reviews", viewport)
    no_sideways_scroll(page, viewport)

    # Confirming before the deadline is refused, with the reason and the way out.
    menu(page, "Convener")
    page.get_by_role("link", name="Selection", exact=True).first.click()
    page.get_by_role("button", name="Run the optimiser").click()
    page.get_by_text("The optimiser proposed a cohort").wait_for()
    refusal = (
        f"“Stewards call” is open until {format_in_zone(call.deadline, call.timezone)}: "
        "applicants may still apply or edit. Wait for the deadline, or close the call early "
        "with a reason, before selecting or sending decisions."
    )
    assert page.locator("main p.warn").inner_text() == refusal
    assert page.get_by_role("link", name="Confirm this selection…").count() == 0
    # The confirmation page itself (a bookmark, a second tab) refuses in the same words.
    proposal = SelectionProposal.objects.get(call=call)
    page.goto(f"{base}/convener/calls/{call.slug}/selection/{proposal.pk}/confirm/")
    assert page.get_by_role("alert").first.inner_text() == refusal
    assert page.get_by_role("button", name="Confirm this selection").count() == 0

    # Close early, with a reason, through the confirmation page that counts the drafts.
    page.get_by_role("link", name="Close the call").click()
    page.get_by_text("0 applications are still drafts: they can no longer be submitted.").wait_for()
    page.get_by_label("Why close early?").fill("Enough strong applications for two places.")
    _shoot(page, "close-confirm", viewport)
    no_sideways_scroll(page, viewport)
    page.get_by_role("button", name="Close the call").click()
    page.get_by_text("The call is closed: it takes no more applications.").wait_for()

    # Select, then confirm with the acknowledgement (2 reviews where the call asks for 3).
    page.goto(f"{base}/convener/calls/{call.slug}/selection/")
    page.get_by_role("button", name="Run the optimiser").click()
    page.get_by_text("The optimiser proposed a cohort").wait_for()
    _shoot(page, "selection", viewport)
    no_sideways_scroll(page, viewport)
    page.get_by_role("link", name="Confirm this selection…").click()
    page.get_by_role("heading", name="1 eligible application has fewer reviews").wait_for()
    _shoot(page, "confirm-selection", viewport)
    no_sideways_scroll(page, viewport)
    page.get_by_role("button", name="Confirm this selection").click()
    page.get_by_label("I understand that these applications have fewer reviews").check()
    page.get_by_role("button", name="Confirm this selection").click()
    page.get_by_text("Selection confirmed. Review the decision mails, then send them.").wait_for()
    assert CohortMembership.objects.filter(cohort=call.cohort).count() == 1

    # Feedback: the convener picks Sam's overall comment for the applicant.
    page.goto(f"{base}/convener/calls/{call.slug}/applications/{application.pk}/reviews/")
    page.locator("article", has_text="Needs a maintenance budget.").locator(
        'input[name="review"]'
    ).check()
    page.get_by_role("button", name="Save the feedback choice").click()
    page.get_by_text("1 comment will go to the applicant.").wait_for()

    # Send the decisions through their confirmation page.
    page.goto(f"{base}/convener/calls/{call.slug}/mails/")
    page.get_by_role("link", name="Send all drafts…").click()
    page.get_by_role("button", name="Send 1 mail").wait_for()
    _shoot(page, "send-decisions", viewport)
    no_sideways_scroll(page, viewport)
    page.get_by_role("button", name="Send 1 mail").click()
    page.get_by_text("1 mail is being sent.").wait_for()

    decision = [m for m in mail.outbox if m.to == ["amina@example.org"]][-1]
    assert "Feedback from the reviewers:\n- Needs a maintenance budget.\n" in decision.body
    assert "has been selected" in decision.body
    assert [name for _e, name in reviewers if name.split()[0] in decision.body] == []
    call.refresh_from_db()
    assert call.status == Call.Status.DECIDED
    # After the decisions the call's page says it is closed and offers no way to apply.
    page.goto(f"{base}/calls/{call.slug}/")
    page.get_by_text(
        "This call is closed: the decisions have been sent to every applicant."
    ).wait_for()
    assert page.locator("main").get_by_role("link", name="Apply").count() == 0

    # The grant, through its confirmation page; the grants page then shows it.
    page.goto(f"{base}/convener/cohorts/{call.cohort.slug}/grants/")
    page.get_by_role("link", name="Award Nairobi Open Transit").click()
    page.get_by_role("button", name="Continue to confirm").click()
    page.get_by_text("is awarded £18,000.00", exact=False).wait_for()
    assert Award.objects.count() == 0
    page.get_by_role("button", name="Award", exact=True).click()
    page.get_by_text("Nairobi Open Transit was awarded Open matatu routes.").wait_for()
    assert Award.objects.get().amount == Decimal("18000.00")
    _shoot(page, "grants", viewport)
    no_sideways_scroll(page, viewport)
