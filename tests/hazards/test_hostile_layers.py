"""Hostile hazard layers: GDAL kept off the network, VRTs kept in their folder and stored as
GeoTIFFs, an add killed at any moment, uploads kept small and cleaned up, polygons and values
no flood or rainfall can have.

Network access is measured, not assumed: a real HTTP server on 127.0.0.1 counts every request
it gets, and a control test shows that an unguarded GDAL does reach it.
"""

from __future__ import annotations

import ast
import glob
import hashlib
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import rasterio
import xarray as xr
from rasterio.transform import from_origin
from ruamel.yaml import YAML

from hazards.catalog import (
    MAX_LAYER_BYTES,
    CatalogError,
    _host,
    add_layer,
    check_size,
    clean_leftovers,
    delete_layer,
    layer_entries,
    list_layers,
    open_layer,
    prepare_layer,
)
from hazards.io.errors import RasterError
from hazards.io.geotiff import write_geotiff
from hazards.io.layers import MAX_DAILY_RAINFALL, MAX_FLOOD_DEPTH, read_layer
from hazards.io.offline import GDAL_LOCAL_READ, local_gdal
from hazards.io.rainfall import read_rainfall
from hazards.io.vrt import check_vrt
from sim.core.errors import BadInputError
from sim.core.grid import Grid
from sim.core.i18n import catalog
from sim.core.messages import message_text
from sim.core.vectorio import GDAL_OFFLINE, VectorError, offline_ogr, read_polygons
from tests.conftest import ROOT, sim_cli

GRID = Grid(resolution=0.05)
CODE = re.compile(r"err_[a-z0-9_]+")


# --------------------------------------------------------------------------- helpers


class CountingServer:
    """An HTTP server on 127.0.0.1 that answers 404 to everything and counts the requests."""

    def __init__(self):
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _count(self):
                server.requests.append((self.command, self.path))
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD = do_POST = do_PUT = do_OPTIONS = do_PROPFIND = _count

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str = "x.tif") -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    counting = CountingServer()
    yield counting
    counting.close()


@pytest.fixture
def catalog_dir(data_dir) -> Path:
    folder = data_dir / "layers"
    folder.mkdir(parents=True)
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    return (
        {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}
        if folder.exists()
        else {}
    )


def field(value, units: str, times=None, grid: Grid = GRID) -> xr.DataArray:
    """A constant map (or a stack of them, one per date) on ``grid``."""
    if times is None:
        return xr.DataArray(
            np.full(grid.shape, value, np.float32),
            dims=("y", "x"),
            coords={"y": grid.y, "x": grid.x},
            attrs={"units": units},
        )
    times = np.array(times, dtype="datetime64[ns]")
    values = np.broadcast_to(np.asarray(value, np.float32).reshape(-1, 1, 1), (len(times), *grid.shape)).copy()
    return xr.DataArray(
        values, dims=("time", "y", "x"), coords={"time": times, "y": grid.y, "x": grid.x}, attrs={"units": units}
    )


