"""Session feedback in a real browser, on a desktop and a phone: an attendee follows the link
of the feedback mail and rates the session; the convener sees the summary (the fifth answer
lifts it above the small-group threshold) with the comments, without names."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from datacollab.evaluation.models import SessionFeedback
from datacollab.evaluation.services.reminders import feedback_forms_due
from tests import factories
from tests.e2e.walk import no_sideways_scroll, person, shoot
from tests.factories_evaluation import past_session_with, rate
from tests.factories_events import current_cohort

pytestmark = pytest.mark.e2e


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
    page = person(browser, viewport, base, attendee.email)
    page.goto(base + link.group(1))
    page.get_by_role("heading", name=f"Feedback on {session.title}").wait_for()
    no_sideways_scroll(page, viewport)
    shoot(page, "feedback-form", viewport)
    page.get_by_label("5 — very useful").check()
    page.get_by_label("What was useful?").fill("Meeting GBIF")
    page.get_by_label("What should change?").fill("Share the slides first")
    page.get_by_role("button", name="Send my feedback").click()
    page.get_by_text("Thank you: your feedback is saved.").wait_for()
    assert SessionFeedback.objects.get(user=attendee).rating == 5

    # The convener reads the cohort's feedback, then the session's summary.
    desk = person(browser, viewport, base, convener.email)
    desk.goto(f"{base}/feedback/cohorts/{cohort.slug}/")
    no_sideways_scroll(desk, viewport)
    shoot(desk, "feedback-cohort", viewport)
    desk.get_by_role("link", name=session.title).click()
    desk.get_by_text("5 answers; average rating 4.2 out of 5.").wait_for()
    desk.get_by_text("Share the slides first").wait_for()
    assert attendee.display_name not in desk.content()
    no_sideways_scroll(desk, viewport)
    shoot(desk, "feedback-results", viewport)

    # ... and compares the cohorts on the dashboard.
    desk.goto(f"{base}/dashboard/cohorts/compare/")
    desk.locator("#compare-feedback").get_by_role("cell", name="4.2 / 5").wait_for()
    no_sideways_scroll(desk, viewport)
    shoot(desk, "feedback-comparison", viewport)
