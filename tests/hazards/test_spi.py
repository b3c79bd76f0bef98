"""Tests of hazards.spi: SPI against climate-indices, one month's SPI, severity classes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hazards import spi as spi_module

FIXTURES = "climate_indices_spi"


def monthly(values: np.ndarray, start: str = "1895-01-01") -> xr.DataArray:
    """A monthly DataArray of a (time, ...) array."""
    dims = ("time", "y", "x")[: values.ndim]
    time = pd.date_range(start, periods=values.shape[0], freq="MS")
    return xr.DataArray(values, dims=dims, coords={"time": time})


@pytest.fixture(scope="module")
def precip(reference) -> xr.DataArray:
    raw = np.load(reference / FIXTURES / "precips_mm_monthly.npy")
    assert raw.shape == (123, 12)  # 1895-2017, one row per year
    return monthly(raw.ravel())


# --- SPI against the climate-indices fixtures ---------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "scale", "calibration", "distribution", "atol"),
    [
        ("spi_01_gamma", 1, (1895, 2017), "gamma", 0.001),
        ("spi_06_gamma", 6, (1895, 2017), "gamma", 0.001),
        ("spi_06_pearson3", 6, (1981, 2010), "pearson3", 0.01),
    ],
)
def test_spi_matches_climate_indices_fixtures(reference, precip, fixture, scale, calibration, distribution, atol):
    expected = np.load(reference / FIXTURES / f"{fixture}.npy")
    assert expected.shape == (123 * 12,)
    result = spi_module.spi(precip, scale, calibration=calibration, distribution=distribution)
    assert result.shape == precip.shape
    assert result.dims == ("time",)
    np.testing.assert_array_equal(np.isnan(result.values), np.isnan(expected))
    np.testing.assert_allclose(result.values, expected, atol=atol, rtol=0, equal_nan=True)
    # the first scale - 1 months cannot be accumulated
    assert np.isnan(result.values[: scale - 1]).all()
    assert result.attrs["units"] == "1"
    assert "Standardized Precipitation Index" in result.attrs["long_name"]


def test_spi_default_calibration_is_whole_record(reference, precip):
    expected = np.load(reference / FIXTURES / "spi_06_gamma.npy")  # calibrated on 1895-2017
    np.testing.assert_allclose(spi_module.spi(precip, 6).values, expected, atol=0.001, equal_nan=True)


@pytest.mark.parametrize("distribution", ["gamma", "pearson3"])
def test_spi_grid_equals_series_in_every_cell(precip, distribution):
    series = spi_module.spi(precip, 6, (1981, 2010), distribution).values
    grid = monthly(np.broadcast_to(precip.values[:, None, None], (precip.size, 3, 4)).copy())
    result = spi_module.spi(grid, 6, (1981, 2010), distribution)
    assert result.dims == ("time", "y", "x")
    assert result.shape == (precip.size, 3, 4)
    for y in range(3):
        for x in range(4):
            # same numbers up to the summation order of the vectorized reductions
            np.testing.assert_allclose(result.values[:, y, x], series, rtol=0, atol=1e-9, equal_nan=True)
            np.testing.assert_array_equal(np.isnan(result.values[:, y, x]), np.isnan(series))


def test_spi_keeps_dimension_order(precip):
    grid = monthly(np.broadcast_to(precip.values[:, None, None], (precip.size, 2, 3)).copy())
    transposed = grid.transpose("y", "time", "x")
    result = spi_module.spi(transposed, 3)
    assert result.dims == ("y", "time", "x")
    np.testing.assert_allclose(result.transpose("time", ...).values, spi_module.spi(grid, 3).values, atol=1e-9)


@pytest.mark.parametrize(("distribution", "atol"), [("gamma", 0.001), ("pearson3", 0.01)])
def test_spi_random_grid_matches_climate_indices_directly(distribution, atol):
    from climate_indices import (  # a test dependency (pyproject extra "test")
        compute,
        indices,
    )

    rng = np.random.default_rng(20240611)
    years, ny, nx = 40, 2, 3
    # a seasonal gamma climate with dry-season zeros
    shape = np.tile(np.linspace(0.6, 3.0, 12), years)[:, None, None]
    values = rng.gamma(shape, 40.0, size=(years * 12, ny, nx))
    values[rng.random(values.shape) < 0.15] = 0.0
    result = spi_module.spi(monthly(values, "1981-01-01"), 3, (1985, 2014), distribution).values
    kind = indices.Distribution.gamma if distribution == "gamma" else indices.Distribution.pearson
    for y in range(ny):
        for x in range(nx):
            expected = indices.spi(values[:, y, x], 3, kind, 1981, 1985, 2014, compute.Periodicity.monthly)
            np.testing.assert_array_equal(np.isnan(result[:, y, x]), np.isnan(expected))
            np.testing.assert_allclose(result[:, y, x], expected, atol=atol, equal_nan=True)


def test_spi_of_a_year_not_starting_in_january_uses_calendar_months(precip):
    # dropping the first 5 months must not shift the calendar-month fits: every SPI-1
    # value from June 1895 on stays the same as in the full record (same calibration)
    full = spi_module.spi(precip, 1, (1900, 2010)).values
    part = spi_module.spi(precip.isel(time=slice(5, None)), 1, (1900, 2010)).values
    np.testing.assert_allclose(part, full[5:], atol=1e-12, equal_nan=True)


def test_spi_clips_to_3_09():
    values = np.full(10 * 12, 50.0) + np.arange(10 * 12) % 7
    values[-1] = 5000.0  # far beyond anything in the calibration years 2000-2008
    values[-2] = 0.0  # below everything, with no zero in the calibration years
    result = spi_module.spi(monthly(values, "2000-01-01"), 1, calibration=(2000, 2008)).values
    assert result[-2] == pytest.approx(-3.09)
    assert result[-1] == pytest.approx(3.09)
    assert np.nanmax(np.abs(result)) <= 3.09


def test_spi_rolling_sum_by_hand():
    # [3, 4, 6, 2] over 3 -> [nan, nan, 3+4+6, 4+6+2]
    np.testing.assert_array_equal(spi_module.rolling_sum(np.array([3.0, 4, 6, 2]), 3), [np.nan, np.nan, 13, 12])


def test_spi_rejects_unknown_distribution(precip):
    with pytest.raises(ValueError, match="gamma, pearson3"):
        spi_module.spi(precip, 3, distribution="weibull")


@pytest.mark.parametrize("calibration", [(1890, 2000), (1900, 2018), (2000, 1990)])
def test_spi_rejects_calibration_outside_data(precip, calibration):
    with pytest.raises(ValueError, match="calibration"):
        spi_module.spi(precip, 3, calibration=calibration)


def test_spi_rejects_gappy_time_axis(precip):
    with pytest.raises(ValueError, match="gapless"):
        spi_module.spi(precip.isel(time=[0, 1, 3, 4]), 1)


# --- severity --------------------------------------------------------------------------


def test_severity_classes_mckee_1993():
    values = np.array([2.0, 0.0, -0.5, -0.99, -1.0, -1.2, -1.49, -1.5, -1.99, -2.0, -3.09, np.nan])
    expected = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, -1]
    np.testing.assert_array_equal(spi_module.severity(values), expected)
    assert spi_module.SEVERITY_CLASSES[1] == "moderate"
    assert spi_module.SEVERITY_CLASSES[3] == "extreme"
    assert len(spi_module.SEVERITY_CLASSES) == 4


def test_severity_keeps_dataarray_shape():
    spi_values = xr.DataArray([[-2.5, 0.3], [-1.7, -1.1]], dims=("y", "x"))
    classes = spi_module.severity(spi_values)
    assert isinstance(classes, xr.DataArray)
    np.testing.assert_array_equal(classes.values, [[3, 0], [2, 1]])


def test_spi_of_one_month_is_spi_at_that_month():
    rng = np.random.default_rng(4)
    values = (rng.gamma(1.2, 40.0, (31 * 12, 4, 5)) * (rng.random((31 * 12, 4, 5)) < 0.8)).astype(np.float32)
    times = pd.date_range("1991-01-01", periods=31 * 12, freq="MS")
    series = xr.DataArray(values, dims=("time", "y", "x"), coords={"time": times})
    expected = spi_module.spi(series, 3, calibration=(1991, 2020)).sel(time="2021-09-01").values
    got = spi_module.spi_of_month(values, times, 3, (1991, 2020), 2021, 9)
    np.testing.assert_array_equal(got, expected)