def tile(
    path: Path,
    west: float,
    north: float,
    value: float,
    cols: int = 40,
    rows: int = 74,
    cell: float = 0.05,
    date: str | None = "2024-08-01",
    units: str = "mm/day",
) -> Path:
    """A small GeoTIFF tile in EPSG:4326 (one band, dated in its description)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=cols,
        height=rows,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=from_origin(west, north, cell, cell),
        nodata=-9999.0,
    ) as dst:
        dst.write(np.full((1, rows, cols), value, np.float32))
        dst.update_tags(units=units)
        if date:
            dst.set_band_description(1, date)
    return path


def vrt_xml(
    *sources: tuple[str, str],
    cols: int = 40,
    rows: int = 74,
    west: float = -6.6,
    north: float = 16.9,
    cell: float = 0.05,
) -> str:
    """A hand-written one-band VRT reading ``(relativeToVRT, SourceFilename)`` sources in turn."""
    parts = "".join(
        f'<SimpleSource><SourceFilename relativeToVRT="{relative}">{name}</SourceFilename><SourceBand>1</SourceBand>'
        f'<SrcRect xOff="0" yOff="0" xSize="{cols}" ySize="{rows}"/><DstRect xOff="0" yOff="0" xSize="{cols}" ySize="{rows}"/></SimpleSource>'
        for relative, name in sources
    )
    return (
        f'<VRTDataset rasterXSize="{cols}" rasterYSize="{rows}"><SRS>EPSG:4326</SRS>'
        f"<GeoTransform>{west}, {cell}, 0, {north}, 0, -{cell}</GeoTransform>"
        '<Metadata><MDI key="units">mm/day</MDI></Metadata>'
        f'<VRTRasterBand dataType="Float32" band="1"><Description>2024-08-01</Description><NoDataValue>-9999</NoDataValue>{parts}</VRTRasterBand></VRTDataset>'
    )


def one_line(err: pytest.ExceptionInfo, *needles: str) -> str:
    text = str(err.value)
    assert "\n" not in text, text
    for needle in needles:
        assert needle in text, (needle, text)
    assert isinstance(err.value, BadInputError)
    assert err.value.code, f"no code: {text}"
    assert err.value.code in catalog("fr") and err.value.code in catalog("en"), err.value.code
    assert message_text(err.value, "fr") != text, "no French text"
    return text


def gdalbuildvrt(gdal_tools) -> str:
    return str(Path(gdal_tools["gdal_translate"]).parent / "gdalbuildvrt")


REMOTE_PREFIXES = [
    "/vsicurl/",
    "/vsicurl_streaming/",
    "/vsis3/",
    "/vsis3_streaming/",
    "/vsigs/",
    "/vsiaz/",
    "/vsiadls/",
    "/vsioss/",
    "/vsiswift/",
    "/vsiwebhdfs/",
]


def remote_names(server: CountingServer) -> list[str]:
    url = server.url("rain_20240801.tif")
    return [
        f"/vsicurl/{url}",
        f"/vsicurl_streaming/{url}",
        "/vsis3/bucket/rain_20240801.tif",
        "/vsigs/bucket/rain_20240801.tif",
        "/vsiaz/container/rain_20240801.tif",
        "/vsiadls/filesystem/rain_20240801.tif",
        "/vsioss/bucket/rain_20240801.tif",
        "/vsiswift/container/rain_20240801.tif",
        f"/vsiwebhdfs/{url}",
        url,
        url.replace("http://", "https://"),
        f"ftp://127.0.0.1:{server.port}/rain_20240801.tif",
        f"/vsizip//vsicurl/{url}.zip/x.geojson",
        f"vrt:///vsicurl/{url}",
        f"WMS:{url}",
    ]


# --------------------------------------------------------------------------- 1. GDAL on the local file system


def test_control_an_unguarded_gdal_reaches_the_counting_server(server):
    """Without the offline configuration GDAL does make requests: the server would see any leak."""
    with pytest.raises(rasterio.errors.RasterioIOError), rasterio.Env():
        rasterio.open(f"/vsicurl/{server.url()}")
    assert len(server.requests) >= 1
    with (
        rasterio.Env(
            AWS_S3_ENDPOINT=f"127.0.0.1:{server.port}",
            AWS_HTTPS="NO",
            AWS_VIRTUAL_HOSTING="FALSE",
            AWS_NO_SIGN_REQUEST="YES",
        ),
        pytest.raises(rasterio.errors.RasterioIOError),
    ):
        rasterio.open("/vsis3/bucket/x.tif")
    assert any(path.startswith("/bucket") for _, path in server.requests)


def test_remote_names_are_refused_before_gdal_sees_them(server, catalog_dir):
    for name in remote_names(server):
        for given in (name, Path(name)):
            with pytest.raises(CatalogError) as err:
                prepare_layer(given, "remote", "rainfall", units="mm/day")
            one_line(err, "not a local file")
            with pytest.raises(RasterError) as err:
                read_rainfall(given, units="mm/day")
            one_line(err, "not a local file")
            with pytest.raises(VectorError) as err:
                read_polygons(given)
            one_line(err, "not a local file")
    assert server.requests == []
    assert snapshot(catalog_dir) == {}


def test_the_command_line_refuses_a_url_in_one_line(server, catalog_dir):
    done = sim_cli(
        "hazards", "add", server.url("rain_20240801.tif"), "--name", "remote", "--kind", "rainfall", "--units", "mm/day"
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a local file" in lines[0] and "127.0.0.1" in lines[0], done.stderr
    assert server.requests == []


@pytest.mark.parametrize("relative", ["0", "1"])
@pytest.mark.parametrize("scheme", ["/vsicurl/http", "/vsicurl_streaming/http", "http", "/vsis3", "/vsiaz"])
def test_a_vrt_reading_a_url_is_refused_at_add_time_with_zero_requests(server, catalog_dir, tmp_path, relative, scheme):
    source = f"{scheme}://127.0.0.1:{server.port}/x.tif" if "http" in scheme else f"{scheme}/bucket/x.tif"
    vrt = tmp_path / "remote.vrt"
    vrt.write_text(vrt_xml((relative, source)))
    with pytest.raises(CatalogError) as err:
        add_layer(vrt, "remote", "rainfall")
    one_line(err, "remote.vrt: source", "is not a local file")
    assert server.requests == []
    assert snapshot(catalog_dir) == {}


def test_a_vrt_reading_a_url_is_refused_by_the_command_line_with_zero_requests(server, catalog_dir, tmp_path):
    vrt = tmp_path / "remote.vrt"
    vrt.write_text(vrt_xml(("0", f"/vsicurl/{server.url()}")))
    done = sim_cli("hazards", "add", vrt, "--name", "remote", "--kind", "rainfall")
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "remote.vrt: source" in done.stderr
    assert server.requests == []
    assert snapshot(catalog_dir) == {}


def test_the_offline_configuration_alone_keeps_gdal_off_the_network(server, tmp_path):
    """Even past the checks (a VRT opened raw, a URL given to pyogrio), GDAL makes no request."""
    vrt = tmp_path / "remote.vrt"
    vrt.write_text(vrt_xml(("0", f"/vsicurl/{server.url()}")))
    with local_gdal():
        with rasterio.open(vrt, driver="VRT") as src, pytest.raises(rasterio.errors.RasterioIOError):
            src.read()
        with pytest.raises(rasterio.errors.RasterioIOError):
            rasterio.open(f"/vsicurl/{server.url()}")
    attacker = {"AWS_S3_ENDPOINT": f"127.0.0.1:{server.port}", "AWS_HTTPS": "NO", "AWS_VIRTUAL_HOSTING": "FALSE"}
    with rasterio.Env(**attacker), local_gdal(), pytest.raises(rasterio.errors.RasterioIOError):
        rasterio.open("/vsis3/bucket/x.tif")
    with offline_ogr(), pytest.raises(pyogrio.errors.DataSourceError):
        pyogrio.read_info(f"/vsicurl/{server.url('flood.geojson')}")
    assert server.requests == []
    # pyogrio's process-wide configuration is put back after the read
    assert pyogrio.get_gdal_config_option("CPL_VSIL_CURL_ALLOWED_EXTENSIONS") is None
    assert GDAL_LOCAL_READ["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"] == GDAL_OFFLINE["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"]


def _ogr_vrt(server: CountingServer) -> str:
    return f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/vsicurl/{server.url("x.geojson")}</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>'


def test_files_that_are_not_what_their_ending_says_are_refused_with_zero_requests(server, catalog_dir, tmp_path):
    disguised_tif = tmp_path / "rain_20240801.tif"
    disguised_tif.write_text(vrt_xml(("0", f"/vsicurl/{server.url()}")))
    wms = tmp_path / "depth.tif"
    wms.write_text(
        f'<GDAL_WMS><Service name="TMS"><ServerUrl>{server.url("${{z}}/${{x}}/${{y}}.png")}</ServerUrl></Service></GDAL_WMS>'
    )
    ogr_json = tmp_path / "extent.geojson"
    ogr_json.write_text(_ogr_vrt(server))
    ogr_zip = tmp_path / "extent.zip"
    with zipfile.ZipFile(ogr_zip, "w") as archive:
        archive.writestr("extent.vrt", _ogr_vrt(server))
    ogr_as_vrt = tmp_path / "extent.vrt"
    ogr_as_vrt.write_text(_ogr_vrt(server))
    wms_as_vrt = tmp_path / "wms.vrt"
    wms_as_vrt.write_text(wms.read_text())
    derived = tmp_path / "derived.vrt"
    derived.write_text(
        vrt_xml(("1", "a.tif")).replace(
            '<VRTRasterBand dataType="Float32" band="1">',
            '<VRTRasterBand dataType="Float32" band="1" subClass="VRTDerivedRasterBand"><PixelFunctionType>inv</PixelFunctionType>',
        )
    )
    tile(tmp_path / "a.tif", -6.6, 16.9, 5.0)
    cases = [
        (disguised_tif, "rainfall", "not a GeoTIFF but a text file"),
        (wms, "flood-depth", "not a GeoTIFF but a text file"),
        (ogr_json, "flood-extent", "not a GeoJSON file"),
        (ogr_zip, "flood-extent", "which is not part of a Shapefile"),
        (ogr_as_vrt, "flood-extent", "not a raster VRT"),
        (wms_as_vrt, "flood-depth", "not a raster VRT"),
        (derived, "rainfall", "is not accepted"),
    ]
    for path, kind, message in cases:
        with pytest.raises(CatalogError) as err:
            add_layer(path, "hostile", kind, units="m" if kind == "flood-depth" else None)
        one_line(err, path.name, message)
    assert server.requests == []
    assert snapshot(catalog_dir) == {}


# --------------------------------------------------------------------------- 2. VRTs stored as GeoTIFFs


def test_a_gdalbuildvrt_mosaic_is_stored_as_a_self_contained_geotiff(catalog_dir, tmp_path, gdal_tools):
    folder = tmp_path / "mosaic"
    west = tile(folder / "tiles" / "west.tif", -6.6, 16.9, 12.0, date=None)
    east = tile(folder / "tiles" / "east.tif", -4.6, 16.9, 30.0, date=None)
    built = folder / "built.vrt"
    subprocess.run([gdalbuildvrt(gdal_tools), "-q", built, west, east], check=True, cwd=folder)
    assert 'relativeToVRT="1"' in built.read_text()
    vrt = folder / "rain_20240801.vrt"  # the date from the name, the units from a tag
    subprocess.run([gdal_tools["gdal_translate"], "-q", "-of", "VRT", "-mo", "units=mm/day", built, vrt], check=True)
    expected = prepare_layer(vrt, "mosaic", "rainfall", grid=GRID)[1]
    card = add_layer(vrt, "mosaic", "rainfall", grid=GRID)
    assert card.file == "mosaic.tif"
    assert sorted(snapshot(catalog_dir)) == ["mosaic.tif", "mosaic.yaml"]
    with rasterio.open(catalog_dir / "mosaic.tif") as src:
        assert src.driver == "GTiff" and src.count == 1
    for path in (west, east, built, vrt):
        path.unlink()
    layer = open_layer("mosaic", grid=GRID)
    xr.testing.assert_allclose(layer, expected)
    assert float(layer.sel(x=-6.0, y=15.0, method="nearest").isel(time=0)) == pytest.approx(12.0)
    assert float(layer.sel(x=-3.5, y=15.0, method="nearest").isel(time=0)) == pytest.approx(30.0)


def test_a_separate_stack_keeps_its_dates(catalog_dir, tmp_path, gdal_tools):
    folder = tmp_path / "stack"
    days = [tile(folder / f"d{k}.tif", -6.6, 16.9, 3.0 + k, cols=74, date=None) for k in range(3)]
    separate = folder / "separate.vrt"
    subprocess.run([gdalbuildvrt(gdal_tools), "-q", "-separate", separate, *days], check=True)
    vrt = folder / "stack.vrt"
    subprocess.run(
        [
            gdal_tools["gdal_translate"],
            "-q",
            "-of",
            "VRT",
            "-mo",
            "dates=2024-07-10,2024-07-11,2024-07-12",
            "-mo",
            "units=mm/day",
            separate,
            vrt,
        ],
        check=True,
    )
    card = add_layer(vrt, "stack", "rainfall", grid=GRID)
    assert (str(card.time_coverage.start), card.time_coverage.steps) == ("2024-07-10", 3)
    for path in [*days, separate, vrt]:
        path.unlink()
    layer = open_layer("stack", grid=GRID)
    assert [float(layer.isel(time=k).mean()) for k in range(3)] == pytest.approx([3.0, 4.0, 5.0])


def test_a_hand_written_vrt_of_files_below_its_folder_is_accepted(catalog_dir, tmp_path):
    folder = tmp_path / "by-hand"
    tile(folder / "sub" / "deeper" / "a.tif", -6.6, 16.9, 7.0)
    inner = folder / "sub" / "inner.vrt"
    inner.write_text(vrt_xml(("1", "deeper/a.tif")))
    outer = folder / "outer.vrt"
    outer.write_text(vrt_xml(("1", "sub/inner.vrt")))
    assert check_vrt(outer) == [(folder / "sub" / "deeper" / "a.tif").resolve()]
    add_layer(outer, "by-hand", "rainfall", grid=GRID)
    (folder / "sub" / "deeper" / "a.tif").unlink()
    assert float(open_layer("by-hand", grid=GRID).isel(time=0).sel(x=-6.0, y=15.0, method="nearest")) == pytest.approx(
        7.0
    )


def test_vrt_sources_outside_the_folder_are_refused(catalog_dir, tmp_path, gdal_tools):
    outside = tile(tmp_path / "elsewhere" / "a.tif", -6.6, 16.9, 7.0)
    folder = tmp_path / "vrt"
    folder.mkdir()
    inside = tile(folder / "b.tif", -6.6, 16.9, 7.0)
    (folder / "link.tif").symlink_to(outside)
    (folder / "nested.vrt").write_text(vrt_xml(("0", str(outside))))
    (folder / "loop.vrt").write_text(vrt_xml(("1", "loop.vrt")))
    (folder / "picture.png").write_bytes((ROOT / "ui" / "static" / "icon.png").read_bytes())
    built = folder / "built.vrt"  # gdalbuildvrt run in the VRT's folder on a file of another one
    subprocess.run([gdalbuildvrt(gdal_tools), "-q", built, inside, outside], check=True, cwd=tmp_path)
    cases = {
        "absolute.vrt": (vrt_xml(("0", str(outside))), "is outside the VRT's folder"),
        "dotdot.vrt": (vrt_xml(("1", "../elsewhere/a.tif")), "is outside the VRT's folder"),
        "symlink.vrt": (vrt_xml(("1", "link.tif")), "is outside the VRT's folder"),
        "outer.vrt": (vrt_xml(("1", "nested.vrt")), "is outside the VRT's folder"),
        "loops.vrt": (vrt_xml(("1", "loop.vrt")), "leads back to a VRT already read"),
        "missing.vrt": (vrt_xml(("1", "absent.tif")), "does not exist"),
        "png.vrt": (vrt_xml(("1", "picture.png")), "is neither a GeoTIFF nor a VRT"),
        "doctype.vrt": (
            '<!DOCTYPE x [<!ENTITY e "/vsicurl/http://127.0.0.1:9/x.tif">]>' + vrt_xml(("0", "&e;")),
            "DOCTYPE",
        ),
        "broken.vrt": ("<VRTDataset><SRS>", "not a readable VRT"),
    }
    for name, (text, _) in cases.items():
        (folder / name).write_text(text)
    cases["built.vrt"] = (None, "is outside the VRT's folder")
    for name, (_, message) in cases.items():
        with pytest.raises(CatalogError) as err:
            add_layer(folder / name, "outside", "rainfall", grid=GRID)
        text = one_line(err, f"{name}: ", message)
        if "outside" in message:
            assert str(folder) in text
    assert snapshot(catalog_dir) == {}


# --------------------------------------------------------------------------- 3. an add killed at any moment


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_a_killed_add_are_removed_or_ignored(catalog_dir, tmp_path):
    dead = _dead_pid()
    (catalog_dir / "x.tif").write_bytes(b"half of an old add")  # a data file without its card
    (catalog_dir / "x.nc").write_bytes(b"an older orphan")
    host = _host()
    leftovers = [
        catalog_dir / f".adding-{dead}@{host}~k2j4-x.tif",
        catalog_dir / f".adding-{dead}@{host}~k2j4-x.yaml.tmp",
    ]
    for path in leftovers:
        path.write_bytes(b"partial")
    running = catalog_dir / f".adding-{os.getpid()}@{host}~zz9-y.tif"  # an add still running: left alone
    elsewhere = catalog_dir / f".adding-{dead}@another-machine~zz8-y.tif"  # another machine's, on a shared folder
    for path in (running, elsewhere):
        path.write_bytes(b"being written")
    cards, problems = list_layers()
    assert cards == [] and problems == []
    assert not any(path.exists() for path in leftovers) and running.exists() and elsewhere.exists()
    assert layer_entries() == ([], [])
    card = add_layer(write_geotiff(field(1.5, "m"), tmp_path / "depth.tif"), "x", "flood-depth", grid=GRID)
    assert card.file == "x.tif"
    assert sorted(p.name for p in catalog_dir.iterdir()) == sorted(["x.tif", "x.yaml", running.name, elsewhere.name])
    old = time.time() - 2 * 24 * 3600
    os.utime(elsewhere, (old, old))
    assert clean_leftovers() == [elsewhere]  # a day later it is stale, whoever wrote it
    assert float(open_layer("x", grid=GRID).mean()) == pytest.approx(1.5)


def _rain_source(path: Path, days: int = 24) -> Path:
    """An uncompressed daily rainfall stack on the default grid (about 13 MB), so that the copy takes a while."""
    grid = Grid()
    times = [f"2024-08-{d:02d}" for d in range(1, days + 1)]
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=grid.shape[1],
        height=grid.shape[0],
        count=days,
        dtype="float32",
        crs="EPSG:4326",
        transform=grid.transform,
        nodata=float("nan"),
    ) as dst:
        for band in range(1, days + 1):
            dst.write(np.full(grid.shape, float(band), np.float32), band)
            dst.set_band_description(band, times[band - 1])
        dst.update_tags(units="mm/day")
    return path


def _add_process(source: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", "hazards", "add", str(source), "--name", "x", "--kind", "rainfall"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_when(process: subprocess.Popen, folder: Path, delay: float, after: str | None) -> None:
    """SIGKILL ``process`` ``delay`` seconds after its start, or after a file appears in ``folder``.

    ``after``: None (from the start), ``"temporary"`` (its first temporary file) or ``"data"``
    (the data file under its own name, before the card).
    """

    def seen() -> bool:
        names = os.listdir(folder)
        return any(n.startswith(".adding-") for n in names) if after == "temporary" else "x.tif" in names

    start = time.monotonic()
    if after:
        while process.poll() is None and not seen():
            pass  # spin: the write phase lasts milliseconds
        start = time.monotonic()
    while process.poll() is None and time.monotonic() - start < delay:
        time.sleep(0.0005)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()


def _state(folder: Path) -> str:
    """What a killed add left: nothing, temporary files, a data file without its card, or the whole layer."""
    names = os.listdir(folder)
    if "x.yaml" in names:
        return "layer"
    if any(not n.startswith(".") for n in names):
        return "data without card"
    return "temporary files" if names else "nothing"


def test_an_add_killed_at_any_moment_leaves_a_consistent_catalog(catalog_dir, tmp_path):
    source = _rain_source(tmp_path / "rain.tif")
    start = time.monotonic()
    assert _add_process(source).wait() == 0
    duration = time.monotonic() - start
    delete_layer("x")
    assert sorted(os.listdir(catalog_dir)) == []
    # SIGKILL at evenly spaced moments of a whole add, then at moments after its first temporary
    # file appears (the write phase lasts milliseconds), right after its data file is renamed
    # (between that rename and the card's, when the disk is slow enough), and once after it
    # must have finished
    moments = [(float(d), None) for d in np.linspace(0.0, duration, 9)]
    moments += [(d, "temporary") for d in (0.0, 0.001, 0.002, 0.004, 0.008, 0.016, 0.05)]
    moments += [(0.0, "data")] * 3 + [(duration * 3, None)]
    states = []
    for delay, after in moments:
        _kill_when(_add_process(source), catalog_dir, delay, after)
        states.append(_state(catalog_dir))
        done = sim_cli("hazards", "list", "--json")
        assert done.returncode == 0, (delay, after, done.stderr)
        listed = [card["name"] for card in json.loads(done.stdout)]
        cards = sorted(p.stem for p in catalog_dir.glob("*.yaml"))
        assert listed == cards and listed in ([], ["x"]), (delay, listed, os.listdir(catalog_dir))
        assert not [n for n in os.listdir(catalog_dir) if n.startswith(".adding-")], os.listdir(
            catalog_dir
        )  # the dead add's files were removed
        if listed:  # the add had finished: the layer is whole
            assert float(open_layer("x").isel(time=23).mean()) == pytest.approx(24.0)
            with pytest.raises(CatalogError, match="already exists"):
                add_layer(source, "x", "rainfall")
        else:  # the name is free again, whatever data file the add left
            add_layer(source, "x", "rainfall")
            assert float(open_layer("x").isel(time=0).mean()) == pytest.approx(1.0)
        assert sorted(os.listdir(catalog_dir)) == ["x.tif", "x.yaml"]
        delete_layer("x")
    assert {"nothing", "temporary files", "layer"} <= set(states), (
        states
    )  # a data file without its card: also made by hand above


# --------------------------------------------------------------------------- 4. size of a layer and of an upload


def test_the_size_limit_is_fifty_megabytes_everywhere():
    assert MAX_LAYER_BYTES == 50 * 1024 * 1024
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_LAYER_BYTES // (1024 * 1024)
    check_size("ok.tif", MAX_LAYER_BYTES)
    with pytest.raises(CatalogError) as err:
        check_size("big.tif", MAX_LAYER_BYTES + 1)
    one_line(err, "big.tif: 50.1 MB is more than the limit of 50 MB")
    assert message_text(err.value, "fr").startswith("big.tif : 50,1 Mo, plus que la limite de 50 Mo")


def _sparse(path: Path, size: int, head: bytes = b"II*\x00") -> Path:
    with open(path, "wb") as out:
        out.write(head)
        out.truncate(size)
    return path


def test_the_command_line_refuses_a_file_over_the_limit(catalog_dir, tmp_path):
    big = _sparse(tmp_path / "big.tif", MAX_LAYER_BYTES + 1)
    done = sim_cli("hazards", "add", big, "--name", "big", "--kind", "flood-depth")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "big.tif: 50.1 MB is more than the limit of 50 MB" in lines[0], done.stderr
    folder = tmp_path / "vrt"
    folder.mkdir()
    for k in range(2):  # two sources of 30 MB: the VRT itself is tiny
        _sparse(folder / f"part{k}.tif", 30 * 1024 * 1024)
    vrt = folder / "parts.vrt"
    vrt.write_text(vrt_xml(("1", "part0.tif"), ("1", "part1.tif")))
    with pytest.raises(CatalogError) as err:
        prepare_layer(vrt, "parts", "rainfall")
    one_line(err, "parts.vrt: 60.1 MB is more than the limit")
    assert snapshot(catalog_dir) == {}


def _uploads() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "layer-upload-*")))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_uploads_are_checked_saved_and_cleaned_up_on_the_page(catalog_dir, tmp_path, lang):
    from streamlit.testing.v1 import AppTest

    from sim.core.i18n import t

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["language"] = lang
    at.run()
    at.switch_page("ui/hazards_page.py").run()
    at.session_state["hazard_tab"] = t("tab_add", lang)
    at.run()
    assert not at.exception
    before = _uploads()
    at.file_uploader(key="layer_file").set_value(("huge.tif", b"\0" * (MAX_LAYER_BYTES + 1), "image/tiff"))
    at.text_input(key="layer_name").set_value("huge")
    at.button[0].click().run()
    assert not at.exception
    expected = {
        "fr": "huge.tif : 50,1 Mo, plus que la limite de 50 Mo",
        "en": "huge.tif: 50.1 MB is more than the limit of 50 MB",
    }[lang]
    assert [e.value for e in at.error if e.value.startswith(expected)], [e.value for e in at.error]
    assert _uploads() == before
    depth = write_geotiff(field(1.5, "m"), tmp_path / "depth.tif")
    at.file_uploader(key="layer_file").set_value(("depth.tif", depth.read_bytes(), "image/tiff"))
    at.text_input(key="layer_name").set_value("depth")
    at.selectbox(key="layer_kind").set_value("flood-depth")
    at.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _uploads() == before  # "Vérifier" copied the upload and deleted the copy
    at.button(key="layer_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success and "depth" in at.success[0].value
    assert _uploads() == before
    assert sorted(p.name for p in catalog_dir.iterdir()) == ["depth.tif", "depth.yaml"]


def test_a_zip_that_unzips_to_too_much_is_refused_before_gdal_reads_it(catalog_dir, tmp_path, monkeypatch):
    monkeypatch.setattr("sim.core.vectorio.MAX_UNZIPPED_BYTES", 10_000)
    bomb = tmp_path / "extent.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("extent.shp", b"\0" * 20_000)
        archive.writestr("extent.shx", b"")
        archive.writestr("extent.dbf", b"")
    assert bomb.stat().st_size < 10_000
    with pytest.raises(CatalogError) as err:
        add_layer(bomb, "bomb", "flood-extent")
    one_line(err, "extent.zip: unzips to 0 MB, more than the limit of 0 MB")
    escaping = tmp_path / "escape.zip"
    with zipfile.ZipFile(escaping, "w") as archive:
        archive.writestr("../extent.shp", b"")
    with pytest.raises(CatalogError) as err:
        add_layer(escaping, "escape", "flood-extent")
    one_line(err, "escape.zip: holds ../extent.shp, which is not part of a Shapefile")


# --------------------------------------------------------------------------- 5. polygons and values that cannot be


def _polygon_file(path: Path, ring) -> Path:
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[-4.45, 14.25], [-3.95, 14.25], [-3.95, 14.75], [-4.45, 14.25]]],
                        },
                    },
                    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
                ],
            }
        )
    )
    return path


BAD_POLYGONS = [
    ("unclosed", [[-4.4, 14.2], [-3.9, 14.2], [-3.9, 14.7], [-4.4, 14.7]], "feature 2: a polygon ring is not closed"),
    ("too-short", [[-4.4, 14.2], [-3.9, 14.2]], "feature 2: a polygon ring is not closed"),
    (
        "bow-tie",
        [[-4.4, 14.2], [-3.9, 14.7], [-3.9, 14.2], [-4.4, 14.7], [-4.4, 14.2]],
        "feature 2: the polygon crosses itself near longitude -4.15000, latitude 14.45000",
    ),
    (
        "latitude-400",
        [[-4.4, 14.2], [-3.9, 400.0], [-3.9, 14.7], [-4.4, 14.2]],
        "feature 2: coordinates out of range (longitude -3.9, latitude 400)",
    ),
    (
        "longitude-200",
        [[-4.4, 14.2], [200.0, 14.2], [-3.9, 14.7], [-4.4, 14.2]],
        "feature 2: coordinates out of range (longitude 200, latitude 14.2)",
    ),
]


@pytest.mark.parametrize(("name", "ring", "message"), BAD_POLYGONS, ids=[case[0] for case in BAD_POLYGONS])
def test_bad_flood_extent_polygons_are_one_coded_line(catalog_dir, tmp_path, name, ring, message):
    path = _polygon_file(tmp_path / f"{name}.geojson", ring)
    with pytest.raises(CatalogError) as err:
        add_layer(path, "extent", "flood-extent")
    text = one_line(err, f"{name}.geojson: {message}")
    assert "GEOS" not in text
    assert snapshot(catalog_dir) == {}
    done = sim_cli("hazards", "add", path, "--name", "extent", "--kind", "flood-extent")
    assert done.returncode == 2 and done.stderr.strip() == f"error: {text}", done.stderr


def test_out_of_range_after_reprojection_is_refused(tmp_path):
    """A ring in UTM whose northing is absurd: refused after conversion, not repaired."""
    path = tmp_path / "utm.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32630"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[400000, 1600000], [450000, 1600000], [450000, 9e12], [400000, 1600000]]],
                        },
                    },
                ],
            }
        )
    )
    with pytest.raises(RasterError) as err:
        read_layer(path, "flood-extent", grid=GRID)
    one_line(err, "utm.geojson: feature 1: coordinates (450000, 9e+12) are outside what", "EPSG:32630")


def test_a_boundaries_reader_may_still_take_invalid_polygons(tmp_path):
    """Validity is asked for by flood extents; boundaries repair theirs (sim.delta.boundaries)."""
    path = _polygon_file(tmp_path / "bow.geojson", BAD_POLYGONS[2][1])
    _, geoms = read_polygons(path)
    assert len(geoms) == 2
    with pytest.raises(VectorError, match="crosses itself"):
        read_polygons(path, require_valid=True)


def _raster(path: Path, values, units: str, dates=("2024-08-01",)) -> Path:
    """A GeoTIFF over the delta with the given values (a scalar or an array of the grid's shape) per band."""
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=GRID.shape[1],
        height=GRID.shape[0],
        count=len(dates),
        dtype="float32",
        crs="EPSG:4326",
        transform=GRID.transform,
    ) as dst:
        for band, date in enumerate(dates, start=1):
            dst.write(np.broadcast_to(np.asarray(values, np.float32), GRID.shape), band)
            dst.set_band_description(band, date)
        dst.update_tags(units=units)
    return path


