"""Exposure layers (issue 15, part 5): a population count and an elevation added to the catalog like
the hazard layers — any CRS, units checked, bad files refused with one coded line — and named by a
scenario in place of the built-in population or terrain. The rasters are made with the GDAL
command-line tools from ASCII grids, whose sums are the hand sums below."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hazards import flood
from hazards.catalog import CatalogError, add_layer, open_layer
from sim.core.grid import Grid
from sim.core.loader import InputError
from sim.delta.domain import load_delta
from sim.delta.exposure import ExposureError, height_above_rivers
from sim.run import run_scenario, scenario_delta
from sim.scenario import parse_text, validation_context
from tests.conftest import sim_cli as cli
from tests.test_messages import check_both_languages

ROOT = Path(__file__).resolve().parents[1]
GRID = Grid(resolution=0.05)
FEET = 0.3048
"""Metres in a foot (international foot). [m]"""

SCENARIO = """\
kind: scenario
name: exposure
title: Exposure
hazard: flood
start_date: 2022-08-01
days: 120
household_size: 5.2 person/household
domain:
  resolution: 0.05 degree
  population_year: 2022
{extra}flood:
  peak: 671 cm
  peak_date: 2022-10-09
"""


@pytest.fixture
def catalog(data_dir):
    folder = data_dir / "layers"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def delta():
    return load_delta(resolution=0.05, year=2022)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def ascii_grid(path: Path, values: np.ndarray, west: float, south: float, cell: float, nodata=None) -> Path:
    """An Arc/Info ASCII grid; ``values[0]`` is the northern row."""
    rows, cols = values.shape
    header = f"ncols {cols}\nnrows {rows}\nxllcorner {west}\nyllcorner {south}\ncellsize {cell}\n"
    if nodata is not None:
        header += f"NODATA_value {nodata}\n"
    path.write_text(header + "\n".join(" ".join(f"{v:.6g}" for v in row) for row in values) + "\n")
    return path


def translate(gdal_tools, source: Path, out: Path, crs: str = "EPSG:4326", *options) -> Path:
    """``gdal_translate`` of ``source`` into a Float32 GeoTIFF in ``crs``."""
    args = [gdal_tools["gdal_translate"], "-q", "-ot", "Float32", "-a_srs", crs, *options, source, out]
    subprocess.run([str(a) for a in args], check=True, capture_output=True)
    return out


# --------------------------------------------------------------------------- adding


def test_a_population_in_utm_is_added_and_its_people_are_all_kept(catalog, tmp_path, gdal_tools):
    # 60 × 50 pixels of 1 km in UTM zone 30N around Mopti, 0 to 299 people each
    people = np.random.default_rng(2).integers(0, 300, (50, 60)).astype(float)
    source = ascii_grid(tmp_path / "worldpop.asc", people, 340_000.0, 1_580_000.0, 1000.0, nodata=-99999)
    path = translate(gdal_tools, source, tmp_path / "worldpop_utm.tif", "EPSG:32630")
    result = cli("hazards", "add", path, "--name", "worldpop", "--kind", "population", "--source", "test")
    assert result.returncode == 0, result.stderr
    assert "population layer 'worldpop' in person" in result.stdout
    card = (catalog / "worldpop.yaml").read_text()
    assert "kind: population" in card and "units: person" in card and "original_crs: EPSG:32630" in card
    for resolution in (0.05, 0.01):
        layer = open_layer("worldpop", grid=Grid(resolution=resolution))
        assert layer.attrs["units"] == "person" and layer.dims == ("y", "x")
        # counts are summed onto the grid, never averaged: every person of the file is on it
        assert float(np.nansum(layer.values)) == pytest.approx(people.sum(), rel=1e-6)  # hand sum


def test_counts_are_summed_when_finer_and_shared_when_coarser(catalog, tmp_path, gdal_tools):
    fine = ascii_grid(tmp_path / "fine.asc", np.full((40, 40), 3.0), -4.5, 14.0, 0.0125)  # 16 pixels per 0.05° cell
    add_layer(translate(gdal_tools, fine, tmp_path / "fine.tif"), "fine", "population")
    layer = open_layer("fine", grid=GRID)
    inside = layer.sel(x=slice(-4.5, -4.0), y=slice(14.5, 14.0))
    np.testing.assert_allclose(inside.values, 48.0)  # hand sum: 16 × 3 people
    coarse = ascii_grid(tmp_path / "coarse.asc", np.full((2, 2), 1000.0), -4.5, 14.0, 0.2)  # 16 cells per pixel
    add_layer(translate(gdal_tools, coarse, tmp_path / "coarse.tif"), "coarse", "population")
    layer = open_layer("coarse", grid=GRID)
    np.testing.assert_allclose(layer.sel(x=slice(-4.5, -4.1), y=slice(14.4, 14.0)).values, 62.5)  # 1000 / 16
    assert float(np.nansum(layer.values)) == pytest.approx(4000.0)


def test_a_density_is_made_a_count_and_feet_are_made_metres(catalog, tmp_path, gdal_tools):
    density = ascii_grid(tmp_path / "pd.asc", np.full((20, 20), 100.0), -4.5, 14.0, 0.025)
    path = translate(gdal_tools, density, tmp_path / "pd.tif", "EPSG:4326", "-mo", "units=person/km^2")
    add_layer(path, "density", "population")
    layer = open_layer("density", grid=GRID)
    cells = layer.sel(x=slice(-4.5, -4.0), y=slice(14.5, 14.0))
    expected = 100.0 * GRID.cell_area_km2[(GRID.y < 14.5) & (GRID.y > 14.0)]  # 100 per km² × 30.0 km²
    np.testing.assert_allclose(cells.values, np.broadcast_to(expected[:, None], cells.shape), rtol=1e-4)
    dem = ascii_grid(tmp_path / "dem.asc", np.full((20, 20), 1000.0), -4.5, 14.0, 0.025)
    add_layer(translate(gdal_tools, dem, tmp_path / "dem.tif", "EPSG:4326", "-mo", "units=ft"), "dem-ft", "elevation")
    heights = open_layer("dem-ft", grid=GRID)
    assert heights.attrs["units"] == "m" and heights.attrs["source_units"] == "ft"
    assert float(heights.sel(x=-4.3, y=14.3, method="nearest")) == pytest.approx(1000 * FEET, abs=1e-3)


def _bad(tmp: Path, gdal_tools) -> list[tuple[str, Path, str, str, str]]:
    """(case, file, kind, code, English line) of files refused as exposure layers."""
    block = np.full((20, 20), 50.0)
    negative = block.copy()
    negative[3, 4] = -5.0
    two = tmp / "deux.vrt"
    tif = {}

    def make(name, values, *options, nodata=None, crs="EPSG:4326"):
        source = ascii_grid(tmp / f"{name}.asc", values, -4.5, 14.0, 0.025, nodata=nodata)
        tif[name] = translate(gdal_tools, source, tmp / f"{name}.tif", crs, *options)
        return tif[name]

    make("metres", block, "-mo", "units=m")
    make("negatif", negative)
    make("vide", np.full((20, 20), -99999.0), nodata=-99999)
    make("dense", np.where(np.arange(400).reshape(20, 20) == 7, 1e9, 50.0))
    make("everest", np.full((20, 20), 9999.0))
    hole = np.full((20, 20), 270.0)
    hole[4:12, 4:12] = -32768.0  # SRTM's void value, not declared: read onto the grid, cells inside keep it
    make("fosse", hole)
    make("kilos", block, "-mo", "units=kg")
    bands = [ascii_grid(tmp / f"b{k}.asc", block, -4.5, 14.0, 0.025) for k in range(2)]
    buildvrt = str(Path(gdal_tools["gdal_translate"]).parent / "gdalbuildvrt")
    subprocess.run([buildvrt, "-q", "-separate", str(two), *map(str, bands)], check=True, capture_output=True)
    stack = translate(gdal_tools, two, tmp / "deux.tif")
    return [
        (
            "units",
            tif["metres"],
            "population",
            "err_raster_units_not_population",
            "metres.tif: units 'm' do not fit a population layer; expected a count of people per pixel (person) or a density (person/km^2)",
        ),
        (
            "negative",
            tif["negatif"],
            "population",
            "err_raster_negative_population",
            "negatif.tif: negative count of people (-5); declare the nodata value of the file",
        ),
        (
            "nan-only",
            tif["vide"],
            "population",
            "err_raster_exposure_empty",
            "vide.tif: no value over the delta (every cell is nodata); population layers need values",
        ),
        (
            "absurd",
            tif["dense"],
            "population",
            "err_raster_population_too_dense",
            # hand sum: a 0.01° cell inside the 0.025° pixel of 1e9 holds 1e9 × (0.01 / 0.025)² = 1.6e8
            # people on 1.19709 km² (at 14.485° N)
            "dense.tif: 133,658,766 people per km² in a cell, denser than any city (500,000); is it a nodata value not declared as such, or a density read as a count (pass --units person/km^2)?",
        ),
        (
            "two-maps",
            stack,
            "population",
            "err_raster_exposure_bands",
            "deux.tif: 2 maps (bands or dates); population layers are one map",
        ),
        (
            "too-high",
            tif["everest"],
            "elevation",
            "err_raster_elevation_too_high",
            "everest.tif: elevation of 9999 m exceeds 9000 m, higher than any ground on Earth; check the units, or a nodata value not declared as such",
        ),
        (
            "too-low",
            tif["fosse"],
            "elevation",
            "err_raster_elevation_too_low",
            "fosse.tif: elevation of -32768 m is below -500 m, lower than any ground on Earth; declare the nodata value of the file",
        ),
        (
            "height-units",
            tif["kilos"],
            "elevation",
            "err_raster_units_not_height",
            "kilos.tif: units 'kg' do not fit an elevation layer; expected a height (m, ft)",
        ),
        (
            "elevation-nan-only",
            tif["vide"],
            "elevation",
            "err_raster_exposure_empty",
            "vide.tif: no value over the delta (every cell is nodata); elevation layers need values",
        ),
    ]


def test_bad_exposure_files_are_refused_with_one_coded_line(catalog, tmp_path, gdal_tools):
    before = snapshot(catalog)
    for case, path, kind, code, english in _bad(tmp_path, gdal_tools):
        with pytest.raises(CatalogError) as info:
            add_layer(path, "refused", kind)
        assert info.value.code == code, case
        try:
            check_both_languages(info.value, english=english)
        except AssertionError as err:
            raise AssertionError(f"{case}: {err}") from None
        assert snapshot(catalog) == before, case  # nothing written


def test_the_command_line_refuses_a_bad_file_and_an_unknown_kind(catalog, tmp_path, gdal_tools):
    negative = ascii_grid(tmp_path / "neg.asc", np.full((10, 10), -3.0), -4.5, 14.0, 0.05)
    path = translate(gdal_tools, negative, tmp_path / "neg.tif")
    result = cli("hazards", "add", path, "--name", "neg", "--kind", "population")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: neg.tif: negative count of people (-3); declare the nodata value of the file"
    ]
    wrong = cli("hazards", "add", path, "--name", "neg", "--kind", "census")
    assert wrong.returncode == 2 and "invalid choice: 'census'" in wrong.stderr
    assert list(catalog.iterdir()) == []


# --------------------------------------------------------------------------- in a scenario


def _population_layer(tmp_path, gdal_tools, delta, name="people", box=(-4.5, -3.5, 14.0, 15.0)) -> np.ndarray:
    """A population layer on the delta's 0.05° grid: 1000 people per cell inside ``box``, 1 elsewhere."""
    west, east, south, north = box
    lon, lat = np.meshgrid(delta.grid.x, delta.grid.y)
    values = np.where((lon > west) & (lon < east) & (lat > south) & (lat < north), 1000.0, 1.0)
    grid = delta.grid
    source = ascii_grid(tmp_path / f"{name}.asc", values, grid.west, grid.south, grid.resolution)
    add_layer(translate(gdal_tools, source, tmp_path / f"{name}.tif"), name, "population")
    return values


