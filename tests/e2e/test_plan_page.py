"""The plan page in a real browser: play two plans on a season and download the report."""

from __future__ import annotations

import pytest

from pathlib import Path

from tests.e2e.test_delta_page import _non_local, _open

ROOT = Path(__file__).resolve().parents[2]

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


def test_edit_a_trigger_in_the_table_and_save_the_plan(app_server, scenario_dir, browser, screenshot_dir):
    requests: list[str] = []
    context, page = _open(browser, app_server + "/plan", requests)
    try:
        page.get_by_role("heading", name="Plan de contingence et simulation").wait_for(timeout=120_000)
        page.get_by_label("Plan A").click()
        page.get_by_role("option", name="early-action").click()
        page.get_by_text("Modifier le plan A").click()
        page.get_by_role("tab", name="Déclencheurs").click()
        page.get_by_text("Indicateur : stage", exact=False).wait_for(timeout=60_000)
        page.wait_for_timeout(1000)  # the tab's grid is drawn after its caption
        grid = page.get_by_test_id("stDataFrame").locator("visible=true").first
        grid.wait_for(timeout=60_000)
        box = grid.bounding_box()
        # first row, first column, then four cells right: the Sofara trigger's threshold (633 cm)
        page.mouse.click(box["x"] + 60, box["y"] + 52)
        page.wait_for_timeout(300)
        for _ in range(4):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(100)
        page.keyboard.press("Enter")  # open the cell's editor (drawn by the grid in #portal)
        editor = page.locator("#portal input")
        editor.wait_for(timeout=10_000)
        editor.fill("600")
        editor.press("Enter")
        page.wait_for_timeout(1500)
        assert page.locator("#glide-cell-5-0").text_content() == "600"  # the grid's accessible copy of the cell
        if screenshot_dir:
            page.screenshot(path=str(screenshot_dir / "plan-triggers-fr.png"))
        name = page.get_by_label("Nom du plan (minuscules, chiffres, tirets)")
        name.fill("early-action-600")
        name.press("Enter")
        page.get_by_role("button", name="Enregistrer le plan").click()
        page.get_by_text("Plan enregistré", exact=False).wait_for(timeout=60_000)
        saved = (scenario_dir / "plans" / "early-action-600.yaml").read_text(encoding="utf-8")
        assert "threshold: 600" in saved and saved.count("threshold: 633") == 3  # the other three Sofara rows kept
        assert _non_local(requests) == []
    finally:
        context.close()


def test_load_a_plan_file_refuses_a_bad_one_with_its_line(app_server, scenario_dir, browser, tmp_path):
    good = (ROOT / "scenarios" / "plans" / "early-action.yaml").read_text(encoding="utf-8").replace("name: early-action\n", "name: early-action-uploaded\n", 1)
    bad = good.replace("gauge: Sofara", "gauge: Sofara-aval", 1)
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "Sofara-aval" in text)
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    (tmp_path / "good.yaml").write_text(good, encoding="utf-8")
    requests: list[str] = []
    context, page = _open(browser, app_server + "/plan", requests)
    try:
        page.get_by_role("heading", name="Plan de contingence et simulation").wait_for(timeout=120_000)
        page.get_by_text("Charger ou télécharger un plan (YAML)").click()
        page.locator("input[type=file]").set_input_files(str(tmp_path / "bad.yaml"))
        page.get_by_text("bad.yaml", exact=True).wait_for(timeout=60_000)  # the upload has reached the server
        page.get_by_role("button", name="Vérifier et ajouter à la bibliothèque").click()
        page.get_by_text(f"bad.yaml:{line}: triggers[0].gauge: unknown gauge 'Sofara-aval'", exact=False).wait_for(timeout=60_000)
        assert not (scenario_dir / "plans" / "early-action-uploaded.yaml").exists()
        page.locator("input[type=file]").set_input_files(str(tmp_path / "good.yaml"))
        page.get_by_text("good.yaml", exact=True).wait_for(timeout=60_000)
        # the new file makes the page run again, without the old file's error
        page.get_by_text("unknown gauge 'Sofara-aval'", exact=False).wait_for(state="hidden", timeout=60_000)
        page.get_by_role("button", name="Vérifier et ajouter à la bibliothèque").click()
        page.get_by_text("Plan enregistré", exact=False).wait_for(timeout=60_000)
        assert (scenario_dir / "plans" / "early-action-uploaded.yaml").is_file()
        assert _non_local(requests) == []
    finally:
        context.close()