def _with_spike(value: float, background: float = 1.0) -> np.ndarray:
    values = np.full(GRID.shape, background, np.float32)
    values[30:34, 30:34] = value
    return values


BAD_VALUES = [
    ("inf.tif", "rainfall", _with_spike(np.inf), "mm/day", "infinite values (inf) over the delta"),
    ("minus-inf.tif", "flood-depth", _with_spike(-np.inf), "m", "infinite values"),
    ("rain.tif", "rainfall", _with_spike(2500.0), "mm/day", "rainfall of 2500 mm/day exceeds 2000 mm/day"),
    ("rain-cm.tif", "rainfall", _with_spike(250.0), "cm/day", "rainfall of 2500 mm/day exceeds 2000 mm/day"),
    ("rain-negative.tif", "rainfall", _with_spike(-9999.0), "mm/day", "negative rainfall (-9999 mm/day)"),
    ("deep.tif", "flood-depth", _with_spike(60.0), "m", "water depth of 60 m exceeds 50 m"),
    ("deep-cm.tif", "flood-depth", _with_spike(150.0), "m", "water depth of 150 m exceeds 50 m"),
    ("elevation.tif", "flood-depth", np.full(GRID.shape, 268.0), "m", "water depth of 268 m exceeds 50 m"),
    ("negative.tif", "flood-depth", _with_spike(-1.0), "m", "negative water depth (-1 m)"),
]


