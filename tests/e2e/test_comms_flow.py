"""Issue 13 in a real browser, at desktop and phone widths: a convener writes to a cohort,
previews the mail of one chosen recipient, confirms the count and sends; an anonymous person
finds a public webinar, registers, confirms their email from the mailed link, and the
convener sees the registration.

With DATACOLLAB_SCREENSHOTS=DIR set, each page is saved at each width.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from datacollab.events.models import Audience, Registration
from datacollab.events.services.public import set_public
from tests import factories
from tests import factories_events as events
from tests.e2e.walk import menu

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def _page(browser: Any, viewport: str) -> Any:
    width, height = WIDTHS[viewport]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(15_000)
    return page


def _log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def _check(page: Any, name: str, viewport: str) -> None:
    """No sideways scrolling (readable on a phone), and a screenshot when asked for."""
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[viewport][0], name
    folder = os.environ.get("DATACOLLAB_SCREENSHOTS")
    if folder:
        width = WIDTHS[viewport][0]
        page.screenshot(path=str(Path(folder) / f"comms-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_convener_messages_a_cohort_and_a_visitor_registers_for_a_webinar(
    live_server, browser, viewport
):
    base = live_server.url
    convener = factories.make_user(
        email="convener@example.org", roles=["convener"], display_name="Cara"
    )
    cohort = events.current_cohort(slug="cargo-e2e", name="Cargo bikes")
    org = factories.make_org(name="Data Cargo")
    events.make_participant(
        cohort, organisation=org, email="amina@example.org", display_name="Amina"
    )
    events.make_participant(
        cohort,
        organisation=factories.make_org(name="MaaS-Peer"),
        email="ben@example.org",
        display_name="Ben Okafor",
    )
    webinar = events.make_session(
        actor=convener,
        audience=Audience.NETWORK,
        title="Information webinar: the third call",
        kind="workshop",
        starts_at=events.at(10),
        video_url="https://video.example.org/webinar",
        description="Who the call is for, and how to apply.",
    )
    set_public(actor=convener, session=webinar, public=True, capacity=50)

    # The convener writes to the cohort and previews Ben's mail.
    page = _page(browser, viewport)
    _log_in(page, base, convener.email)
    menu(page, "Convener")
    page.get_by_role("link", name="Write to a group").click()
    page.get_by_role("link", name="Write a message").click()
    page.get_by_label("Cohort: Cargo bikes (its participants)").check()
    page.get_by_role("textbox", name="Subject").fill("Next steps for {organisation}")
    page.get_by_role("textbox", name="Message").fill(
        "Dear {name},\n\nThe roundtable notes of {cohort} are online."
    )
    _check(page, "compose", viewport)
    page.get_by_role("button", name="Save and preview").click()
    page.get_by_text("Draft saved: preview it for each recipient.").wait_for()
    page.get_by_label("Recipient").select_option(label="Ben Okafor (MaaS-Peer)")
    page.get_by_role("button", name="Show their mail").click()
    page.locator("pre.mail-body", has_text="Dear Ben Okafor,").wait_for()
    assert "The roundtable notes of Cargo bikes are online." in page.locator("pre").inner_text()
    _check(page, "preview", viewport)

    # ... confirms the count and sends: one mail each, through the outbox.
    page.get_by_role("link", name="Send…").click()
    page.get_by_text("This message will be sent to 2 people.").wait_for()
    _check(page, "confirm", viewport)
    page.get_by_role("button", name="Send now").click()
    page.get_by_text("Sent to 2 people through the outbox.").wait_for()
    _check(page, "sent", viewport)
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert sent == [
        ("amina@example.org", "Next steps for Data Cargo"),
        ("ben@example.org", "Next steps for MaaS-Peer"),
    ]

    # A visitor without an account finds the webinar and registers.
    visitor = _page(browser, viewport)
    visitor.goto(f"{base}/")
    menu(visitor, "Public sessions")
    _check(visitor, "timetable", viewport)
    visitor.get_by_role("link", name="Information webinar: the third call").click()
    visitor.get_by_label("Your name").fill("Nadia Haddad")
    visitor.get_by_label("Your email").fill("nadia@example.org")
    visitor.get_by_label("Organisation (optional)").fill("Tunis transport office")
    _check(visitor, "register", viewport)
    visitor.get_by_role("button", name="Register").click()
    visitor.get_by_role("heading", name="Check your mail").wait_for()
    (confirmation,) = [m for m in mail.outbox if m.to == ["nadia@example.org"]]
    assert confirmation.attachments[0][0] == "session.ics"
    link = re.search(r"https?://\S+(/sessions/public/registration/\S+/)", confirmation.body)
    assert link is not None
    visitor.goto(f"{base}{link.group(1)}")
    visitor.get_by_role("button", name="Confirm my email").click()
    visitor.get_by_text("Thank you: your email is confirmed and your place kept.").wait_for()
    _check(visitor, "confirmed", viewport)
    assert Registration.objects.get(email="nadia@example.org").status == "confirmed"
    visitor.goto(f"{base}/sessions/public/{webinar.slug}/")
    assert "nadia@example.org" not in visitor.content()

    # The convener sees who registered.
    page.goto(f"{base}/sessions/{webinar.slug}/")
    page.get_by_role("link", name="Public listing and registrations").click()
    page.get_by_role("cell", name="nadia@example.org").wait_for()
    _check(page, "registrations", viewport)
