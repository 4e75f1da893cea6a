"""What the browser flows share: the two widths, logging in, the menu, screenshots on request
(DATACOLLAB_SCREENSHOTS=folder) and the no-sideways-scroll check."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests import factories

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def person(browser: Any, viewport: str, base: str, email: str) -> Any:
    """A new browser context at the viewport's size, logged in as `email`."""
    width, height = WIDTHS[viewport]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(60_000)  # the shared CI machine can be slow
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    return page


def menu(page: Any, name: str) -> None:
    """Follow a link of the main menu, opening it first on a phone (where it is collapsed)."""
    if not page.locator("#site-menu").is_visible():
        page.locator("label[for=menu-toggle]").click()
    page.locator("#site-menu").get_by_role("link", name=name, exact=True).click()


def shoot(page: Any, name: str, viewport: str) -> None:
    folder = os.environ.get("DATACOLLAB_SCREENSHOTS")
    if folder:
        width = WIDTHS[viewport][0]
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def no_sideways_scroll(page: Any, viewport: str) -> None:
    # A click may have started a navigation: measure the page it lands on, not the one it left.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[viewport][0]