@pytest.mark.parametrize(
    ("name", "kind", "values", "units", "message"), BAD_VALUES, ids=[case[0] for case in BAD_VALUES]
)
def test_values_no_rainfall_or_flood_can_have_are_refused(catalog_dir, tmp_path, name, kind, values, units, message):
    path = _raster(tmp_path / name, values, units)
    with pytest.raises(CatalogError) as err:
        add_layer(path, "bad", kind, grid=GRID)
    one_line(err, f"{name}: {message}")
    assert snapshot(catalog_dir) == {}


def test_the_limits_themselves_are_accepted(catalog_dir, tmp_path):
    """The world's record day (1825 mm, Foc-Foc 1966), a 49 m channel and rounding noise below 0 pass."""
    assert MAX_DAILY_RAINFALL == 2000.0 and MAX_FLOOD_DEPTH == 50.0
    add_layer(_raster(tmp_path / "record.tif", _with_spike(1825.0), "mm/day"), "record", "rainfall", grid=GRID)
    assert float(open_layer("record", grid=GRID).max()) == pytest.approx(1825.0, rel=1e-3)
    add_layer(
        _raster(tmp_path / "channel.tif", _with_spike(49.0, background=-0.0005), "m", dates=("2022-10-09",)),
        "channel",
        "flood-depth",
        grid=GRID,
    )
    depth = open_layer("channel", grid=GRID)
    assert float(depth.max()) == pytest.approx(49.0, rel=1e-3) and float(depth.min()) == 0.0


