"""sim.delta.boundaries: approximate cercles, and official ones from OCHA COD-AB files —
GeoJSON as published, and Shapefile, zipped Shapefile and GeoPackage made by ogr2ogr."""

import json
import subprocess
import zipfile

import numpy as np
import pytest
import shapely

from sim.core import facts
from sim.core.i18n import catalog
from sim.core.messages import message_text
from sim.delta.admin_data import ADMIN_DIR, build
from sim.delta.boundaries import BoundariesError, check_boundaries, read_boundaries
from sim.delta.domain import APPROXIMATE, OFFICIAL_CERCLES, build_delta

PCODES = [r["pcode"] for r in facts.read_table("cercles")]


@pytest.fixture(scope="module")
def cercles_geojson(reference):
    return reference / "mali_admin" / "mli_adm2_cercles.geojson"


def test_the_built_in_cercles_are_the_official_ones(cercles_geojson):
    delta = build_delta(resolution=0.02)
    assert not delta.approximate and delta.boundaries == str(OFFICIAL_CERCLES)
    assert delta.cercle_population() == {c.pcode: c.population for c in delta.cercles}
    official = read_boundaries(cercles_geojson, PCODES)
    frame = shapely.box(*delta.grid.bounds)
    for cercle in delta.cercles:
        # the shipped polygon is OCHA's, clipped to the grid and simplified by 0.002° (about
        # 220 m): it differs from the original by less than 1 % of its area
        original = official[cercle.pcode].geometry.intersection(frame)
        assert cercle.geometry.symmetric_difference(original).area < 0.01 * original.area, cercle.name


def test_the_shipped_admin_files_are_what_the_script_makes_of_the_reference(reference, tmp_path):
    counts = build(reference / "mali_admin", tmp_path)
    assert counts["cercles"] == len(PCODES)
    for name in ("cercles.geojson", "communes.geojson", "settlements.csv"):
        assert (tmp_path / name).read_bytes() == (ADMIN_DIR / name).read_bytes(), name


def test_approximate_cercles_tile_the_grid_and_say_so():
    delta = build_delta(resolution=0.02, boundaries=APPROXIMATE)
    assert delta.approximate and delta.boundaries == "approximate"
    assert all(c.approximate for c in delta.cercles)
    assert (delta.cercle_index >= 0).all()  # Voronoi cells cover the whole grid


def test_official_geojson_replaces_the_approximation(cercles_geojson):
    delta = build_delta(resolution=0.02, boundaries=cercles_geojson)
    assert not delta.approximate
    # the population raster still sums exactly to each cercle's figure
    assert delta.cercle_population() == {c.pcode: c.population for c in delta.cercles}
    # every capital falls in its official cercle
    for _k, cercle in enumerate(delta.cercles):
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
        assert (
            shapes[pcode].geometry.symmetric_difference(reference[pcode].geometry).area
            < 1e-3 * reference[pcode].geometry.area
        )


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
    # sim.core.vectorio looks at the first bytes before GDAL does: a GeoJSON starts with '{'
    bad = tmp_path / "cercles.geojson"
    bad.write_bytes(content)
    with pytest.raises(BoundariesError, match="not a GeoJSON file"):
        read_boundaries(bad, PCODES)


def test_missing_file(tmp_path):
    with pytest.raises(BoundariesError, match="no such file"):
        read_boundaries(tmp_path / "none.geojson", PCODES)


def test_population_follows_the_official_polygons(cercles_geojson):
    approx = build_delta(resolution=0.02)
    official = build_delta(resolution=0.02, boundaries=cercles_geojson)
    assert not np.array_equal(approx.cercle_index, official.cercle_index)
    assert approx.population.sum() == official.population.sum()


# --- refused files: only BoundariesError comes out, one coded line that names the file --------

SQUARE = [[-4.5, 14.0], [-4.0, 14.0], [-4.0, 14.5], [-4.5, 14.5], [-4.5, 14.0]]
"""A closed ring of 0.5° × 0.5° near Mopti (lon, lat) [deg]."""


