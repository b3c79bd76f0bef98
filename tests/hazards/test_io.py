"""hazards.io (rainfall, geotiff, netcdf, regrid, metadata): rainfall files onto the domain grid, on real files made by xarray and GDAL.

The test fields are linear in longitude and latitude, which bilinear resampling reproduces
exactly away from the edges, so expected values are hand sums at a cell centre.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import xarray as xr

from hazards.io.errors import RasterError
from hazards.io.geotiff import write_geotiff
from hazards.io.rainfall import read_rainfall
from hazards.io.regrid import DEFAULT_MAX_CELLS
from sim.core.grid import Grid

GRID = Grid()

# A probe cell in the middle of the delta: centre lon -4.005, lat 14.495 (column 259, row 240).
PROBE_LON, PROBE_LAT = -4.005, 14.495
PROBE = dict(y=PROBE_LAT, x=PROBE_LON)


def linear_field(lon, lat, day=0):
    """Test rainfall [mm/day]: 2·day + (lon + 7) + (lat − 12)."""
    return 2.0 * day + (lon + 7.0) + (lat - 12.0)


# Hand sum at the probe, day 0: (−4.005 + 7) + (14.495 − 12) = 2.995 + 2.495 = 5.49 mm/day.
PROBE_DAY0 = 5.49


def at(da, **sel):
    return float(da.sel(**sel, method="nearest"))


def assert_one_line_naming(err: pytest.ExceptionInfo, filename: str) -> str:
    message = str(err.value)
    assert message.startswith(f"{filename}: "), message
    assert "\n" not in message, message
    return message


# --------------------------------------------------------------------------- NetCDF builders

LON = np.round(np.arange(-7.0, -2.5, 0.05) + 0.025, 6)  # 0.05° centres, wider than the delta
LAT = np.round(np.arange(12.8, 17.3, 0.05) + 0.025, 6)


def chirps_like(path: Path, values, times, units="mm/day", ascending=True, fill=None) -> Path:
    """A CHIRPS-like NetCDF: ``precip`` on (time, latitude, longitude)."""
    lat = LAT if ascending else LAT[::-1]
    data = np.asarray(values(LON[None, :], lat[:, None]), dtype=np.float32)
    if data.ndim == 2:
        data = np.repeat(data[None], len(times), axis=0)
    ds = xr.Dataset(
        {"precip": (("time", "latitude", "longitude"), data, {"units": units})},
        coords={
            "time": pd.DatetimeIndex(times),
            "latitude": ("latitude", lat, {"units": "degrees_north"}),
            "longitude": ("longitude", LON, {"units": "degrees_east"}),
        },
    )
    encoding = {"precip": {"_FillValue": fill}} if fill is not None else {"precip": {"_FillValue": None}}
    ds.to_netcdf(path, engine="netcdf4", encoding=encoding)
    return path


def daily_linear(lon, lat):
    days = np.arange(3)[:, None, None]
    return linear_field(lon[None], lat[None], days)


# --------------------------------------------------------------------------- NetCDF tests


def test_netcdf_daily_both_latitude_orders_identical(tmp_path):
    times = pd.date_range("2024-07-01", periods=3, freq="D")
    up = read_rainfall(chirps_like(tmp_path / "up.nc", daily_linear, times, ascending=True))
    down = read_rainfall(chirps_like(tmp_path / "down.nc", daily_linear, times, ascending=False))
    assert up.dims == ("time", "y", "x")
    assert up.shape == (3, *GRID.shape)
    np.testing.assert_array_equal(up.values, down.values)
    np.testing.assert_allclose(up["y"].values, GRID.y)
    np.testing.assert_allclose(up["x"].values, GRID.x)
    assert up["y"].values[0] > up["y"].values[-1]
    assert up.attrs["units"] == "mm/day" and up.attrs["frequency"] == "daily"
    assert up.dtype in (np.float32, np.float64)
    # Probe, day 0: 5.49 mm/day; day 2: 5.49 + 2·2 = 9.49 mm/day.
    assert at(up.isel(time=0), **PROBE) == pytest.approx(PROBE_DAY0, abs=1e-4)
    assert at(up.isel(time=2), **PROBE) == pytest.approx(9.49, abs=1e-4)
    # South-west corner cell (−6.595, 13.205): 0.405 + 1.205 = 1.61 mm/day, and it is north-up.
    assert float(up.isel(time=0, y=-1, x=0)) == pytest.approx(1.61, abs=1e-4)
    assert not np.isnan(up.values).any()


def test_netcdf_monthly_in_mm_per_month(tmp_path):
    times = pd.DatetimeIndex(["2024-06-01", "2024-07-01", "2024-08-01"])
    totals = np.array([100.0, 150.0, 200.0])[:, None, None]
    path = chirps_like(tmp_path / "monthly.nc", lambda lon, lat: totals + 0 * lon * lat, times, units="mm/month")
    rain = read_rainfall(path)
    assert (rain.attrs["units"], rain.attrs["frequency"]) == ("mm/month", "monthly")
    np.testing.assert_allclose(rain.values[:, 100, 100], [100.0, 150.0, 200.0], rtol=1e-6)


def test_netcdf_monthly_rate_becomes_monthly_total(tmp_path):
    # 3 mm/day over June (30 d) = 90 mm, July (31 d) = 93 mm.
    times = pd.DatetimeIndex(["2024-06-01", "2024-07-01"])
    path = chirps_like(tmp_path / "monthly_rate.nc", lambda lon, lat: 3.0 + 0 * lon * lat, times, units="mm/d")
    rain = read_rainfall(path)
    assert rain.attrs["units"] == "mm/month"
    np.testing.assert_allclose(rain.values[:, 50, 50], [90.0, 93.0], rtol=1e-6)


def test_netcdf_cf_flux_converts(tmp_path):
    # 1e-4 kg m-2 s-1 = 1e-4 mm/s (1 kg m-2 of water is 1 mm) × 86400 s/day = 8.64 mm/day.
    times = pd.date_range("2024-08-01", periods=2, freq="D")
    path = chirps_like(tmp_path / "era.nc", lambda lon, lat: 1e-4 + 0 * lon * lat, times, units="kg m-2 s-1")
    rain = read_rainfall(path)
    assert rain.attrs["units"] == "mm/day"
    np.testing.assert_allclose(rain.values, 8.64, rtol=1e-5)


def test_netcdf_depth_and_units_argument(tmp_path):
    # A depth per daily step: 0.004 m = 4 mm/day; the units argument overrides the file.
    times = pd.date_range("2024-08-01", periods=2, freq="D")
    path = chirps_like(tmp_path / "depth.nc", lambda lon, lat: 0.004 + 0 * lon * lat, times, units="m")
    np.testing.assert_allclose(read_rainfall(path).values, 4.0, rtol=1e-5)
    np.testing.assert_allclose(read_rainfall(path, units="m/day").values, 4.0, rtol=1e-5)


def test_netcdf_fill_value_becomes_nan(tmp_path):
    times = pd.date_range("2024-07-01", periods=2, freq="D")

    def with_hole(lon, lat):
        field = np.broadcast_to(linear_field(lon, lat), (LAT.size, LON.size)).copy()
        field[(lat[:, 0] > 15.0) & (lat[:, 0] < 15.5), :] = np.nan  # a band of missing rows
        return field

    path = chirps_like(tmp_path / "holes.nc", with_hole, times, fill=-9999.0)
    with xr.open_dataset(path, engine="netcdf4", mask_and_scale=False) as raw:
        assert (raw["precip"].values == -9999).any()  # the file really holds -9999
    rain = read_rainfall(path)
    assert np.isnan(at(rain.isel(time=0), y=15.25, x=-4.0))
    assert not (rain.values == -9999).any()
    assert np.nanmin(rain.values) > 0  # nodata is NaN, never 0 or −9999
    assert at(rain.isel(time=0), **PROBE) == pytest.approx(PROBE_DAY0, abs=1e-4)


def test_netcdf_lat_lon_names_and_small_grid(tmp_path):
    times = pd.date_range("2024-07-01", periods=1, freq="D")
    path = chirps_like(tmp_path / "rain.nc", lambda lon, lat: linear_field(lon, lat), times)
    with xr.open_dataset(path) as ds:
        ds.load().rename(latitude="lat", longitude="lon").to_netcdf(tmp_path / "renamed.nc")
    small = Grid(west=-4.5, south=14.0, east=-3.5, north=15.0, resolution=0.05)
    rain = read_rainfall(tmp_path / "renamed.nc", grid=small)
    assert rain.shape == (1, 20, 20)
    # Cell (row 0, col 0) centre (−4.475, 14.975): 2.525 + 2.975 = 5.5 mm/day.
    assert float(rain[0, 0, 0]) == pytest.approx(5.5, abs=1e-4)


# --------------------------------------------------------------------------- GDAL-made files


def run(*args) -> None:
    subprocess.run([str(a) for a in args], check=True, capture_output=True)


def gdalwarp(gdal_tools) -> str:
    here = Path(gdal_tools["gdal_translate"]).parent
    found = shutil.which("gdalwarp", path=str(here)) or shutil.which("gdalwarp")
    assert found, "gdalwarp not found next to gdal_translate"
    return found


def ascii_grid(path: Path, west=-7.0, south=12.8, cell=0.05, cols=90, rows=90, hole=True, day=0) -> Path:
    """An Arc/Info ASCII grid of :func:`linear_field`, with a −9999 block if ``hole``."""
    lon = west + cell * (np.arange(cols) + 0.5)
    lat = south + cell * (rows - np.arange(rows) - 0.5)  # first row is the northern one
    field = linear_field(lon[None, :], lat[:, None], day)
    if hole:
        field[(lat > 16.0)[:, None] & (lon < -6.0)[None, :]] = -9999
    header = f"ncols {cols}\nnrows {rows}\nxllcorner {west}\nyllcorner {south}\ncellsize {cell}\nNODATA_value -9999\n"
    body = "\n".join(" ".join(f"{v:.4f}" for v in row) for row in field)
    path.write_text(header + body + "\n")
    return path


def geotiff(gdal_tools, tmp_path, name="rain.tif", *options, **grid_kwargs) -> Path:
    src = ascii_grid(tmp_path / (Path(name).stem + ".asc"), **grid_kwargs)
    out = tmp_path / name
    run(gdal_tools["gdal_translate"], "-q", "-ot", "Float32", *options, src, out)
    return out


def test_geotiff_from_gdal_translate(gdal_tools, tmp_path):
    path = geotiff(
        gdal_tools,
        tmp_path,
        "rain.tif",
        "-a_srs",
        "EPSG:4326",
        "-a_nodata",
        "-9999",
        "-mo",
        "units=mm/day",
        "-mo",
        "date=2024-08-15",
    )
    rain = read_rainfall(path)
    assert list(rain["time"].values) == [np.datetime64("2024-08-15")]
    assert rain.attrs["units"] == "mm/day"
    assert at(rain.isel(time=0), **PROBE) == pytest.approx(PROBE_DAY0, abs=1e-4)
    # The −9999 block (north of 16°, west of −6°) is NaN on the grid; nothing is −9999 or 0.
    assert np.isnan(at(rain.isel(time=0), y=16.5, x=-6.4))
    assert not (rain.values == -9999).any()
    assert np.nanmin(rain.values) > 0


def test_geotiff_utm_copy_matches(gdal_tools, tmp_path):
    path = geotiff(
        gdal_tools,
        tmp_path,
        "rain.tif",
        "-a_srs",
        "EPSG:4326",
        "-a_nodata",
        "-9999",
        "-mo",
        "units=mm/day",
        "-mo",
        "date=2024-08-15",
        hole=False,
    )
    utm = tmp_path / "rain_utm.tif"
    run(gdalwarp(gdal_tools), "-q", "-t_srs", "EPSG:32630", "-tr", "2000", "2000", "-r", "bilinear", path, utm)
    with rasterio.open(utm) as src:
        assert src.crs.to_epsg() == 32630
    small = Grid(west=-6.0, south=13.5, east=-3.5, north=16.5, resolution=0.05)
    direct = read_rainfall(path, grid=small)
    projected = read_rainfall(utm, grid=small)
    assert projected["time"].values[0] == np.datetime64("2024-08-15")  # gdalwarp kept the tags
    # Two bilinear passes of a linear field: equal within interpolation tolerance (the field
    # varies by 0.05 mm/day per 0.05° cell, so 0.02 mm/day is well under a cell's change).
    np.testing.assert_allclose(projected.values, direct.values, atol=0.02)
    assert at(projected.isel(time=0), y=14.525, x=-4.025) == pytest.approx(2.975 + 2.525, abs=0.02)


def test_geotiff_date_from_filename_and_units_argument(gdal_tools, tmp_path):
    path = geotiff(gdal_tools, tmp_path, "chirps_20240903.tif", "-a_srs", "EPSG:4326", "-a_nodata", "-9999")
    with pytest.raises(RasterError) as err:
        read_rainfall(path)
    assert "--units" in assert_one_line_naming(err, "chirps_20240903.tif")
    rain = read_rainfall(path, units="mm/day")
    assert rain["time"].values[0] == np.datetime64("2024-09-03")
    assert at(rain.isel(time=0), **PROBE) == pytest.approx(PROBE_DAY0, abs=1e-4)


def test_geotiff_without_date_is_refused(gdal_tools, tmp_path):
    path = geotiff(gdal_tools, tmp_path, "rain.tif", "-a_srs", "EPSG:4326", "-mo", "units=mm/day")
    with pytest.raises(RasterError) as err:
        read_rainfall(path)
    assert "no date" in assert_one_line_naming(err, "rain.tif")


def test_multiband_stack_with_dates_tag(gdal_tools, tmp_path):
    # Three daily bands, day d = linear field + 2·d; stacked with gdalbuildvrt -separate.
    bands = [ascii_grid(tmp_path / f"b{d}.asc", hole=False, day=d) for d in range(3)]
    vrt = tmp_path / "stack.vrt"
    run(Path(gdal_tools["gdal_translate"]).parent / "gdalbuildvrt", "-q", "-separate", vrt, *bands)
    stack = tmp_path / "stack.tif"
    run(
        gdal_tools["gdal_translate"],
        "-q",
        "-a_srs",
        "EPSG:4326",
        "-mo",
        "units=mm/day",
        "-mo",
        "dates=2024-07-10,2024-07-11,2024-07-12",
        vrt,
        stack,
    )
    rain = read_rainfall(stack)
    assert list(pd.DatetimeIndex(rain["time"].values).strftime("%Y-%m-%d")) == [
        "2024-07-10",
        "2024-07-11",
        "2024-07-12",
    ]
    # Probe: 5.49, 7.49, 9.49 mm/day.
    np.testing.assert_allclose([at(rain.isel(time=t), **PROBE) for t in range(3)], [5.49, 7.49, 9.49], atol=1e-4)


def test_write_geotiff_round_trip_with_band_descriptions(tmp_path):
    times = pd.date_range("2024-07-01", periods=3, freq="D")
    rain = read_rainfall(chirps_like(tmp_path / "rain.nc", daily_linear, times))
    rain[:, :10, :10] = np.nan
    out = write_geotiff(rain, tmp_path / "export.tif")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.tif", "rain.nc"]  # no temp file left
    with rasterio.open(out) as src:
        assert src.descriptions == ("2024-07-01", "2024-07-02", "2024-07-03")
        assert src.tags()["units"] == "mm/day"
    again = read_rainfall(out)
    np.testing.assert_allclose(again.values, rain.values, atol=1e-5, equal_nan=True)
    assert np.isnan(again.values[:, :10, :10]).all()


# --------------------------------------------------------------------------- errors


def test_png_renamed_tif(gdal_tools, tmp_path):
    src = ascii_grid(tmp_path / "img.asc", hole=False)
    png = tmp_path / "img.png"
    run(gdal_tools["gdal_translate"], "-q", "-of", "PNG", "-ot", "Byte", src, png)
    fake = tmp_path / "rain.tif"
    fake.write_bytes(png.read_bytes())
    with pytest.raises(RasterError) as err:
        read_rainfall(fake, crs="EPSG:4326", units="mm/day")
    assert "not a GeoTIFF" in assert_one_line_naming(err, "rain.tif")


def test_not_a_raster_at_all(tmp_path):
    bad = tmp_path / "rain.tif"
    bad.write_text("this is not a raster\n")
    with pytest.raises(RasterError) as err:
        read_rainfall(bad)
    assert "GDAL could not open it" in assert_one_line_naming(err, "rain.tif")
    bad_nc = tmp_path / "rain.nc"
    bad_nc.write_text("nor is this a netcdf\n")
    with pytest.raises(RasterError) as err:
        read_rainfall(bad_nc)
    assert "not a NetCDF file" in assert_one_line_naming(err, "rain.nc")


def test_truncated_geotiff(gdal_tools, tmp_path):
    whole = geotiff(
        gdal_tools,
        tmp_path,
        "whole.tif",
        "-a_srs",
        "EPSG:4326",
        "-mo",
        "units=mm/day",
        "-mo",
        "date=2024-08-15",
        "-co",
        "COMPRESS=NONE",
    )
    data = whole.read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(RasterError) as err:
        read_rainfall(cut)
    assert "truncated or corrupt" in assert_one_line_naming(err, "cut.tif")


def test_no_crs_needs_crs_argument(gdal_tools, tmp_path):
    path = geotiff(gdal_tools, tmp_path, "rain.tif", "-mo", "units=mm/day", "-mo", "date=2024-08-15")
    with rasterio.open(path) as src:
        assert src.crs is None
    with pytest.raises(RasterError) as err:
        read_rainfall(path)
    assert assert_one_line_naming(err, "rain.tif") == "rain.tif: no CRS; pass --crs"
    rain = read_rainfall(path, crs="EPSG:4326")
    assert at(rain.isel(time=0), **PROBE) == pytest.approx(PROBE_DAY0, abs=1e-4)


def test_raster_outside_the_delta(gdal_tools, tmp_path):
    path = geotiff(
        gdal_tools,
        tmp_path,
        "paris.tif",
        "-a_srs",
        "EPSG:4326",
        "-mo",
        "units=mm/day",
        "-mo",
        "date=2024-08-15",
        west=2.0,
        south=48.5,
        cols=20,
        rows=20,
    )
    with pytest.raises(RasterError) as err:
        read_rainfall(path)
    assert "does not overlap the delta" in assert_one_line_naming(err, "paris.tif")


def test_max_cells_on_small_file(gdal_tools, tmp_path):
    path = geotiff(
        gdal_tools, tmp_path, "rain.tif", "-a_srs", "EPSG:4326", "-mo", "units=mm/day", "-mo", "date=2024-08-15"
    )
    with pytest.raises(RasterError) as err:
        read_rainfall(path, max_cells=1000)  # 90 × 90 = 8100 cells > 1000
    assert "90×90 cells exceeds the limit of 1000 cells" in assert_one_line_naming(err, "rain.tif")
    nc = chirps_like(tmp_path / "rain.nc", daily_linear, pd.date_range("2024-07-01", periods=3))
    with pytest.raises(RasterError) as err:
        read_rainfall(nc, max_cells=10_000)  # 90 × 90 × 3 = 24300 cells > 10000
    assert "exceeds the limit" in assert_one_line_naming(err, "rain.nc")


def test_huge_header_only_vrt_is_refused_fast(tmp_path):
    # 200000 × 200000 float32 would be 160 GB; only the header exists.
    vrt = tmp_path / "huge.vrt"
    vrt.write_text(
        '<VRTDataset rasterXSize="200000" rasterYSize="200000">\n'
        "  <SRS>EPSG:4326</SRS>\n"
        "  <GeoTransform>-10, 0.0001, 0, 20, 0, -0.0001</GeoTransform>\n"
        '  <VRTRasterBand dataType="Float32" band="1"><Description>2024-08-15</Description></VRTRasterBand>\n'
        "</VRTDataset>\n"
    )
    start = time.perf_counter()
    with pytest.raises(RasterError) as err:
        read_rainfall(vrt, units="mm/day")
    assert time.perf_counter() - start < 2.0
    message = assert_one_line_naming(err, "huge.vrt")
    assert f"200000×200000 cells exceeds the limit of {DEFAULT_MAX_CELLS} cells; crop it first" in message


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("blorps/day", "rain.nc: unknown unit 'blorps/day'"),
        ("kg", "rain.nc: units 'kg' are not a rainfall rate or depth"),
        ("degC", "rain.nc: units 'degC' are not a rainfall rate or depth"),
    ],
)
def test_bad_units(tmp_path, unit, expected):
    path = chirps_like(tmp_path / "rain.nc", daily_linear, pd.date_range("2024-07-01", periods=3), units=unit)
    with pytest.raises(RasterError) as err:
        read_rainfall(path)
    assert assert_one_line_naming(err, "rain.nc") == expected


def test_irregular_time_step_is_refused(tmp_path):
    times = pd.DatetimeIndex(["2024-07-01", "2024-07-11", "2024-07-21"])  # dekads
    path = chirps_like(tmp_path / "dekads.nc", daily_linear, times)
    with pytest.raises(RasterError) as err:
        read_rainfall(path)
    assert "neither daily nor monthly" in assert_one_line_naming(err, "dekads.nc")
