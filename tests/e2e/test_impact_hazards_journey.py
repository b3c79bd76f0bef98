"""The impact and hazards pages as a person uses them, in a real browser on ``make run``:

* impact: run the 2022-like flood, save a variant, run it, download the CSV and the workbook;
* hazards: move the day slider several times, add a flood-depth layer, then use it in a
  scenario on the impact page.

No exception box at any step, nothing leaves 127.0.0.1, ``git status`` unchanged.
"""

from __future__ import annotations

import io
import time

import numpy as np
import openpyxl
import pytest
import xarray as xr

from hazards.io.geotiff import write_geotiff
from sim.core.grid import Grid
from tests.e2e.steps import choose, git_status, no_exception, non_local, open_page, settle

pytestmark = pytest.mark.browser


def _simulate(page, step: str) -> None:
    page.get_by_role("button", name="Simuler").click()
    settle(page)
    no_exception(page, step)
    page.get_by_text("Personnes touchées").first.wait_for(timeout=300_000)


def test_impact_run_save_rerun_and_download(app_server, browser, user_data, tmp_path, screenshot_dir):
    status = git_status()
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/impact", requests)
    try:
        page.get_by_role("heading", name="Impact et besoins").wait_for(timeout=180_000)
        settle(page)
        choose(page, "Scénario de départ", "flood-2022 (livré)")
        settle(page)
        page.wait_for_function(
            "() => [...document.querySelectorAll('input')].some(i => i.value === 'flood-2022-variante')", timeout=60_000
        )
        _simulate(page, "the first run")
        assert page.get_by_label("Pic à Mopti (cm)").last.input_value() == "671.00"
        if screenshot_dir:
            page.get_by_text("Personnes touchées").first.scroll_into_view_if_needed()
            page.wait_for_timeout(2000)
            page.screenshot(path=str(screenshot_dir / "impact-fr.png"))
        name = page.get_by_label("Nom du scénario (minuscules, chiffres, tirets)")
        name.fill("crue-2022-menages-7")
        page.get_by_label("Taille des ménages (personnes)").fill("7.7")
        page.get_by_role("button", name="Enregistrer le scénario").click()
        settle(page)
        no_exception(page, "saving the scenario")
        page.get_by_text("Scénario « crue-2022-menages-7 » enregistré", exact=False).wait_for(timeout=30_000)
        assert "household_size: 7.7 person/household" in (
            user_data / "scenarios" / "crue-2022-menages-7.yaml"
        ).read_text(encoding="utf-8")
        _simulate(page, "running the saved scenario")
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Besoins (CSV pour Excel)").click()
        data = download.value.path().read_bytes()
        assert data.startswith("\ufeff".encode()) and b";" in data.splitlines()[0]  # French Excel: BOM and semicolons
        no_exception(page, "downloading the CSV")
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Télécharger (XLSX)").click()
        workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
        assert "Besoins de la saison" in workbook.sheetnames
        items = [row[0].value for row in workbook["Besoins de la saison"].iter_rows(min_row=2)]
        assert "Eau potable" in items and "Kit d'articles ménagers essentiels" in items
        no_exception(page, "downloading the workbook after the CSV")
        assert "Par commune" in workbook.sheetnames
        # the counts by cause, then the communes: map level, a cercle's communes, their file
        page.get_by_role("heading", name="Par cause").wait_for(timeout=30_000)
        page.get_by_role("radiogroup").get_by_text("Communes", exact=True).click()
        settle(page)
        no_exception(page, "showing the map by commune")
        page.get_by_role("heading", name="Déplacés au pic, par commune").wait_for(timeout=60_000)
        page.get_by_label("Communes du cercle", exact=True).first.click()
        page.keyboard.type("Mopti")  # the list is long: type to find it, as a person would
        page.get_by_role("option", name="Mopti", exact=True).click()
        settle(page)
        no_exception(page, "choosing a cercle's communes")
        if screenshot_dir:
            page.get_by_role("heading", name="Déplacés au pic, par commune").scroll_into_view_if_needed()
            page.wait_for_timeout(2000)
            page.screenshot(path=str(screenshot_dir / "impact-communes-fr.png"))
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Communes (CSV)").click()
        text = download.value.path().read_bytes().decode("utf-8-sig")
        assert text.splitlines()[0].startswith("Commune") and "Konna" in text and "Socoura" in text
        no_exception(page, "downloading the communes")
        assert non_local(requests) == []
    finally:
        context.close()
    assert git_status() == status


def test_hazards_slider_add_a_layer_and_use_it(app_server, browser, hazard_catalog, tmp_path, screenshot_dir):
    status = git_status()
    grid = Grid(resolution=0.05)
    depth = xr.DataArray(
        np.full(grid.shape, 0.8, np.float32), dims=("y", "x"), coords={"y": grid.y, "x": grid.x}, attrs={"units": "m"}
    )
    depth_file = write_geotiff(depth, tmp_path / "unosat-depth.tif")
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/hazards", requests)
    try:
        page.get_by_role("heading", name="Aléas : pluie, crue, sécheresse").wait_for(timeout=180_000)
        page.get_by_text("Pic à Mopti").wait_for(timeout=180_000)
        settle(page)
        no_exception(page, "opening the hazards page")
        page.get_by_role("tab", name="Crue").click()
        slider = page.get_by_role("slider").first
        slider.wait_for(timeout=60_000)
        moves = []
        for _ in range(4):
            slider.focus()
            start = time.monotonic()
            page.keyboard.press("ArrowRight")
            settle(page)
            moves.append(time.monotonic() - start)
            no_exception(page, "moving the day slider")
        print("day slider moves [s]:", ", ".join(f"{m:.2f}" for m in moves))
        if screenshot_dir:
            page.wait_for_timeout(1000)
            page.screenshot(path=str(screenshot_dir / "hazards-flood-fr.png"))
        page.get_by_role("tab", name="Ajouter une couche").click()
        page.locator("input[type=file]").first.set_input_files(str(depth_file))
        page.get_by_text("unosat-depth.tif").first.wait_for(timeout=60_000)
        page.get_by_label("Nom (minuscules, chiffres, tirets)").fill("unosat-2022")
        page.get_by_label("Source", exact=True).fill("UNOSAT FL20221010MLI (test copy)")
        choose(page, "Type", "profondeur de crue")
        page.get_by_role("button", name="Vérifier").click()
        settle(page)
        no_exception(page, "checking the layer")
        save = page.get_by_role("button", name="Enregistrer dans le catalogue")
        save.wait_for(timeout=60_000)
        if screenshot_dir:
            page.wait_for_timeout(1000)
            page.screenshot(path=str(screenshot_dir / "hazards-add-layer-fr.png"))
        save.click()
        settle(page)
        page.get_by_text("Couche « unosat-2022 » enregistrée", exact=False).wait_for(timeout=60_000)
        assert (hazard_catalog / "unosat-2022.yaml").is_file() and (hazard_catalog / "unosat-2022.tif").is_file()

        # use it: a scenario whose flood is the layer
        page.goto(app_server + "/impact", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Impact et besoins").wait_for(timeout=120_000)
        settle(page)
        choose(page, "Crue", "couche du catalogue")
        choose(page, "Couche de crue", "unosat-2022")
        page.get_by_role("button", name="Simuler").click()
        settle(page)
        no_exception(page, "running a scenario on the new layer")
        page.get_by_text("Personnes touchées").first.wait_for(timeout=300_000)
        assert non_local(requests) == []
    finally:
        context.close()
    assert git_status() == status
