"""The Déclencheurs page in a real browser on the app started with ``make run``: score the
early-action plan's triggers, read a scorecard, try another threshold, click again (nothing is
played again), download triggers.json, switch to English — no exception box at any step,
nothing leaves 127.0.0.1."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.e2e.steps import choose, git_status, no_exception, non_local, open_page, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_score_the_triggers_and_try_a_threshold(app_server, browser, user_data, screenshot_dir, tmp_path):
    status = git_status()
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/triggers", requests)
    try:
        page.get_by_role("heading", name="Déclencheurs sur de nombreuses saisons").wait_for(timeout=180_000)
        settle(page)
        choose(page, "Plan", "early-action (livré)")
        settle(page)
        seasons = page.get_by_label("Saisons simulées")
        seasons.fill("10")
        seasons.press("Enter")
        settle(page)
        began = time.monotonic()
        page.get_by_role("button", name="Évaluer les déclencheurs").click()
        settle(page)
        no_exception(page, "scoring the triggers")
        card = page.get_by_text("saisons graves sur", exact=False).first
        card.wait_for(timeout=600_000)
        print(f"click to scorecards, 10 seasons: {time.monotonic() - began:.1f} s")
        if screenshot_dir:
            page.get_by_text("sont graves", exact=False).first.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(2000)
            page.screenshot(path=str(screenshot_dir / "triggers-fr.png"))
        other = page.get_by_label("Essayer un autre seuil").first
        other.fill("900")
        other.press("Enter")
        settle(page)
        no_exception(page, "trying another threshold")
        page.get_by_text("il ne se déclenche dans aucune des 10 saisons", exact=False).wait_for(timeout=30_000)
        began = time.monotonic()
        page.get_by_role("button", name="Évaluer les déclencheurs").click()  # the same request: kept
        settle(page)
        assert time.monotonic() - began < 60, "the record was played again"
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Télécharger triggers.json").click()
        saved = tmp_path / "triggers.json"
        download.value.save_as(saved)
        data = json.loads(saved.read_text(encoding="utf-8"))
        assert data["seasons"] == 10 and len(data["triggers"]) == 6
        no_exception(page, "downloading triggers.json")
        page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
        settle(page)
        no_exception(page, "switching to English")
        page.get_by_text("Triggers over many seasons").wait_for(timeout=60_000)
        assert non_local(requests) == []
    finally:
        context.close()
    assert git_status() == status
