"""The city planner on the demo's pooled sensor data: choose an example query, read the
released table, at desktop and phone widths, without scrolling sideways."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from datacollab.demo import content
from datacollab.demo import privacy as demo_privacy
from datacollab.demo.builder import load_demo
from tests.datasets.factories_access import datasets_storage  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("datasets_storage")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# Set to a folder to keep the screenshots.
SHOTS = os.environ.get("DATACOLLAB_LAYOUT_SHOTS", "")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def test_city_planner_runs_an_example_query_and_reads_the_released_table(browser, live_server):
    load_demo()
    base = live_server.url
    seen = {}
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", demo_privacy.CITY_PLANNER)
        page.fill("#id_password", content.PASSWORD)
        page.locator("main").get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/privacy/datasets/data-cargo-sensors/")
        _shot(page, "aggregates-examples")

        page.get_by_role("button", name="Run “trips and speed by zone”").click()
        page.wait_for_selector("table caption")
        _shot(page, "aggregates-result")

        headers = page.locator("table thead th").all_inner_texts()
        rows = {
            row.locator("th").inner_text(): row.locator("td").all_inner_texts()
            for row in page.locator("table tbody tr").all()
        }
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        seen[viewport["width"]] = (headers, rows, overflow)
        context.close()

    headers, rows, overflow = seen[390]
    assert headers == [
        "zone",
        "count",
        "mean(avg_speed_kmh)",
        "p50(avg_speed_kmh)",
        "p75(avg_speed_kmh)",
    ]
    assert rows["Camden"] == ["suppressed: too few contributors"]
    assert rows["Lambeth"] == ["suppressed: too few contributors"]
    released = {zone: values for zone, values in rows.items() if len(values) == 4}
    assert len(released) >= 4
    for values in released.values():
        assert 0 <= float(values[2]) <= 30 and float(values[2]) <= float(values[3]) <= 30
    assert overflow <= 0
    assert seen[1366][:2] == seen[390][:2]  # the same answer (a repeat) at both widths
