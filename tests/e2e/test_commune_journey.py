"""The Ma commune page in a real browser on the app started with ``make run``: find Kewa through
the village of Kouakourou, prepare its plan for Mopti's 2024 peak, click again (nothing is
played again), download the one-page PDF, change the gauge and prepare again, switch to
English — no exception box at any step, nothing leaves 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.steps import choose, git_status, no_exception, non_local, open_page, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_prepare_print_and_change_a_commune_plan(app_server, browser, user_data, screenshot_dir, tmp_path):
    status = git_status()
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/commune", requests)
    try:
        page.get_by_role("heading", name="Ma commune").wait_for(timeout=180_000)
        settle(page)
        search = page.get_by_label("Commune ou village")
        search.fill("Kouakourou")
        search.press("Enter")
        settle(page)
        began = time.monotonic()
        page.get_by_role("button", name="Préparer le plan").click()
        settle(page)
        page.get_by_text("Plan de contingence de la commune de Kewa").wait_for(timeout=300_000)
        print(f"click to commune plan: {time.monotonic() - began:.1f} s")
        no_exception(page, "preparing the plan")
        page.get_by_text("« Kouakourou » est un village de la commune de Kewa").wait_for(timeout=30_000)
        page.get_by_text("Le premier village est inondé").wait_for(timeout=30_000)
        if screenshot_dir:
            page.get_by_text("Plan de contingence de la commune de Kewa").evaluate(
                "e => e.scrollIntoView({block: 'start'})"
            )
            page.wait_for_timeout(2500)
            page.screenshot(path=str(screenshot_dir / "commune-fr.png"))
        began = time.monotonic()
        page.get_by_role("button", name="Préparer le plan").click()  # the same request: kept
        settle(page)
        assert time.monotonic() - began < 30, "the plan was prepared again"
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Télécharger le plan (PDF, une page)").click()
        saved = tmp_path / "commune-plan.pdf"
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")
        no_exception(page, "downloading the plan")
        page.get_by_label("Échelle", exact=True).scroll_into_view_if_needed()  # the page was read down to the downloads
        choose(page, "Échelle", "Sofara")
        settle(page)
        page.get_by_role("button", name="Préparer le plan").click()
        settle(page)
        page.get_by_text("à l'échelle de Sofara", exact=False).first.wait_for(timeout=300_000)
        no_exception(page, "preparing the plan at Sofara")
        page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
        settle(page)
        no_exception(page, "switching to English")
        page.get_by_role("heading", name="My commune").wait_for(timeout=60_000)
        assert non_local(requests) == []
    finally:
        context.close()
    assert git_status() == status
