"""hazards.catalog and `python -m sim hazards`: adding, listing and opening layers; a refused
layer leaves the catalog folder byte-identical."""

import hashlib
import json
import re
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from hazards.catalog import (
    CatalogError,
    add_layer,
    layer_kinds,
    list_layers,
    open_layer,
    prepare_layer,
)
from hazards.io.geotiff import write_geotiff
from sim.core.grid import Grid
from sim.scenario import check_files, validation_context
from tests.conftest import sim_cli as cli

ROOT = Path(__file__).resolve().parents[2]
GRID = Grid(resolution=0.05)


def snapshot(folder: Path) -> dict[str, str]:
    return (
        {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}
        if folder.exists()
        else {}
    )


@pytest.fixture
def catalog(data_dir):
    """The user's layer catalog, ``$SIM_DATA_DIR/layers`` (the conftest's private data folder)."""
    folder = data_dir / "layers"
    folder.mkdir(parents=True)
    return folder


def depth_tif(path: Path, value=1.5, units="m") -> Path:
    field = xr.DataArray(
        np.full(GRID.shape, value, np.float32),
        dims=("y", "x"),
        coords={"y": GRID.y, "x": GRID.x},
        attrs={"units": units},
    )
    return write_geotiff(field, path)


def test_add_list_open_a_flood_depth_map(catalog, tmp_path):
    card = add_layer(
        depth_tif(tmp_path / "depth.tif", 150, "cm"), "depth-2022", "flood-depth", source="test", licence="CC-BY-4.0"
    )
    assert (card.units, card.source_units, card.original_crs) == ("m", "cm", "EPSG:4326")
    assert sorted(p.name for p in catalog.iterdir()) == ["depth-2022.tif", "depth-2022.yaml"]
    cards, problems = list_layers()
    assert [c.name for c in cards] == ["depth-2022"] and problems == []
    assert layer_kinds() == {"depth-2022": "flood-depth"}
    layer = open_layer("depth-2022", grid=GRID)
    assert layer.attrs["units"] == "m" and layer.dims == ("y", "x")
    assert float(layer.mean()) == pytest.approx(1.5)  # hand sum: 150 cm
    assert layer.attrs["licence"] == "CC-BY-4.0"


def test_rainfall_stack_keeps_its_dates(catalog, tmp_path):
    times = np.array(["2022-08-01", "2022-08-02"], dtype="datetime64[ns]")
    rain = xr.DataArray(
        np.ones((2, *GRID.shape), np.float32) * [[[3.0]], [[5.0]]],
        dims=("time", "y", "x"),
        coords={"time": times, "y": GRID.y, "x": GRID.x},
        attrs={"units": "mm/day"},
    )
    card = add_layer(write_geotiff(rain, tmp_path / "rain.tif"), "rain-aug", "rainfall")
    assert (str(card.time_coverage.start), card.time_coverage.steps) == ("2022-08-01", 2)
    layer = open_layer("rain-aug", grid=GRID)
    assert layer.attrs["units"] == "mm/day"
    assert layer.isel(time=1).mean().item() == pytest.approx(5.0)


@pytest.mark.parametrize("form", ["geojson", "gpkg", "zip"])
def test_flood_extent_polygons_are_rasterized(catalog, tmp_path, gdal_tools, form):
    source = tmp_path / "extent.geojson"
    # a 0.5° × 0.5° square around Mopti, in UTM after ogr2ogr for the gpkg and zip forms
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"date": "2022-10-09"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [[-4.45, 14.25], [-3.95, 14.25], [-3.95, 14.75], [-4.45, 14.75], [-4.45, 14.25]]
                            ],
                        },
                    }
                ],
            }
        )
    )
    if form == "geojson":
        path = source
    elif form == "gpkg":
        path = tmp_path / "extent.gpkg"
        subprocess.run([gdal_tools["ogr2ogr"], "-f", "GPKG", "-t_srs", "EPSG:32630", path, source], check=True)
    else:
        subprocess.run([gdal_tools["ogr2ogr"], "-t_srs", "EPSG:32630", tmp_path / "extent.shp", source], check=True)
        path = tmp_path / "extent.zip"
        with zipfile.ZipFile(path, "w") as z:
            for part in tmp_path.glob("extent.*"):
                if part.suffix in (".shp", ".shx", ".dbf", ".prj"):
                    z.write(part, part.name)
    add_layer(path, "extent", "flood-extent", source="test")
    mask = open_layer("extent", grid=GRID)
    assert mask.attrs["units"] == "1"
    # hand sum: 10 × 10 cells of 0.05° inside the square
    assert int(mask.sum()) == pytest.approx(100, abs=12)
    assert float(mask.sel(x=-4.2, y=14.5, method="nearest")) == 1.0