def _scenario(extra: str, context: dict | None = None):
    return parse_text(SCENARIO.format(extra=extra), "exposure.yaml", expect="scenario", context=context)


def test_a_population_layer_moves_the_people_but_keeps_the_census_totals(catalog, tmp_path, gdal_tools, delta):
    values = _population_layer(tmp_path, gdal_tools, delta)
    scenario = _scenario("  population:\n    layer: people\n")
    own = scenario_delta(scenario)
    assert own.cercle_population() == delta.cercle_population()  # census mode: totals exact
    assert int(own.population.sum()) == int(delta.population.sum())
    box = values > 1
    share_before = float(delta.population[box].sum() / delta.population.sum())
    share_after = float(own.population[box].sum() / own.population.sum())
    assert share_after > share_before + 0.2  # the people moved into the box
    assert np.array_equal(own.terrain.hand_m, delta.terrain.hand_m)
    assert scenario_delta(scenario) is own  # kept for the next member
    taken = scenario_delta(_scenario("  population:\n    layer: people\n    totals: layer\n"))
    counts = {c.pcode: c.population for c in taken.cercles}
    assert taken.cercle_population() == counts
    for k, cercle in enumerate(delta.cercles):  # hand sum of the layer's counts in each cercle
        assert counts[cercle.pcode] == round(values[delta.cercle_index == k].sum())


