"""The delta page in a real browser: it renders, switches language, and stays offline."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _open(browser, url: str, requests: list[str]):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.goto(url, wait_until="domcontentloaded")
    return context, page


def _non_local(requests: list[str]) -> list[str]:
    return [u for u in requests if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL_HOSTS]


def test_delta_page_shows_the_delta_in_french_and_stays_offline(app_server, browser, screenshot_dir):
    requests: list[str] = []
    context, page = _open(browser, app_server, requests)
    try:
        page.get_by_role("heading", name="Delta intérieur du Niger — plans de contingence").wait_for(timeout=60_000)
        page.get_by_text("Population 2024").first.wait_for(timeout=60_000)
        page.locator("img[alt]").or_(page.locator("[data-testid='stImage'] img")).first.wait_for(timeout=60_000)
        assert page.get_by_text("approximatives").first.is_visible()
        assert page.get_by_test_id("stMetricValue").nth(1).inner_text().strip() == "17"
        page.wait_for_timeout(1500)  # let late requests (fonts, icons) show up in the log
        if screenshot_dir:
            page.screenshot(path=str(screenshot_dir / "delta-fr.png"), full_page=True)
        assert requests, "the request log is empty: the page did not load"
        assert _non_local(requests) == []
    finally:
        context.close()


def test_delta_page_switches_to_english(app_server, browser, screenshot_dir):
    requests: list[str] = []
    context, page = _open(browser, app_server, requests)
    try:
        page.get_by_role("heading", name="Delta intérieur du Niger — plans de contingence").wait_for(timeout=60_000)
        page.get_by_text("English").click()
        page.get_by_role("heading", name="Inland Niger delta — contingency plans").wait_for(timeout=60_000)
        page.get_by_text("River gauges and alert levels").wait_for(timeout=60_000)
        assert "lang=en" in page.url
        page.wait_for_timeout(1000)
        if screenshot_dir:
            page.screenshot(path=str(screenshot_dir / "delta-en.png"), full_page=False)
        assert _non_local(requests) == []
    finally:
        context.close()
