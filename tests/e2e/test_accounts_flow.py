"""Accounts in a real browser, on a phone: an organisation admin invites a colleague, who
creates their account from the link and joins; wrong passwords are throttled with a wait."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from datacollab.organisations import rules
from datacollab.organisations.models import User
from tests import factories

pytestmark = pytest.mark.e2e


def _log_in(page, base: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name="Log in").click()


def test_admin_invites_a_colleague_who_joins_from_the_link(live_server, page, browser):
    base = live_server.url
    admin = factories.make_user(email="ada@example.org", display_name="Ada Admin")
    org = factories.make_org(name="Data Cargo", admins=[admin])

    _log_in(page, base, admin.email, factories.PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/accounts/organisations/{org.slug}/")
    page.get_by_role("link", name="Members and invitations").click()
    page.get_by_label("Colleague's email address").fill("ben@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invitation sent to ben@example.org.").wait_for()
    # No horizontal scrolling of the page on a 390 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    link = re.search(r"https?://\S+/accounts/invitations/\S+/", mail.outbox[-1].body)
    assert link is not None
    path = link.group(0).split("/accounts/", 1)[1]
    colleague = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    colleague.goto(f"{base}/accounts/{path}")
    colleague.get_by_label("Your name").fill("Ben Colleague")
    colleague.get_by_label("Password").fill("a long and new passphrase 8")
    colleague.get_by_role("button", name="Create my account and accept").click()
    colleague.wait_for_url(f"{base}/accounts/organisations/{org.slug}/")

    ben = User.objects.get(email="ben@example.org")
    assert (rules.is_member(ben, org), rules.has_verified_email(ben)) == (True, True)


def test_wrong_passwords_are_throttled_with_the_time_to_wait(live_server, page):
    base = live_server.url
    factories.make_user(email="target@example.org")
    for n in range(5):
        _log_in(page, base, "target@example.org", f"guess {n}")
        page.get_by_text("Please enter a correct").first.wait_for()
    _log_in(page, base, "target@example.org", factories.PASSWORD)
    page.get_by_text("Too many attempts. Try again in 15 minutes.").first.wait_for()
    assert page.url == f"{base}/accounts/login/"


WIDTHS = {"desktop": 1366, "phone": 390}


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("DATACOLLAB_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_convener_invites_a_reviewer_and_revokes_an_expert(live_server, browser, viewport):
    base = live_server.url
    width = WIDTHS[viewport]
    convener = factories.make_user(
        email="cora@example.org", display_name="Cora Convener", roles=["convener"]
    )
    factories.make_user(display_name="Rita Reviewer", roles=["reviewer"])
    factories.make_user(display_name="Eli Expert", roles=["expert"], expertise="data trusts")
    org = factories.make_org(name="Data Cargo", admins=[convener])
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    _log_in(page, base, convener.email, factories.PASSWORD)
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/accounts/profile/")
    page.get_by_role("link", name="Reviewers, experts and invitations").click()
    page.get_by_label("Email address").fill("new.reviewer@example.org")
    page.get_by_label("Role").select_option("reviewer")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invitation sent to new.reviewer@example.org.").wait_for()
    _shoot(page, f"accounts-roles-{width}")
    page.get_by_role("button", name="Revoke expert role").click()
    page.get_by_text("Role revoked.").wait_for()
    assert page.get_by_text("Eli Expert").count() == 0
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    factories.make_user(email="ben@example.org", display_name="Ben Colleague")
    org.memberships.create(user=User.objects.get(email="ben@example.org"), role="member")
    page.goto(f"{base}/accounts/organisations/{org.slug}/members/")
    page.get_by_label("Colleague's email address").fill("dana@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invitation sent to dana@example.org.").wait_for()
    _shoot(page, f"accounts-members-{width}")
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= width