def test_a_scenario_with_exposure_layers_runs(catalog, tmp_path, gdal_tools, delta):
    _population_layer(tmp_path, gdal_tools, delta, box=(-4.5, -3.9, 14.2, 14.8))  # around Mopti
    plain = run_scenario(_scenario(""), members=1, seed=0)
    moved = run_scenario(_scenario("  population:\n    layer: people\n"), members=1, seed=0)
    affected = [float(r["people"].sel(count="affected").max("day").sum()) for r in (plain, moved)]
    assert affected[0] != affected[1]


def _dem(delta, raised: np.ndarray | None = None) -> np.ndarray:
    """A DEM made of the built-in HAND on a plain falling 10 m from south to north, raised by 5 m where ``raised``. [m]"""
    base = 265.0 + 10.0 * (delta.grid.north - delta.grid.y[:, None]) / (delta.grid.north - delta.grid.south)
    dem = base + delta.terrain.hand_m
    return dem + 5.0 * raised if raised is not None else dem


def test_a_dem_becomes_height_above_the_rivers(delta):
    hand = height_above_rivers(delta, _dem(delta), "dem")
    plain = delta.terrain.floodplain
    assert np.median(np.abs(hand - delta.terrain.hand_m)[plain]) < 0.3
    # a HAND raster comes out as it went in, but where its cells next to a channel stand above 0
    # (the built-in HAND at 0.05°: a cell's centre lies up to 4 km from the channel), never higher
    again = height_above_rivers(delta, delta.terrain.hand_m, "hand")
    assert np.median(np.abs(again - delta.terrain.hand_m)[plain]) < 0.15
    assert (again <= delta.terrain.hand_m + 1e-9).all()
    with pytest.raises(ExposureError) as info:
        height_above_rivers(delta, np.full(delta.grid.shape, np.nan), "empty")
    assert info.value.code == "err_elevation_layer_no_river"


