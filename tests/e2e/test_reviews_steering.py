"""A convener steers review in a real browser: reads the comments, adds a reviewer, sets a
review deadline (blind review, set before any reviewer, cannot be turned off), reminds
reviewers, chooses the applicant's feedback.

With DATACOLLAB_SCREENSHOTS=DIR set, it also saves the pages at 1366 and 390 px wide.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core import mail

from datacollab.network.models import Review, ReviewReminder
from tests import factories
from tests.network.factories_reviews import assign, make_review, make_reviewer

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": 1366, "phone": 390}


def _log_in(browser, base: str, email: str, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)  # the shared CI machine can be slow
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    return page


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("DATACOLLAB_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_convener_reads_reviews_reminds_and_chooses_feedback(live_server, browser, viewport):
    base = live_server.url
    width = WIDTHS[viewport]
    convener = factories.make_user(email="convener@example.org", roles=["convener"])
    # Blind from before any reviewer was assigned: it cannot change once one is.
    call = factories.make_call(slug="call-e2e", title="Flood data call", blind_review=True)
    app = factories.make_application(
        call=call,
        organisation=factories.make_org(name="Lagos Transit Data", country="NG"),
        title="Shared bus positions",
    )
    rita, sam = make_reviewer(name="Rita Reviewer"), make_reviewer(name="Sam Scorer")
    review = make_review(assign(app, rita), [4, 3])
    review.comment = "A clear plan with real riders in mind."
    review.save()
    assign(app, sam)  # Sam has not started
    extra = make_reviewer(name="Tess Third")

    page = _log_in(browser, base, convener.email, width)

    # The scores page links to the application's reviews, where the comment is readable.
    page.goto(f"{base}/convener/calls/{call.slug}/scores/")
    page.get_by_role("link", name="Shared bus positions").click()
    page.get_by_text("A clear plan with real riders in mind.").wait_for()

    # A named reviewer is added by hand beside the optimiser's choice.
    page.get_by_label("Reviewer", exact=True).select_option(label="Tess Third")
    page.get_by_role("button", name="Add reviewer").click()
    page.get_by_text("Reviewer added.").wait_for()
    assert app.assignments.filter(reviewer=extra).count() == 1

    # The review deadline is set on the review settings page; blind review cannot be turned
    # off under reviewers who started blind.
    page.goto(f"{base}/convener/calls/{call.slug}/assignments/")
    page.get_by_role("link", name="Change the review settings").click()
    page.get_by_label("Review deadline").fill("2030-03-01T17:00")
    page.get_by_label("Blind review").uncheck()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("blind review can no longer be turned off.", exact=False).wait_for()
    page.get_by_label("Blind review").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Review settings saved.").wait_for()
    _shoot(page, f"reviews-progress-{width}")

    # Reminders: the button states the count, the confirmation names who, the worker sends.
    page.get_by_role("link", name="Remind 2 reviewers").click()
    page.get_by_role("heading", name="Remind 2 reviewers?").wait_for()
    page.get_by_role("button", name="Send 2 reminders").click()
    page.get_by_text("Reminders to 2 reviewers are on their way.").wait_for()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([sam.email, extra.email])
    assert ReviewReminder.objects.count() == 2
    assert all("Lagos Transit Data" not in m.body for m in mail.outbox)

    # The convener reads the blind call's reviews as "Reviewer 1" and chooses the feedback.
    page.goto(f"{base}/convener/calls/{call.slug}/applications/{app.pk}/reviews/")
    page.get_by_role("heading", name="Reviewer 1").wait_for()
    page.get_by_label("send to the applicant").check()
    page.get_by_role("button", name="Save the feedback choice").click()
    page.get_by_text("1 comment will go to the applicant.").wait_for()
    assert Review.objects.get(pk=review.pk).share_comment is True
    _shoot(page, f"reviews-application-{width}")

    # On a phone the page itself never scrolls sideways; wide tables scroll in their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
