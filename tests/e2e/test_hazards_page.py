"""The hazards page in a real browser: a file that is not a raster is refused in French, and
the catalog is left as it was."""

from __future__ import annotations

import pytest

from tests.e2e.steps import no_exception, open_page, settle

pytestmark = pytest.mark.browser


def test_a_bad_upload_is_refused_in_the_page(app_server, browser, tmp_path, hazard_catalog):
    fake = tmp_path / "map.tif"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    before = sorted(p.name for p in hazard_catalog.glob("*")) if hazard_catalog.exists() else []
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/hazards", requests)
    try:
        page.get_by_role("tab", name="Ajouter une couche").wait_for(timeout=180_000)
        settle(page)
        page.get_by_role("tab", name="Ajouter une couche").click()
        page.locator("input[type=file]").first.set_input_files(str(fake))
        page.get_by_text("map.tif").first.wait_for(timeout=60_000)
        page.get_by_label("Nom (minuscules, chiffres, tirets)").fill("bad-one")
        page.get_by_role("button", name="Vérifier").click()
        settle(page)
        page.get_by_text("map.tif : ce n'est pas un", exact=False).wait_for(timeout=60_000)
        no_exception(page, "refusing a bad layer")
        after = sorted(p.name for p in hazard_catalog.glob("*")) if hazard_catalog.exists() else []
        assert after == before
    finally:
        context.close()
