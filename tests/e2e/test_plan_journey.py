"""The planner's whole journey on the Plan page, in a real browser, on the app started with
``make run``: edit plan A (stock, a truck, a trigger), save it under a new name, reload and find
it, run A against B, download the PDF then the XLSX, change the item, run again, switch to
English, run again — no exception box at any step, nothing leaves 127.0.0.1, and the
repository's ``git status`` is the same at the end."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest

from sim.scenario import load_file
from tests.e2e.steps import choose, edit_cell, git_status, no_exception, non_local, open_page, settle

pytestmark = pytest.mark.browser

HEADING = "Plan de contingence et simulation"
MEMBERS = "4"


def _grid(page):
    return page.get_by_test_id("stDataFrame").locator("visible=true").first


def _run(page, step: str) -> float:
    """Click the run button; returns the seconds from the click to the KPI cards."""
    start = time.monotonic()
    page.get_by_role("button", name="Lancer l'ensemble").or_(
        page.get_by_role("button", name="Run the ensemble")
    ).click()
    settle(page)
    no_exception(page, step)
    page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
    return time.monotonic() - start


def test_the_planners_journey(app_server, browser, user_data, screenshot_dir, tmp_path):
    status = git_status()
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/plan", requests)
    try:
        page.get_by_role("heading", name=HEADING).wait_for(timeout=180_000)
        settle(page)
        no_exception(page, "opening the plan page")
        choose(page, "Plan A", "early-action (livré)")
        settle(page)
        page.get_by_text("Modifier le plan A (early-action)").click()
        # stock: Bamako's household kits 3,000 → 3,500 (warehouses: hub, capacity, storage, then the items)
        edit_cell(page, _grid(page), 0, 3, "3500")
        settle(page)
        no_exception(page, "editing the stock")
        # a truck: Bamako's 4 trucks → 6
        page.get_by_role("tab", name="Flotte").click()
        page.wait_for_timeout(800)
        edit_cell(page, _grid(page), 0, 1, "6")
        settle(page)
        no_exception(page, "editing a truck")
        # a trigger: the Sofara threshold 633 → 620 cm
        page.get_by_role("tab", name="Déclencheurs").click()
        page.wait_for_timeout(800)
        edit_cell(page, _grid(page), 0, 4, "620")
        settle(page)
        no_exception(page, "editing a trigger")
        page.get_by_text("modifications non enregistrées", exact=False).wait_for(timeout=30_000)
        if screenshot_dir:
            page.screenshot(path=str(screenshot_dir / "plan-triggers-fr.png"))
        name = page.get_by_label("Nom du plan (minuscules, chiffres, tirets)")
        name.fill("action-precoce-620")
        name.press("Enter")
        settle(page)
        page.get_by_role("button", name="Enregistrer le plan").click()
        settle(page)
        no_exception(page, "saving the plan")
        page.get_by_text("enregistré dans", exact=False).wait_for(timeout=30_000)
        saved = load_file(user_data / "plans" / "action-precoce-620.yaml", expect="plan")
        assert saved.warehouses[0].stock.nfi_kit.magnitude == 3500
        assert saved.fleet.trucks[0].count == 6
        assert saved.triggers[0].threshold == 620

        # reload: a new session finds the saved plan among the user's plans
        page.reload(wait_until="domcontentloaded")
        page.get_by_role("heading", name=HEADING).wait_for(timeout=120_000)
        settle(page)
        choose(page, "Scénario", "flood-2022 (livré)")
        settle(page)
        choose(page, "Plan A", "action-precoce-620")
        settle(page)
        choose(page, "Plan B (comparaison)", "baseline (livré)")
        settle(page)
        members = page.get_by_label("Membres de l'ensemble")
        members.fill(MEMBERS)
        members.press("Enter")
        settle(page)
        seconds = _run(page, "the first run")
        page.get_by_text("Différence appariée", exact=False).wait_for(timeout=60_000)
        page.get_by_text(f"Avec {MEMBERS} saisons seulement", exact=False).wait_for(timeout=30_000)
        print(f"click to cards, {MEMBERS} members, two plans: {seconds:.1f} s")
        if screenshot_dir:
            page.get_by_text("Différence appariée", exact=False).scroll_into_view_if_needed()
            page.wait_for_timeout(1500)
            page.screenshot(path=str(screenshot_dir / "plan-fr.png"))

        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Rapport (PDF)").click()
        pdf = tmp_path / "rapport.pdf"
        download.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        no_exception(page, "downloading the PDF")
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Classeur (XLSX)").click()
        xlsx = tmp_path / "classeur.xlsx"
        download.value.save_as(xlsx)
        workbook = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes()))
        assert workbook.sheetnames
        no_exception(page, "downloading the workbook after the PDF")

        choose(page, "Article", "Eau potable")
        settle(page)
        no_exception(page, "changing the item")
        page.get_by_text("Stock distribué et demande : Eau potable", exact=False).wait_for(timeout=30_000)
        seed = page.get_by_label("Graine")
        seed.fill("2")
        seed.press("Enter")
        settle(page)
        _run(page, "the second run")
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Rapport (PDF)").click()
        assert download.value.path() is not None
        no_exception(page, "downloading the PDF of the second run")

        page.get_by_text("English").click()
        settle(page)
        no_exception(page, "switching to English")
        page.get_by_role("heading", name="Contingency plan and simulation").wait_for(timeout=60_000)
        page.get_by_text("Share of needs met").first.wait_for(timeout=60_000)
        _run(page, "the run in English")
        assert non_local(requests) == []
    finally:
        context.close()
    assert git_status() == status