def test_a_raised_dem_keeps_the_water_off_and_sends_it_elsewhere(catalog, tmp_path, gdal_tools, delta):
    terrain = delta.terrain
    lon, _ = np.meshgrid(delta.grid.x, delta.grid.y)
    raised = terrain.floodplain & (terrain.river_distance_km > 12.0) & (lon < -4.0)
    assert raised.sum() > 20
    grid = delta.grid
    for name, dem in (("dem", _dem(delta)), ("dem-raised", _dem(delta, raised))):
        source = ascii_grid(tmp_path / f"{name}.asc", dem / FEET, grid.west, grid.south, grid.resolution)
        path = translate(gdal_tools, source, tmp_path / f"{name}.tif", "EPSG:4326", "-mo", "units=ft")
        add_layer(path, name, "elevation")
    dates = pd.date_range("2022-10-01", periods=30, freq="D")
    area = np.broadcast_to(grid.cell_area_km2[:, None], grid.shape)
    wet = {}
    for name in ("dem", "dem-raised"):
        own = scenario_delta(_scenario(f"  terrain:\n    layer: {name}\n"))
        assert own.cercle_population() == delta.cercle_population()  # the people stay
        peak = flood.fluvial_depth(own, dates, 671.0, dates[8].date()).max("time").values
        wet[name] = peak > 0.01
    flooded = {name: float((mask * area).sum()) for name, mask in wet.items()}
    assert flooded["dem-raised"] == pytest.approx(flooded["dem"], rel=0.05)  # the flood's area is the stage's
    assert wet["dem-raised"][raised].sum() < 0.5 * wet["dem"][raised].sum()  # but not on the raised ground


