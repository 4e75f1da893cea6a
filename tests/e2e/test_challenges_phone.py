"""A challenge's pages on a 390 px phone: nothing scrolls sideways (issue 12)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from datacollab.challenges.models import Challenge, JudgeAssignment
from tests import factories
from tests.challenges.factories_challenges import make_challenge, make_submission, make_team

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_challenge_pages_fit_a_phone(live_server, browser):
    convener = factories.make_user(email="convener@example.org", roles=["convener"])
    challenge = make_challenge(
        status=Challenge.Status.RESULTS,
        title="The impact of Covid-19 on online education for ages 5-18",
        rules="1. Use at least one of the challenge's open datasets.\n2. Teams of one to four.",
    )
    judge = factories.make_user()
    for n in range(4):
        team = make_team(challenge, name=f"A team with a rather long name number {n}")
        submission = make_submission(
            team, title=f"Mothers' hours lost to home schooling across many cities {n}"
        )
        JudgeAssignment.objects.create(
            submission=submission, judge=judge, weighted_score=n + 1, scored_at=timezone.now()
        )
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", convener.email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    widths = {}
    for path in [
        "/challenges/",
        f"/challenges/{challenge.slug}/",
        f"/challenges/{challenge.slug}/results/",
        f"/challenges/{challenge.slug}/manage/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        widths[path] = page.evaluate("() => document.documentElement.scrollWidth")
    context.close()

    assert set(widths.values()) == {390}, widths
