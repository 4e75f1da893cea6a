"""The city planner on the demo's pooled sensor data: choose an example query, read the
released table, at desktop and phone widths, without scrolling sideways."""

from __future__ import annotations

import os
import re
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

        # The heat map example: zone by day, drawn server-side with its table.
        page.get_by_role("button", name="Run “mean speed by zone and day”").click()
        page.wait_for_selector("figure.chart-figure svg")
        _shot(page, "aggregates-heat-map")
        seen[f"map-{viewport['width']}"] = page.locator("table tbody tr").count()
        context.close()

    headers, rows, overflow = seen[390]
    assert headers == [
        "zone",
        "Number of rows",
        "Mean of avg_speed_kmh",
        "Median of avg_speed_kmh",
        "Percentile 75 of avg_speed_kmh",
    ]
    assert rows["Camden"] == ["suppressed: too few contributors"]
    assert rows["Lambeth"] == ["suppressed: too few contributors"]
    released = {zone: values for zone, values in rows.items() if len(values) == 4}
    assert len(released) >= 4
    for values in released.values():
        assert 0 <= float(values[2]) <= 30 and float(values[2]) <= float(values[3]) <= 30
    assert overflow <= 0
    assert seen[1366][:2] == seen[390][:2]  # the same answer (a repeat) at both widths
    assert seen["map-1366"] == seen["map-390"] == 224  # 8 zones x 28 days

    # Utility beside safety, for the owner: 5 of 8 zones, and the error of the median and
    # upper quartile read from bins (counts and means are exact without noise).
    owner_text = _owner_sees_utility(browser, base)
    found = re.search(
        r"share of cells released ([0-9.]+); median relative error against the unprotected "
        r"answer [0-9.]+\.\s+Median relative error per measure: Number of rows ([0-9.]+); "
        r"Mean of avg_speed_kmh ([0-9.]+); Median of avg_speed_kmh ([0-9]+\.[0-9]+); "
        r"Percentile 75 of avg_speed_kmh ([0-9]+\.[0-9]+)",
        owner_text,
    )
    assert found is not None
    assert found.groups()[:3] == ("0.63", "0.000", "0.000")
    assert 0 < float(found.group(4)) < 0.02
    assert 0 < float(found.group(5)) < 0.02


def _owner_sees_utility(browser, base: str) -> str:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "data-cargo@demo.datacollab.org")
    page.fill("#id_password", content.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/privacy/datasets/data-cargo-sensors/")
    page.get_by_role("button", name="Run “trips and speed by zone”").click()
    page.wait_for_selector("table caption")
    _shot(page, "aggregates-owner")
    text = page.locator("main").inner_text()
    context.close()
    return text