def test_an_undated_drought_index_map(catalog, tmp_path):
    spi = xr.DataArray(np.full(GRID.shape, -1.7, np.float32), dims=("y", "x"), coords={"y": GRID.y, "x": GRID.x})
    path = write_geotiff(spi, tmp_path / "spi.tif")
    add_layer(path, "spi-sep", "drought-index")
    assert float(open_layer("spi-sep", grid=GRID).mean()) == pytest.approx(-1.7)


def _bad_inputs(tmp_path, gdal_tools):
    png = tmp_path / "map.tif"
    png.write_bytes((ROOT / "ui" / "static" / "icon.png").read_bytes())
    good = depth_tif(tmp_path / "good.tif")
    truncated = tmp_path / "cut.tif"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    ascii_grid = tmp_path / "plain.asc"  # an ESRI ASCII grid carries no CRS
    ascii_grid.write_text("ncols 4\nnrows 4\nxllcorner -5\nyllcorner 14\ncellsize 0.1\n" + "1 1 1 1\n" * 4)
    nocrs = tmp_path / "nocrs.tif"
    subprocess.run([gdal_tools["gdal_translate"], "-q", ascii_grid, nocrs], check=True)
    far = tmp_path / "paris.tif"
    field = xr.DataArray(
        np.ones((10, 10), np.float32),
        dims=("y", "x"),
        coords={"y": np.linspace(49.5, 48.5, 10), "x": np.linspace(2, 3, 10)},
        attrs={"units": "m"},
    )
    write_geotiff(field, far)
    kg = depth_tif(tmp_path / "kg.tif", units="kg")
    return [
        (png, "flood-depth", {}, "not a GeoTIFF"),
        (truncated, "flood-depth", {}, "cut.tif: not a raster|cut.tif: cannot read pixels, truncated or corrupt"),
        (nocrs, "flood-depth", {"units": "m"}, "nocrs.tif: no CRS; pass --crs"),
        (far, "flood-depth", {}, "does not overlap the delta"),
        (kg, "flood-depth", {}, "do not fit a flood-depth layer"),
        (good, "flood-depth", {"units": "furlong/fortnight"}, "do not fit a flood-depth layer"),
        (good, "flood-depth", {"units": "blorps"}, "unknown unit"),
        (tmp_path / "absent.tif", "flood-depth", {}, "no such file"),
        (good, "tsunami", {}, "unknown kind"),
        (tmp_path / "extent.shp", "flood-extent", {}, "must be zipped"),
    ]


def test_bad_files_are_refused_and_the_catalog_is_unchanged(catalog, tmp_path, gdal_tools):
    add_layer(depth_tif(tmp_path / "first.tif"), "first", "flood-depth")
    before = snapshot(catalog)
    for path, kind, options, message in _bad_inputs(tmp_path, gdal_tools):
        with pytest.raises(CatalogError) as info:
            add_layer(path, "second", kind, **options)
        assert re.search(message, str(info.value)), (path.name, str(info.value))
        assert "\n" not in str(info.value)
        assert snapshot(catalog) == before
    with pytest.raises(CatalogError, match="already exists"):
        add_layer(depth_tif(tmp_path / "again.tif"), "first", "flood-depth")
    with pytest.raises(CatalogError, match="lower case"):
        add_layer(depth_tif(tmp_path / "again.tif"), "Bad Name", "flood-depth")
    assert snapshot(catalog) == before


def test_a_header_only_giant_is_refused_without_reading(catalog, tmp_path):
    vrt = tmp_path / "huge.vrt"
    vrt.write_text(
        '<VRTDataset rasterXSize="200000" rasterYSize="200000"><SRS>EPSG:4326</SRS>'
        "<GeoTransform>-10, 0.0001, 0, 20, 0, -0.0001</GeoTransform>"
        '<VRTRasterBand dataType="Float32" band="1"/></VRTDataset>'
    )
    with pytest.raises(CatalogError, match="exceeds the limit"):
        prepare_layer(vrt, "huge", "flood-depth", units="m")
    assert snapshot(catalog) == {}