def test_a_scenario_naming_a_population_layer_as_its_terrain_is_refused(catalog, tmp_path, gdal_tools, delta):
    _population_layer(tmp_path, gdal_tools, delta)
    context = validation_context(layers={"people": "population"})
    with pytest.raises(InputError) as info:
        _scenario("  terrain:\n    layer: people\n", context)
    problem = info.value.problems[0]
    check_both_languages(
        problem,
        english="exposure.yaml:12: domain.terrain.layer: layer 'people' is a population layer, expected elevation",
    )
    with pytest.raises(InputError) as info:
        _scenario("  population:\n    layer: nobody\n", context)
    check_both_languages(
        info.value.problems[0],
        english="exposure.yaml:12: domain.population.layer: no layer 'nobody' in the hazard catalog; population layers: people",
    )
    with pytest.raises(CatalogError) as info:  # checked without the catalog: refused when the delta is built
        scenario_delta(_scenario("  terrain:\n    layer: people\n"))
    check_both_languages(info.value, english="layer 'people' is a population layer, expected elevation")
    path = tmp_path / "wrong.yaml"
    path.write_text(SCENARIO.format(extra="  terrain:\n    layer: people\n"), encoding="utf-8")
    result = cli("validate", path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"{path}:12: domain.terrain.layer: layer 'people' is a population layer, expected elevation"
    ]


def test_a_layer_that_misses_every_cercle_or_the_floodplain_is_refused(delta):
    with pytest.raises(ExposureError) as info:
        from_layer = np.full(delta.grid.shape, np.nan)
        scenario_delta(_scenario("  population:\n    layer: empty\n"), layers=lambda name: _array(from_layer, name))
    check_both_languages(info.value, english="population layer 'empty' puts nobody in any cercle of the delta")
    with pytest.raises(ExposureError) as info:
        heights = np.where(delta.terrain.floodplain, np.nan, 280.0)
        scenario_delta(
            _scenario("  terrain:\n    layer: dry\n"), layers=lambda name: _array(heights, name, "elevation")
        )
    check_both_languages(
        info.value, english="elevation layer 'dry' has no value over the floodplain; the flood model cannot use it"
    )


def _array(values: np.ndarray, name: str, kind: str = "population"):
    return xr.DataArray(values, dims=("y", "x"), attrs={"kind": kind, "layer": name})
