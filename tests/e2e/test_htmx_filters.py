"""htmx enhances, never replaces: the filter refreshes the table in place when JavaScript runs."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.e2e


def test_call_applications_filter_updates_table_in_place(live_server, browser):
    convener = factories.make_user(email="convener@example.org", roles=["convener"])
    call = factories.make_call(slug="call-htmx")
    factories.make_application(call=call, title="Eligible one", eligible=True)
    factories.make_application(call=call, title="Ineligible one", eligible=False)

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", convener.email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/convener/calls/{call.slug}/applications/")
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Eligibility").select_option("no")
    page.locator("#applications-table caption").filter(has_text="1 application").wait_for()

    rows = page.locator("#applications-table tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").nth(3).locator("a").inner_text() == "Ineligible one"
    assert page.evaluate("window.notReloaded") is True  # the page itself was not reloaded
    assert page.url.endswith("?status=&eligible=no")
    context.close()
