"""The convener's wide pages on a 390 px phone: the page never scrolls sideways and the header
stays short (issue 8, problem 7: the header took a third of the screen, tables ran to 1,000 px).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories
from tests.factories_reports import make_award, make_member

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# Set to a folder to keep the screenshots (e.g. to look at them while changing the CSS).
SHOTS = os.environ.get("DATACOLLAB_LAYOUT_SHOTS", "")


def _wide_call():  # type: ignore[no-untyped-def]
    cohort = factories.make_cohort(slug="wide-cohort", name="A cohort with long names")
    call = factories.make_call(cohort=cohort, open=False, slug="wide-call")
    for n in range(12):
        org = factories.make_org(
            name=f"Organisation with a rather long name number {n} for data sharing",
            country=["KE", "BR", "IN", "GB"][n % 4],
        )
        factories.make_application(
            call=call,
            organisation=org,
            title=f"A collaboration on river, air and transport data across many cities {n}",
        )
        if n < 6:
            member = make_member(cohort, name=f"Member organisation with a long name {n}")
            make_award(cohort, member, paid=n % 3)
    return cohort, call


def _logged_in(browser, base: str, email: str, viewport: dict):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    return page


def _measure(page, name: str) -> dict:  # type: ignore[no-untyped-def]
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    return page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            header: document.querySelector('header.site').getBoundingClientRect().height,
            height: window.innerHeight,
            h1Bottom: document.querySelector('main h1').getBoundingClientRect().bottom,
        })"""
    )


def test_convener_tables_fit_a_phone_without_sideways_scrolling(live_server, browser):
    convener = factories.make_user(email="convener@example.org", roles=["convener"])
    cohort, call = _wide_call()
    page = _logged_in(browser, live_server.url, convener.email, PHONE)

    seen = {}
    for name, path in [
        ("applications", f"/convener/calls/{call.slug}/applications/"),
        ("grants", f"/convener/cohorts/{cohort.slug}/grants/"),
        ("convener", "/convener/"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        seen[name] = _measure(page, name)

    for name, m in seen.items():
        assert m["scrollWidth"] == m["viewport"] == 390, name
        assert m["header"] < m["height"] / 4, name
        assert m["h1Bottom"] < m["height"] / 3, name  # the page's heading is near the top
    # The table itself scrolls inside its box, with the first column fixed.
    table = page.goto(f"{live_server.url}/convener/calls/{call.slug}/applications/")
    assert table.status == 200
    sticky = page.evaluate(
        "() => getComputedStyle(document.querySelector('main table td, main table th')).position"
    )
    assert sticky == "sticky"


def test_phone_menu_opens_from_the_keyboard_without_javascript(live_server, browser):
    convener = factories.make_user(email="convener@example.org", roles=["convener"])
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/")
    menu = page.locator("#site-menu")
    assert menu.is_visible() is False

    page.locator("#menu-toggle").focus()
    page.keyboard.press("Space")

    assert menu.is_visible() is True
    assert page.get_by_role("link", name="Datasets").is_visible() is True
    assert convener.pk  # the menu shows the same links as on a wide screen
    context.close()


def test_desktop_shows_the_menu_without_a_toggle(live_server, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/")

    shown = (
        page.locator("#site-menu").is_visible(),
        page.locator("label[for=menu-toggle]").is_visible(),
    )

    assert shown == (True, False)
    assert _measure(page, "home")["header"] < 120
    context.close()
