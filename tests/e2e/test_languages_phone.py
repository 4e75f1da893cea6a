"""Issue 14: the language chooser on a 390 px phone without JavaScript, and on a wide screen:
one tap on a language's own name shows the page in it, and nothing scrolls sideways."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.walk import WIDTHS, no_sideways_scroll

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("DATACOLLAB_LAYOUT_SHOTS", "")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_phone_chooser_without_javascript_switches_the_page_language(live_server, browser):
    width, height = WIDTHS["phone"]
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/datasets/")
    page.locator("#menu-toggle").focus()
    page.keyboard.press("Space")
    _shot(page, "languages-menu-390")
    no_sideways_scroll(page, "phone")

    page.locator("form.languages").get_by_role("button", name="Español").click()

    page.wait_for_url(f"{live_server.url}/datasets/")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert [c["value"] for c in context.cookies() if c["name"] == "datacollab_language"] == ["es"]
    no_sideways_scroll(page, "phone")
    context.close()


def test_desktop_chooser_shows_every_language_in_the_header(live_server, browser):
    width, height = WIDTHS["desktop"]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/")
    chooser = page.locator("header.site form.languages")
    assert chooser.get_by_role("button").all_inner_texts() == [
        "English",
        "Español",
        "Français",
        "Português",
    ]
    assert chooser.is_visible() is True
    _shot(page, "languages-header-1366")
    no_sideways_scroll(page, "desktop")
    context.close()