def test_monthly_rainfall_has_its_own_limit(catalog_dir, tmp_path):
    months = ("2024-07-01", "2024-08-01", "2024-09-01")
    ok = _raster(tmp_path / "monthly.tif", _with_spike(3000.0), "mm/month", dates=months)
    assert prepare_layer(ok, "monthly", "rainfall", grid=GRID)[1].attrs["units"] == "mm/month"
    bad = _raster(tmp_path / "monthly-bad.tif", _with_spike(12000.0), "mm/month", dates=months)
    with pytest.raises(CatalogError) as err:
        prepare_layer(bad, "monthly", "rainfall", grid=GRID)
    one_line(err, "monthly-bad.tif: rainfall of 12000 mm/month exceeds 10000 mm/month")


def test_french_of_the_new_refusals(tmp_path):
    with pytest.raises(CatalogError) as err:
        add_layer(_raster(tmp_path / "pluie.tif", _with_spike(2500.0), "mm/day"), "pluie", "rainfall", grid=GRID)
    assert (
        message_text(err.value, "fr")
        == "pluie.tif : une pluie de 2500 mm/jour dépasse 2000 mm/jour, plus que toute pluie jamais mesurée ; vérifiez l'unité, ou une valeur d'absence de données (nodata) non déclarée"
    )
    with pytest.raises(CatalogError) as err:
        add_layer(_polygon_file(tmp_path / "emprise.geojson", BAD_POLYGONS[3][1]), "emprise", "flood-extent")
    assert message_text(err.value, "fr").startswith(
        "emprise.geojson : entité 2 : coordonnées hors limites (longitude −3,9, latitude 400) après conversion de"
    )


# --------------------------------------------------------------------------- the new messages in both catalogs


def test_every_new_code_is_in_layers_yaml_with_its_english_text():
    """The codes of sim/core/vectorio.py (which tests/test_messages.py does not scan) and of the new refusals."""
    texts = {
        lang: YAML(typ="safe").load((ROOT / "sim" / "locales" / lang / "layers.yaml").read_text(encoding="utf-8"))
        for lang in ("fr", "en")
    }
    assert set(texts["fr"]) == set(texts["en"])
    raised = {}
    for module in (
        "sim/core/vectorio.py",
        *(f"hazards/io/{p.name}" for p in sorted((ROOT / "hazards" / "io").glob("*.py"))),
        "hazards/catalog.py",
        "hazards/season.py",
    ):
        for node in ast.walk(ast.parse((ROOT / module).read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and len(node.args) >= 2
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2])
                and CODE.fullmatch(node.args[0].value)
            ):
                raised[node.args[0].value] = node.args[1].value
    for code, english in raised.items():
        assert catalog("en")[code] == english, code
    assert {code for code in raised if code in texts["en"]} == {code for code in texts["en"] if code.startswith("err_")}
    assert "upload_changed" in texts["fr"]
