"""The plan page in a real browser: play two plans on a season and download the report."""

from __future__ import annotations

import pytest

from tests.e2e.test_delta_page import _non_local, _open

pytestmark = pytest.mark.browser


def test_two_plans_on_the_2022_flood(app_server, browser, screenshot_dir, tmp_path):
    requests: list[str] = []
    context, page = _open(browser, app_server + "/plan", requests)
    try:
        page.get_by_role("heading", name="Plan de contingence et simulation").wait_for(timeout=120_000)
        page.get_by_label("Scénario").click()
        page.get_by_role("option", name="flood-2022").click()
        page.get_by_label("Plan B (comparaison)").click()
        page.get_by_role("option", name="early-action").click()
        page.get_by_label("Membres de l'ensemble").fill("2")
        page.get_by_label("Membres de l'ensemble").press("Enter")
        page.wait_for_timeout(1000)
        page.get_by_role("button", name="Lancer l'ensemble").click()
        page.get_by_text("B − A (apparié)", exact=False).wait_for(timeout=600_000)
        page.get_by_text("Taux de couverture").nth(1).wait_for(timeout=60_000)  # one metric row per plan
        page.wait_for_timeout(1500)
        if screenshot_dir:
            page.get_by_text("B − A (apparié)", exact=False).scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot_dir / "plan-fr.png"))
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Rapport (PDF)").click()
        path = tmp_path / "report.pdf"
        download.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF")
        assert _non_local(requests) == []
    finally:
        context.close()
