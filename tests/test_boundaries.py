"""sim.boundaries: approximate cercles, and official ones from OCHA COD-AB files —
GeoJSON as published, and Shapefile, zipped Shapefile and GeoPackage made by ogr2ogr."""

import subprocess
import zipfile

import numpy as np
import shapely
import pytest

from sim import facts
from sim.boundaries import BoundariesError, read_boundaries
from sim.domain import build_delta

PCODES = [r["pcode"] for r in facts.read_table("cercles")]


@pytest.fixture(scope="module")
def cercles_geojson(reference):
    return reference / "mali_admin" / "mli_adm2_cercles.geojson"


def test_approximate_cercles_tile_the_grid_and_say_so():
    delta = build_delta(resolution=0.02)
    assert delta.approximate and delta.boundaries == "approximate"
    assert all(c.approximate for c in delta.cercles)
    assert (delta.cercle_index >= 0).all()  # Voronoi cells cover the whole grid


def test_official_geojson_replaces_the_approximation(cercles_geojson):
    delta = build_delta(resolution=0.02, boundaries=cercles_geojson)
    assert not delta.approximate
    # the population raster still sums exactly to each cercle's figure
    assert delta.cercle_population() == {c.pcode: c.population for c in delta.cercles}
    # every capital falls in its official cercle
    for k, cercle in enumerate(delta.cercles):
        capital = delta.place(cercle.capital)
        assert cercle.geometry.contains(shapely.Point(capital.lon, capital.lat)), cercle.name
    # OCHA area of Djenné cercle (0.375 deg² ≈ 4,500 km²) is reproduced on the grid
    djenne = [c.pcode for c in delta.cercles].index("ML0505")
    area = float(((delta.cercle_index == djenne) * delta.grid.cell_area_km2[:, None]).sum())
    assert area == pytest.approx(4_500, rel=0.05)


def _ogr2ogr(gdal_tools, *args):
    subprocess.run([gdal_tools["ogr2ogr"], *map(str, args)], check=True, capture_output=True)


def test_shapefile_in_utm_made_by_ogr2ogr(cercles_geojson, gdal_tools, tmp_path):
    shp = tmp_path / "cercles.shp"
    _ogr2ogr(gdal_tools, "-t_srs", "EPSG:32630", shp, cercles_geojson)
    shapes = read_boundaries(shp, PCODES)
    reference = read_boundaries(cercles_geojson, PCODES)
    for pcode in PCODES:
        assert shapes[pcode].geometry.symmetric_difference(reference[pcode].geometry).area < 1e-3 * reference[pcode].geometry.area


def test_zipped_shapefile_and_geopackage(cercles_geojson, gdal_tools, tmp_path):
    shp = tmp_path / "adm2.shp"
    _ogr2ogr(gdal_tools, shp, cercles_geojson)
    archive = tmp_path / "adm2.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("adm2.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    gpkg = tmp_path / "adm2.gpkg"
    _ogr2ogr(gdal_tools, "-f", "GPKG", gpkg, cercles_geojson)
    for path in (archive, gpkg):
        shapes = read_boundaries(path, PCODES)
        assert set(shapes) == set(PCODES) and not shapes["ML0501"].approximate


def test_missing_pcode_field_is_one_clear_line(cercles_geojson, gdal_tools, tmp_path):
    renamed = tmp_path / "renamed.geojson"
    _ogr2ogr(gdal_tools, "-sql", "SELECT admin2Name AS nom FROM mli_adm2_cercles", renamed, cercles_geojson)
    with pytest.raises(BoundariesError) as info:
        read_boundaries(renamed, PCODES)
    assert str(info.value).startswith(f"{renamed}: no pcode field")
    assert "\n" not in str(info.value)


def test_file_lacking_delta_cercles(cercles_geojson, gdal_tools, tmp_path):
    north = tmp_path / "kayes.geojson"
    _ogr2ogr(gdal_tools, "-where", "admin1Name = 'Kayes'", north, cercles_geojson)
    with pytest.raises(BoundariesError, match="lacks the cercles ML0402"):
        read_boundaries(north, PCODES)


def test_shapefile_without_crs_is_refused(cercles_geojson, gdal_tools, tmp_path):
    shp = tmp_path / "nocrs.shp"
    _ogr2ogr(gdal_tools, shp, cercles_geojson)
    (tmp_path / "nocrs.prj").unlink()
    with pytest.raises(BoundariesError, match="no CRS"):
        read_boundaries(shp, PCODES)


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\nnot really", b""])
def test_not_a_vector_file(tmp_path, content):
    bad = tmp_path / "cercles.geojson"
    bad.write_bytes(content)
    with pytest.raises(BoundariesError, match="not a readable vector file"):
        read_boundaries(bad, PCODES)


def test_missing_file(tmp_path):
    with pytest.raises(BoundariesError, match="no such file"):
        read_boundaries(tmp_path / "none.geojson", PCODES)


def test_population_follows_the_official_polygons(cercles_geojson):
    approx = build_delta(resolution=0.02)
    official = build_delta(resolution=0.02, boundaries=cercles_geojson)
    assert not np.array_equal(approx.cercle_index, official.cercle_index)
    assert approx.population.sum() == official.population.sum()