def _geojson(tmp_path, geometry, properties=None, name="cercles.geojson"):
    path = tmp_path / name
    feature = {
        "type": "Feature",
        "properties": {"ADM2_PCODE": "ML0501"} if properties is None else properties,
        "geometry": geometry,
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    return path


def _refusal(path, pcodes=("ML0501",), **options) -> BoundariesError:
    with pytest.raises(BoundariesError) as info:
        read_boundaries(path, list(pcodes), **options)
    err = info.value
    assert err.code, f"no code: {err}"
    assert "\n" not in str(err) and str(err).startswith(f"{path}: ")
    return err


def _in_both_catalogs(err) -> str:
    """The French line of a refusal whose code this module's catalogs hold (sim/locales/*/files.yaml)."""
    assert err.code in catalog("fr") and err.code in catalog("en")
    french = message_text(err, "fr")
    assert french != str(err) and french.startswith(f"{err.params['file']} : ") and "\n" not in french
    return french


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "cercles.geojson"
    folder.mkdir()
    err = _refusal(folder)
    assert str(err) == f"{folder}: is a folder; give the .geojson, .gpkg, .shp or .zip file itself"
    assert (
        _in_both_catalogs(err)
        == f"{folder} : est un dossier ; indiquez le fichier .geojson, .gpkg, .shp ou .zip lui-même"
    )


def test_a_missing_file_is_refused(tmp_path):
    err = _refusal(tmp_path / "none.geojson")
    assert (err.code, str(err)) == ("err_no_such_file", f"{tmp_path / 'none.geojson'}: no such file")


def test_an_empty_feature_collection(tmp_path):
    # no feature at all: said as such, not as "no pcode field; fields are: " (an empty list)
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    err = _refusal(path)
    assert (err.code, str(err)) == ("err_boundaries_no_features", f"{path}: holds no features")
    _in_both_catalogs(err)


def test_a_latin1_geojson_is_not_utf8(tmp_path):
    # "Djenné" saved as Latin-1 (é = 0xE9): RFC 7946 GeoJSON is UTF-8; GDAL only says it cannot decode
    path = tmp_path / "latin1.geojson"
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"ADM2_PCODE": "ML0505", "nom": "Djenné"},
                    "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
                }
            ],
        },
        ensure_ascii=False,
    )
    path.write_bytes(text.encode("latin-1"))
    err = _refusal(path, ["ML0505"])
    assert (err.code, str(err)) == (
        "err_boundaries_not_utf8",
        f"{path}: is not UTF-8 text; a GeoJSON file must be saved as UTF-8",
    )
    _in_both_catalogs(err)


@pytest.mark.parametrize(
    "content",
    [b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), b"root:x:0:0:root:/root:/bin/bash\n"],
    ids=["binary", "passwd"],
)
def test_a_binary_or_text_file_named_geojson(tmp_path, content):
    # an executable and /etc/passwd under a .geojson name: sim.core.vectorio refuses them by their first byte
    path = tmp_path / "cercles.geojson"
    path.write_bytes(content)
    err = _refusal(path)
    assert err.code == "err_vector_unreadable"
    assert str(err) == f"{path}: not a readable vector file (not a GeoJSON file: it does not start with '{{')"


def test_an_unclosed_ring(tmp_path):
    # the last point does not repeat the first: GEOS cannot build the ring (the GEOSException used to escape)
    err = _refusal(_geojson(tmp_path, {"type": "Polygon", "coordinates": [SQUARE[:-1]]}))
    assert err.code == "err_vector_unclosed_ring"
    assert str(err).startswith(f"{tmp_path / 'cercles.geojson'}: feature 1: a polygon ring is not closed")


def test_a_latitude_of_400(tmp_path):
    ring = [[-4.5, 14.0], [-4.0, 14.0], [-4.0, 400.0], [-4.5, 14.0]]
    err = _refusal(_geojson(tmp_path, {"type": "Polygon", "coordinates": [ring]}))
    assert err.code == "err_vector_out_of_range"
    assert "(longitude -4, latitude 400)" in str(err)  # the first point off the globe, as written