def test_prepare_writes_nothing(catalog, tmp_path):
    card, data = prepare_layer(depth_tif(tmp_path / "d.tif"), "preview", "flood-depth", grid=GRID)
    assert card.name == "preview" and float(data.max()) == pytest.approx(1.5)
    assert snapshot(catalog) == {}


def test_cli_add_and_list(catalog, tmp_path):
    import os

    env = dict(os.environ)
    added = cli(
        "hazards",
        "add",
        depth_tif(tmp_path / "d.tif"),
        "--name",
        "depth",
        "--kind",
        "flood-depth",
        "--source",
        "UNOSAT",
        env=env,
    )
    assert added.returncode == 0, added.stderr
    assert "added flood-depth layer 'depth' in m" in added.stdout
    listed = cli("hazards", "list", "--json", env=env)
    assert listed.returncode == 0
    assert [c["name"] for c in json.loads(listed.stdout)] == ["depth"]
    before = snapshot(catalog)
    refused = cli("hazards", "add", tmp_path / "nothing.tif", "--name", "other", "--kind", "flood-depth", env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip() == "error: nothing.tif: no such file"
    assert snapshot(catalog) == before


def test_scenarios_naming_layers_are_checked(catalog, tmp_path):
    add_layer(depth_tif(tmp_path / "d.tif"), "depth", "flood-depth")
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(text.replace("  peak: 671 cm\n  peak_date: 2022-10-09\n", "  layer: depth\n"), encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    missing.write_text(
        text.replace("  peak: 671 cm\n  peak_date: 2022-10-09\n", "  layer: nowhere\n"), encoding="utf-8"
    )
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        text.replace("  source: generator\n  season: wet\n", "  source: layer\n  layer: depth\n"), encoding="utf-8"
    )
    context = validation_context(layers=layer_kinds())
    assert check_files([good], context=context) == []
    problems = check_files([missing, wrong], context=context)
    assert [p.field for p in problems] == ["flood.layer", "rainfall.layer"]
    assert "no layer 'nowhere' in the hazard catalog" in problems[0].message
    assert "is a flood-depth layer, expected rainfall" in problems[1].message
    import os

    result = cli("validate", missing, env=dict(os.environ))
    assert result.returncode == 2 and "flood.layer: no layer 'nowhere'" in result.stderr


def test_rename_and_delete_a_users_layer(catalog, tmp_path):
    from hazards.catalog import delete_layer, rename_layer

    add_layer(depth_tif(tmp_path / "d.tif", 0.5), "depth-a", "flood-depth")
    renamed = rename_layer("depth-a", "depth-b")
    assert (renamed.name, renamed.file) == ("depth-b", "depth-b.tif")
    assert sorted(p.name for p in catalog.iterdir()) == ["depth-b.tif", "depth-b.yaml"]
    assert float(open_layer("depth-b", grid=GRID).max()) == pytest.approx(0.5)
    with pytest.raises(CatalogError, match="no layer 'depth-a'"):
        open_layer("depth-a", grid=GRID)
    delete_layer("depth-b")
    assert snapshot(catalog) == {}


def test_shipped_layers_are_listed_and_read_only(catalog, tmp_path, monkeypatch):
    """A layer in the shipped folder is listed beside the user's, opens, and cannot be renamed or deleted."""
    from hazards import catalog as module

    shipped = tmp_path / "shipped"
    shipped.mkdir()
    add_layer(depth_tif(tmp_path / "s.tif", 2.0), "shipped-depth", "flood-depth", folder=shipped)
    monkeypatch.setattr(module, "DEFAULT_FOLDER", shipped)
    add_layer(depth_tif(tmp_path / "u.tif", 1.0), "user-depth", "flood-depth")
    entries, problems = module.layer_entries()
    assert problems == []
    assert [(card.name, is_shipped) for card, _, is_shipped in entries] == [
        ("shipped-depth", True),
        ("user-depth", False),
    ]
    assert float(open_layer("shipped-depth", grid=GRID).max()) == pytest.approx(2.0)
    before = snapshot(shipped)
    for action in (lambda: module.delete_layer("shipped-depth"), lambda: module.rename_layer("shipped-depth", "mine")):
        with pytest.raises(CatalogError, match="read-only"):
            action()
    with pytest.raises(CatalogError, match="already exists"):
        add_layer(depth_tif(tmp_path / "x.tif"), "shipped-depth", "flood-depth")
    assert snapshot(shipped) == before
