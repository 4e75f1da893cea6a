"""Session feedback in a real browser, on a desktop and a phone: an attendee follows the link
of the feedback mail and rates the session; the convener sees the summary (the fifth answer
lifts it above the small-group threshold) with the comments, without names."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from datacollab.evaluation.models import SessionFeedback
from datacollab.evaluation.services.reminders import feedback_forms_due
from tests import factories
from tests.factories_evaluation import past_session_with, rate
from tests.factories_events import current_cohort

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def _person(browser: Any, viewport: str, base: str, email: str) -> Any:
    width, height = WIDTHS[viewport]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(60_000)  # the shared CI machine can be slow
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    return page


def _shoot(page: Any, name: str, viewport: str) -> None:
    folder = os.environ.get("DATACOLLAB_SCREENSHOTS")
    if folder:
        width = WIDTHS[viewport][0]
        page.screenshot(path=str(Path(folder) / f"feedback-{name}-{width}.png"), full_page=True)


def _no_sideways_scroll(page: Any, viewport: str) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[viewport][0]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_attendee_gives_feedback_and_convener_sees_the_summary(live_server, browser, viewport):
    base = live_server.url
    convener = factories.make_user(email="convener@example.org", roles=["convener"])
    cohort = current_cohort(name="Open data stewards")
    session, people = past_session_with(convener, cohort, attendees=5)
    rate(session, people[1:], [5, 4, 4, 3], useful="The case studies")
    attendee = people[0]

    # The feedback mail goes out; the attendee follows its link.
    for reminder in feedback_forms_due(timezone.now()):
        reminder.send()
    (message,) = mail.outbox
    assert message.to == [attendee.email]
    link = re.search(r"https?://\S+(/feedback/sessions/\S+/)", message.body)
    assert link is not None
    page = _person(browser, viewport, base, attendee.email)
    page.goto(base + link.group(1))
    page.get_by_role("heading", name=f"Feedback on {session.title}").wait_for()
    _no_sideways_scroll(page, viewport)
    _shoot(page, "form", viewport)
    page.get_by_label("5 — very useful").check()
    page.get_by_label("What was useful?").fill("Meeting GBIF")
    page.get_by_label("What should change?").fill("Share the slides first")
    page.get_by_role("button", name="Send my feedback").click()
    page.get_by_text("Thank you: your feedback is saved.").wait_for()
    assert SessionFeedback.objects.get(user=attendee).rating == 5

    # The convener reads the cohort's feedback, then the session's summary.
    desk = _person(browser, viewport, base, convener.email)
    desk.goto(f"{base}/feedback/cohorts/{cohort.slug}/")
    _no_sideways_scroll(desk, viewport)
    _shoot(desk, "cohort", viewport)
    desk.get_by_role("link", name=session.title).click()
    desk.get_by_text("5 answers; average rating 4.2 out of 5.").wait_for()
    desk.get_by_text("Share the slides first").wait_for()
    assert attendee.display_name not in desk.content()
    _no_sideways_scroll(desk, viewport)
    _shoot(desk, "results", viewport)

    # ... and compares the cohorts on the dashboard.
    desk.goto(f"{base}/dashboard/cohorts/compare/")
    desk.locator("#compare-feedback").get_by_role("cell", name="4.2 / 5").wait_for()
    _no_sideways_scroll(desk, viewport)
    _shoot(desk, "comparison", viewport)