def test_a_self_intersecting_polygon_is_refused_with_where_it_crosses(tmp_path):
    # a bow tie (the square with two corners swapped) crosses itself at (-4.25, 14.25), half-way
    # along both diagonals; a silent repair would change the cercle's cells, so it is refused
    bow_tie = [[-4.5, 14.0], [-4.0, 14.5], [-4.0, 14.0], [-4.5, 14.5], [-4.5, 14.0]]
    path = _geojson(tmp_path, {"type": "Polygon", "coordinates": [bow_tie]})
    err = _refusal(path)
    assert err.code == "err_boundaries_invalid_polygon"
    assert (
        str(err)
        == f"{path}: cercle ML0501 is not a valid polygon near longitude -4.25, latitude 14.25 (Self-intersection[-4.25 14.25]); repair it, e.g. with ogr2ogr -makevalid"
    )


@pytest.mark.parametrize(
    ("geometry", "kind"),
    [
        ({"type": "Point", "coordinates": [-4.2, 14.5]}, "Point"),
        ({"type": "LineString", "coordinates": SQUARE[:2]}, "LineString"),
    ],
    ids=["point", "line"],
)
def test_a_point_or_a_line_instead_of_a_polygon(tmp_path, geometry, kind):
    # a cercle that is a point would cover no cell of the grid, and its population nowhere
    path = _geojson(tmp_path, geometry)
    err = _refusal(path)
    assert (err.code, str(err)) == ("err_boundaries_not_polygon", f"{path}: cercle ML0501 is a {kind}, not a polygon")
    assert _in_both_catalogs(err) == f"{path} : le cercle ML0501 est de type {kind}, pas un polygone"


def test_a_cercle_without_geometry_or_area(tmp_path):
    path = _geojson(tmp_path, None)
    err = _refusal(path)
    assert (err.code, str(err)) == ("err_boundaries_no_geometry", f"{path}: cercle ML0501 has no geometry")
    _in_both_catalogs(err)
    # a polygon without coordinates: valid, and of no area
    empty = _geojson(tmp_path, {"type": "Polygon", "coordinates": []}, name="empty.geojson")
    err = _refusal(empty)
    assert (err.code, str(err)) == (
        "err_boundaries_empty_geometry",
        f"{empty}: cercle ML0501 has an empty polygon (no area)",
    )
    _in_both_catalogs(err)
    # three points on one line: a ring with no inside, that touches itself at (-4, 14.5)
    flat = _geojson(
        tmp_path,
        {"type": "Polygon", "coordinates": [[[-4.5, 14.0], [-4.0, 14.5], [-3.5, 15.0], [-4.5, 14.0]]]},
        name="flat.geojson",
    )
    err = _refusal(flat)
    assert err.code == "err_boundaries_invalid_polygon" and "near longitude -4, latitude 14.5" in str(err)
    _in_both_catalogs(err)


def test_the_pcode_field_with_other_pcodes(tmp_path):
    path = _geojson(tmp_path, {"type": "Polygon", "coordinates": [SQUARE]}, {"ADM2_PCODE": "XX9999"})
    err = _refusal(path, ["ML0501", "ML0502"])
    assert err.code == "err_boundaries_none_of_the_cercles"
    assert (
        str(err) == f"{path}: field ADM2_PCODE lacks the cercles ML0501, ML0502; it holds other pcodes, such as XX9999"
    )
    assert (
        _in_both_catalogs(err)
        == f"{path} : il manque au champ ADM2_PCODE les cercles ML0501, ML0502 ; il contient d'autres codes P, par exemple XX9999"
    )


def test_the_official_file_read_by_the_region_pcodes(cercles_geojson):
    # the OCHA cercles file holds the region pcodes too (admin1Pcod, ML01 … ML09): none is a cercle's;
    # the first five, sorted, are shown
    err = _refusal(cercles_geojson, PCODES, pcode_field="admin1Pcod")
    assert err.code == "err_boundaries_none_of_the_cercles"
    assert str(err).endswith("; it holds other pcodes, such as ML01, ML02, ML03, ML04, ML05")


