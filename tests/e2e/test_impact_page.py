"""The impact page in a real browser: run the 2022-like season, see the map, download the workbook."""

from __future__ import annotations

import openpyxl
import pytest

from tests.e2e.test_delta_page import _non_local, _open

pytestmark = pytest.mark.browser


def test_run_flood_2022_and_download_the_workbook(app_server, browser, screenshot_dir, tmp_path):
    requests: list[str] = []
    context, page = _open(browser, app_server + "/impact", requests)
    try:
        page.get_by_role("heading", name="Impact et besoins").wait_for(timeout=120_000)
        page.get_by_label("Scénario de départ").click()
        page.get_by_role("option", name="flood-2022").click()
        # the form is rebuilt for the new base scenario; wait until only its fields remain
        page.wait_for_function(
            "() => { const v = [...document.querySelectorAll('input')].map(i => i.value);"
            " return v.includes('flood-2022-variant') && !v.includes('drought-2021-variant'); }",
            timeout=60_000,
        )
        page.get_by_role("button", name="Simuler").click()
        page.get_by_text("Personnes touchées").wait_for(timeout=300_000)
        assert page.get_by_label("Pic à Mopti (cm)").last.input_value() == "671.00"
        page.get_by_text("Besoins de la saison").wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        if screenshot_dir:
            page.get_by_text("Personnes touchées").scroll_into_view_if_needed()
            page.mouse.wheel(0, 700)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(screenshot_dir / "impact-fr.png"))
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Télécharger (XLSX)").click()
        workbook_path = tmp_path / "needs.xlsx"
        download.value.save_as(workbook_path)
        workbook = openpyxl.load_workbook(workbook_path)
        assert workbook.sheetnames == ["Besoins de la saison", "Par cercle", "timeline"]
        items = [row[0].value for row in workbook["Besoins de la saison"].iter_rows(min_row=2)]
        assert "Eau potable" in items and "Kit d'articles ménagers essentiels" in items
        assert workbook["Par cercle"].max_row == 18  # 17 cercles and a header
        assert _non_local(requests) == []
    finally:
        context.close()


def test_a_bad_scenario_name_is_refused(app_server, browser):
    requests: list[str] = []
    context, page = _open(browser, app_server + "/impact", requests)
    try:
        page.get_by_role("heading", name="Impact et besoins").wait_for(timeout=120_000)
        page.get_by_label("Nom du scénario (minuscules, chiffres, tirets)").fill("Mon Scénario!")
        page.get_by_role("button", name="Enregistrer le scénario").click()
        page.get_by_text("name: 'Mon Scénario!' must be lower case letters, digits and dashes", exact=False).wait_for(timeout=60_000)
    finally:
        context.close()
