""" "Proposer un plan" on the Plan page, in a real browser on the app started with ``make run``:
propose a stock for a season, read the verdict, use the proposal as plan B, play A against it —
no exception box at any step, nothing leaves 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.steps import choose, git_status, no_exception, non_local, open_page, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_propose_a_plan_and_compare_it(app_server, browser, user_data, screenshot_dir, tmp_path):
    status = git_status()
    folder = user_data / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    (folder / "crue-2022-grossiere.yaml").write_text(
        text.replace("name: flood-2022", "name: crue-2022-grossiere").replace(
            "resolution: 0.01 degree", "resolution: 0.05 degree"
        ),
        encoding="utf-8",
    )
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/plan", requests)
    try:
        page.get_by_role("heading", name="Plan de contingence et simulation").wait_for(timeout=180_000)
        settle(page)
        choose(page, "Scénario", "crue-2022-grossiere")
        settle(page)
        page.get_by_text("Proposer un plan").first.click()
        members = page.get_by_label("Saisons simulées (membres)")
        members.fill("2")
        members.press("Enter")
        settle(page)
        page.get_by_role("button", name="Proposer un plan").click()
        settle(page)
        no_exception(page, "proposing a plan")
        page.get_by_text("saisons qu'il n'a pas vues", exact=False).first.wait_for(timeout=600_000)
        # comparison, stock, costs and bounds: four tables (drawn on a canvas, so counted, not read)
        panel = page.get_by_test_id("stExpander").filter(has_text="Le simulateur cherche le stock")
        panel.get_by_test_id("stDataFrame").nth(3).wait_for(timeout=30_000)
        if screenshot_dir:
            verdict = page.get_by_text("saisons qu'il n'a pas vues", exact=False).first
            verdict.evaluate("element => element.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(2000)
            page.screenshot(path=str(screenshot_dir / "propose-fr.png"))
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Rapport de la proposition (PDF)").click()
        pdf = tmp_path / "proposition.pdf"
        download.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        no_exception(page, "downloading the proposal's report")
        page.get_by_role("button", name="Utiliser comme plan B").click()
        settle(page)
        no_exception(page, "using the proposal as plan B")
        page.get_by_text("c'est maintenant le plan B", exact=False).wait_for(timeout=60_000)
        assert (user_data / "plans" / "baseline-proposed.yaml").is_file()
        page.get_by_role("button", name="Lancer l'ensemble").click()
        settle(page)
        no_exception(page, "playing plan A against the proposal")
        page.get_by_test_id("stMetric").first.wait_for(timeout=300_000)
        assert non_local(requests) == []
    finally:
        context.close()
    assert git_status() == status