@pytest.mark.parametrize(
    "error",
    [
        shapely.errors.GEOSException(
            "IllegalArgumentException: CGAlgorithmsDD::orientationIndex encountered NaN/Inf numbers"
        ),
        OverflowError("math range error"),
        KeyError("geometry"),
    ],
    ids=["geos", "overflow", "key"],
)
def test_no_other_exception_gets_out(tmp_path, monkeypatch, error):
    # whatever the libraries raise on a file (here as if read_polygons raised it) comes out as one coded line
    def broken(path, *args, **kwargs):
        raise error

    monkeypatch.setattr("sim.delta.boundaries.read_polygons", broken)
    path = _geojson(tmp_path, {"type": "Polygon", "coordinates": [SQUARE]})
    err = _refusal(path)
    assert err.code == "err_boundaries_unusable"
    assert str(err) == f"{path}: cannot be used as boundaries ({str(error).strip()})"
    assert _in_both_catalogs(err) == f"{path} : inutilisable comme limites des cercles"


def test_check_boundaries(cercles_geojson, tmp_path):
    assert check_boundaries(cercles_geojson, PCODES) == []
    # named by a scenario: its file, the line of domain.boundaries, then the boundaries file's own problem
    missing = tmp_path / "none.geojson"
    (problem,) = check_boundaries(missing, PCODES, named_in="flood-2022.yaml", line=9)
    assert str(problem) == f"flood-2022.yaml:9: domain.boundaries: {missing}: no such file"
    assert message_text(problem, "fr") == f"flood-2022.yaml:9 : domain.boundaries : {missing} : ce fichier n'existe pas"
    (problem,) = check_boundaries(_geojson(tmp_path, {"type": "Point", "coordinates": [-4.2, 14.5]}), ["ML0501"])
    assert problem.code == "err_boundaries_not_polygon" and problem.line is None


def test_swapped_longitude_and_latitude_are_refused_before_any_cell_is_counted(tmp_path):
    # the square near Mopti written (lat, lon): it lies at 14° E, 4° S, in range for GDAL
    # but nowhere near the delta; it used to reach the population step and fail there
    swapped = [[lat, lon] for lon, lat in SQUARE]
    path = _geojson(tmp_path, {"type": "Polygon", "coordinates": [swapped]})
    err = _refusal(path)
    assert err.code == "err_boundaries_off_grid"
    assert str(err) == (
        f"{path}: the cercles ML0501 lie outside the delta's grid (-6.6° to -2.9° E, 13.2° to 16.9° N); "
        "are longitude and latitude swapped, or the CRS wrong?"
    )
    assert "longitude et latitude sont-elles inversées" in _in_both_catalogs(err)
    # the same file named by a scenario: validate exits 2 with that one line
    assert check_boundaries(path, ["ML0501"])[0].code == "err_boundaries_off_grid"


def test_a_cercle_smaller_than_a_cell_is_refused_on_one_line(tmp_path):
    # every cercle a 0.01° square around its capital: inside the grid, but at 0.1° most hold
    # no cell centre, which used to fail in the population step ("cercle k has no cell")
    features = []
    for row in facts.read_table("cercles"):
        capital = next(r for r in facts.read_table("settlements") if r["name"] == row["capital"])
        lon, lat = float(capital["lon"]), float(capital["lat"])
        ring = [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]
        features.append(
            {
                "type": "Feature",
                "properties": {"ADM2_PCODE": row["pcode"]},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path = tmp_path / "tiny.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    with pytest.raises(BoundariesError) as info:
        build_delta(resolution=0.1, boundaries=path)
    err = info.value
    assert err.code == "err_boundaries_no_cell" and "\n" not in str(err)
    assert str(err).startswith(f"{path}: the cercles ") and str(err).endswith("of the 0.1° grid; choose a finer grid")
    assert "choisissez une grille plus fine" in _in_both_catalogs(err)
