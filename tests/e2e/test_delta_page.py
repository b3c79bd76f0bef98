"""The delta page in a real browser: it renders, switches language, shows a cercle's numbers
on hover of the interactive map, and stays offline."""

from __future__ import annotations

import pytest

from tests.e2e.steps import no_exception, non_local, open_page, settle

pytestmark = pytest.mark.browser


def test_delta_page_shows_the_delta_in_french_and_stays_offline(app_server, browser, screenshot_dir):
    requests: list[str] = []
    context, page = open_page(browser, app_server, requests)
    try:
        page.get_by_role("heading", name="Delta intérieur du Niger — plans de contingence").wait_for(timeout=120_000)
        page.get_by_text("Population 2024").first.wait_for(timeout=60_000)
        settle(page)
        no_exception(page, "opening the delta page")
        page.locator("[data-testid='stImage'] img").first.wait_for(timeout=60_000)
        # the built-in cercles are OCHA's: the map's caption says so, and no "approximate" notice
        assert page.get_by_text("limites de cercles officielles").first.is_visible()
        assert page.get_by_text("approximatives").count() == 0
        assert page.get_by_test_id("stMetricValue").nth(1).inner_text().strip() == "17"
        page.wait_for_timeout(1500)  # let late requests (fonts, icons) show up in the log
        if screenshot_dir:
            page.screenshot(path=str(screenshot_dir / "delta-fr.png"), full_page=True)
        # the interactive map: hovering a cercle shows its numbers in French
        page.get_by_role("tab", name="Cercles (carte interactive)").click()
        chart = page.get_by_test_id("stVegaLiteChart").first
        chart.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        box = chart.bounding_box()
        page.mouse.move(
            box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.45
        )  # inside a cercle, off the rivers
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=10_000)
        assert "Population 2024" in tooltip.inner_text()
        if screenshot_dir:
            page.screenshot(path=str(screenshot_dir / "delta-map-fr.png"))
        assert requests, "the request log is empty: the page did not load"
        assert non_local(requests) == []
    finally:
        context.close()


def test_delta_page_switches_to_english(app_server, browser):
    requests: list[str] = []
    context, page = open_page(browser, app_server, requests)
    try:
        page.get_by_role("heading", name="Delta intérieur du Niger — plans de contingence").wait_for(timeout=120_000)
        settle(page)
        page.get_by_text("English").click()
        page.get_by_role("heading", name="Inland Niger delta — contingency plans").wait_for(timeout=60_000)
        page.get_by_text("River gauges and alert levels").wait_for(timeout=60_000)
        settle(page)
        no_exception(page, "switching to English")
        assert "lang=en" in page.url
        assert non_local(requests) == []
    finally:
        context.close()
