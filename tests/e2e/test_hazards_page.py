"""The hazards page in a real browser: a file that is not a raster, or a raster that would make
GDAL reach the network, is refused in French, and the catalog is left as it was."""

from __future__ import annotations

import glob
import http.server
import os
import tempfile
import threading

import pytest

from tests.e2e.steps import no_exception, non_local, open_page, settle

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


class _Counting(http.server.BaseHTTPRequestHandler):
    """Counts every request; answers nothing useful."""

    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


def test_a_raster_that_points_at_the_network_is_refused_without_a_request(
    app_server, browser, tmp_path, hazard_catalog
):
    """Issue 12: a VRT disguised as a GeoTIFF whose band is read from /vsicurl/ must be refused
    before GDAL reaches out; a counting HTTP server on this machine stands for the network."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/rain.tif"
    disguised = tmp_path / "rain.tif"
    disguised.write_text(
        f'<VRTDataset rasterXSize="10" rasterYSize="10"><SRS>EPSG:4326</SRS><GeoTransform>-5, 0.1, 0, 15, 0, -0.1</GeoTransform>'
        f'<VRTRasterBand dataType="Float32" band="1"><SimpleSource><SourceFilename relativeToVRT="0">/vsicurl/{url}</SourceFilename>'
        f"<SourceBand>1</SourceBand></SimpleSource></VRTRasterBand></VRTDataset>",
        encoding="utf-8",
    )
    uploads_before = set(glob.glob(os.path.join(tempfile.gettempdir(), "layer-upload-*")))
    before = sorted(p.name for p in hazard_catalog.glob("*")) if hazard_catalog.exists() else []
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/hazards", requests)
    try:
        page.get_by_role("tab", name="Ajouter une couche").wait_for(timeout=180_000)
        settle(page)
        page.get_by_role("tab", name="Ajouter une couche").click()
        page.locator("input[type=file]").first.set_input_files(str(disguised))
        page.get_by_text("rain.tif").first.wait_for(timeout=60_000)
        page.get_by_label("Nom (minuscules, chiffres, tirets)").fill("remote-rain")
        page.get_by_role("button", name="Vérifier").click()
        settle(page)
        page.get_by_text("rain.tif : ", exact=False).first.wait_for(timeout=60_000)
        no_exception(page, "refusing a raster that points at the network")
        assert _Counting.hits == [], _Counting.hits
        assert non_local(requests) == []
        after = sorted(p.name for p in hazard_catalog.glob("*")) if hazard_catalog.exists() else []
        assert after == before
        assert (
            set(glob.glob(os.path.join(tempfile.gettempdir(), "layer-upload-*"))) <= uploads_before
        )  # the upload's copy is gone
    finally:
        context.close()
        server.shutdown()
