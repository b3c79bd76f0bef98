"""The hazards page in a real browser: a season's maps, and a DRR officer adding a layer."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from hazards.io import write_geotiff
from sim.grid import Grid
from tests.e2e.test_delta_page import _non_local, _open

pytestmark = pytest.mark.browser


def test_season_maps_and_adding_a_flood_depth_layer(app_server, browser, screenshot_dir, tmp_path, hazard_catalog):
    grid = Grid(resolution=0.05)
    depth = xr.DataArray(np.full(grid.shape, 0.8, np.float32), dims=("y", "x"), coords={"y": grid.y, "x": grid.x}, attrs={"units": "m"})
    depth_file = write_geotiff(depth, tmp_path / "unosat-depth.tif")
    requests: list[str] = []
    context, page = _open(browser, app_server + "/hazards", requests)
    try:
        page.get_by_role("heading", name="Aléas : pluie, crue, sécheresse").wait_for(timeout=120_000)
        page.get_by_text("Pic à Mopti").wait_for(timeout=120_000)
        page.get_by_role("tab", name="Crue").click()
        page.wait_for_timeout(1500)
        if screenshot_dir:
            page.screenshot(path=str(screenshot_dir / "hazards-flood-fr.png"))
        page.get_by_role("tab", name="Ajouter une couche").click()
        page.locator("input[type=file]").set_input_files(str(depth_file))
        page.get_by_label("Nom (minuscules, chiffres, tirets)").fill("unosat-2022")
        page.get_by_label("Source").fill("UNOSAT FL20221010MLI (test copy)")
        page.get_by_label("Type").click()
        page.get_by_role("option", name="profondeur de crue").click()
        page.get_by_role("button", name="Vérifier").click()
        save = page.get_by_role("button", name="Enregistrer dans le catalogue")
        save.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        if screenshot_dir:
            page.screenshot(path=str(screenshot_dir / "hazards-add-layer-fr.png"))
        save.click()
        page.get_by_text("Couche « unosat-2022 » enregistrée dans le catalogue.").wait_for(timeout=60_000)
        assert (hazard_catalog / "unosat-2022.yaml").is_file()
        assert (hazard_catalog / "unosat-2022.tif").is_file()
        assert _non_local(requests) == []
    finally:
        context.close()


def test_a_bad_upload_is_refused_in_the_page(app_server, browser, tmp_path, hazard_catalog):
    fake = tmp_path / "map.tif"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    requests: list[str] = []
    context, page = _open(browser, app_server + "/hazards", requests)
    try:
        page.get_by_role("tab", name="Ajouter une couche").wait_for(timeout=120_000)
        page.get_by_role("tab", name="Ajouter une couche").click()
        page.locator("input[type=file]").set_input_files(str(fake))
        page.get_by_label("Nom (minuscules, chiffres, tirets)").fill("bad-one")
        page.get_by_role("button", name="Vérifier").click()
        page.get_by_text("map.tif: not a", exact=False).wait_for(timeout=60_000)
        assert not any(hazard_catalog.glob("bad-one*"))
    finally:
        context.close()
