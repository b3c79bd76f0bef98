"""Tests of hazards.drought: SPI against climate-indices, severity classes, WRSI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hazards import drought

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
    result = drought.spi(precip, scale, calibration=calibration, distribution=distribution)
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
    np.testing.assert_allclose(drought.spi(precip, 6).values, expected, atol=0.001, equal_nan=True)


@pytest.mark.parametrize("distribution", ["gamma", "pearson3"])
def test_spi_grid_equals_series_in_every_cell(precip, distribution):
    series = drought.spi(precip, 6, (1981, 2010), distribution).values
    grid = monthly(np.broadcast_to(precip.values[:, None, None], (precip.size, 3, 4)).copy())
    result = drought.spi(grid, 6, (1981, 2010), distribution)
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
    result = drought.spi(transposed, 3)
    assert result.dims == ("y", "time", "x")
    np.testing.assert_allclose(result.transpose("time", ...).values, drought.spi(grid, 3).values, atol=1e-9)


@pytest.mark.parametrize(("distribution", "atol"), [("gamma", 0.001), ("pearson3", 0.01)])
def test_spi_random_grid_matches_climate_indices_directly(distribution, atol):
    from climate_indices import compute, indices  # a test dependency (pyproject extra "test")

    rng = np.random.default_rng(20240611)
    years, ny, nx = 40, 2, 3
    # a seasonal gamma climate with dry-season zeros
    shape = np.tile(np.linspace(0.6, 3.0, 12), years)[:, None, None]
    values = rng.gamma(shape, 40.0, size=(years * 12, ny, nx))
    values[rng.random(values.shape) < 0.15] = 0.0
    result = drought.spi(monthly(values, "1981-01-01"), 3, (1985, 2014), distribution).values
    kind = indices.Distribution.gamma if distribution == "gamma" else indices.Distribution.pearson
    for y in range(ny):
        for x in range(nx):
            expected = indices.spi(
                values[:, y, x], 3, kind, 1981, 1985, 2014, compute.Periodicity.monthly
            )
            np.testing.assert_array_equal(np.isnan(result[:, y, x]), np.isnan(expected))
            np.testing.assert_allclose(result[:, y, x], expected, atol=atol, equal_nan=True)


def test_spi_of_a_year_not_starting_in_january_uses_calendar_months(precip):
    # dropping the first 5 months must not shift the calendar-month fits: every SPI-1
    # value from June 1895 on stays the same as in the full record (same calibration)
    full = drought.spi(precip, 1, (1900, 2010)).values
    part = drought.spi(precip.isel(time=slice(5, None)), 1, (1900, 2010)).values
    np.testing.assert_allclose(part, full[5:], atol=1e-12, equal_nan=True)


def test_spi_clips_to_3_09():
    values = np.full(10 * 12, 50.0) + np.arange(10 * 12) % 7
    values[-1] = 5000.0  # far beyond anything in the calibration years 2000-2008
    values[-2] = 0.0  # below everything, with no zero in the calibration years
    result = drought.spi(monthly(values, "2000-01-01"), 1, calibration=(2000, 2008)).values
    assert result[-2] == pytest.approx(-3.09)
    assert result[-1] == pytest.approx(3.09)
    assert np.nanmax(np.abs(result)) <= 3.09


def test_spi_rolling_sum_by_hand():
    # [3, 4, 6, 2] over 3 -> [nan, nan, 3+4+6, 4+6+2]
    np.testing.assert_array_equal(drought.rolling_sum(np.array([3.0, 4, 6, 2]), 3), [np.nan, np.nan, 13, 12])


def test_spi_rejects_unknown_distribution(precip):
    with pytest.raises(ValueError, match="gamma, pearson3"):
        drought.spi(precip, 3, distribution="weibull")


@pytest.mark.parametrize("calibration", [(1890, 2000), (1900, 2018), (2000, 1990)])
def test_spi_rejects_calibration_outside_data(precip, calibration):
    with pytest.raises(ValueError, match="calibration"):
        drought.spi(precip, 3, calibration=calibration)


def test_spi_rejects_gappy_time_axis(precip):
    with pytest.raises(ValueError, match="gapless"):
        drought.spi(precip.isel(time=[0, 1, 3, 4]), 1)


# --- severity --------------------------------------------------------------------------


def test_severity_classes_mckee_1993():
    values = np.array([2.0, 0.0, -0.5, -0.99, -1.0, -1.2, -1.49, -1.5, -1.99, -2.0, -3.09, np.nan])
    expected = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, -1]
    np.testing.assert_array_equal(drought.severity(values), expected)
    assert drought.SEVERITY_CLASSES[1] == "moderate"
    assert drought.SEVERITY_CLASSES[3] == "extreme"
    assert len(drought.SEVERITY_CLASSES) == 4


def test_severity_keeps_dataarray_shape():
    spi_values = xr.DataArray([[-2.5, 0.3], [-1.7, -1.1]], dims=("y", "x"))
    classes = drought.severity(spi_values)
    assert isinstance(classes, xr.DataArray)
    np.testing.assert_array_equal(classes.values, [[3, 0], [2, 1]])


# --- WRSI ------------------------------------------------------------------------------

# a toy crop of three dekads with Kc 0.5, 1.0, 1.0 (initial 1, mid 2 dekads)
TOY = drought.CropParameters("toy", (1, 0, 2, 0), kc_ini=0.5, kc_mid=1.0, kc_end=1.0)


def test_crop_coefficients_toy_and_millet():
    np.testing.assert_allclose(drought.crop_coefficients(TOY), [0.5, 1.0, 1.0])
    # millet: initial 2 x 0.3; development 3 dekads 0.3 -> 1.0 at dekad middles
    # (0.3 + 0.7/6, 0.3 + 0.7/2, 0.3 + 0.7*5/6); mid 3 x 1.0; late 2 dekads 1.0 -> 0.3
    # at middles (1.0 - 0.7/4, 1.0 - 0.7*3/4)
    expected = [0.3, 0.3, 0.3 + 0.7 / 6, 0.65, 0.3 + 3.5 / 6, 1.0, 1.0, 1.0, 0.825, 0.475]
    np.testing.assert_allclose(drought.crop_coefficients("millet"), expected)
    assert drought.CROPS["sorghum"].season_dekads == 10


def test_wrsi_full_when_rain_exceeds_requirement():
    rain = np.full(36, 80.0)
    pet = np.full(36, 50.0)  # WR <= 50 < rain every dekad
    assert drought.wrsi(rain, pet, sos_dekad=5, crop=TOY) == pytest.approx(100.0)
    assert drought.wrsi(rain, pet, sos_dekad=18, crop="millet") == pytest.approx(100.0)


def test_wrsi_zero_without_rain_on_empty_soil():
    assert drought.wrsi(np.zeros(36), np.full(36, 50.0), sos_dekad=10, crop=TOY) == 0.0


def test_wrsi_hand_computed_toy_season():
    rain = np.zeros(36)
    pet = np.full(36, 40.0)
    rain[3:6] = [30.0, 10.0, 50.0]
    # season dekads 3, 4, 5: WR = 0.5*40, 1.0*40, 1.0*40 = 20, 40, 40 (sum 100)
    # dekad 3: available 0 + 30 = 30 -> AET 20, soil 10
    # dekad 4: available 10 + 10 = 20 -> AET 20, soil 0
    # dekad 5: available 0 + 50 = 50 -> AET 40, soil 10
    # WRSI = 100 * (20 + 20 + 40) / 100 = 80
    assert drought.wrsi(rain, pet, sos_dekad=3, crop=TOY) == pytest.approx(80.0)
    # a 5 mm bucket loses the 10 mm surplus of dekad 3 beyond 5 mm: soil 5 after it,
    # dekad 4: available 15 -> AET 15; dekad 5 AET 40; WRSI = 100 * 75 / 100 = 75
    assert drought.wrsi(rain, pet, sos_dekad=3, crop=TOY, whc=5.0) == pytest.approx(75.0)
    # starting with 30 mm in the soil: 20 + 40 + 40 -> 100
    assert drought.wrsi(rain, pet, sos_dekad=3, crop=TOY, initial_soil_water=30.0) == pytest.approx(100.0)


def test_wrsi_grid_with_per_cell_start_of_season():
    rain = np.zeros((36, 2))
    pet = np.full((36, 2), 40.0)
    rain[3:6, 0] = [30.0, 10.0, 50.0]  # the hand case above, season from dekad 3
    rain[7:10, 1] = [30.0, 10.0, 50.0]  # same rains 4 dekads later
    sos = np.array([3, 7])
    np.testing.assert_allclose(drought.wrsi(rain, pet, sos_dekad=sos, crop=TOY), [80.0, 80.0])
    # a common start at dekad 3 misses the second cell's rains: WRSI 0
    np.testing.assert_allclose(drought.wrsi(rain, pet, sos_dekad=3, crop=TOY), [80.0, 0.0])


def test_wrsi_dataarray_drops_dekad_dim():
    rain = xr.DataArray(np.full((36, 2, 2), 80.0), dims=("dekad", "y", "x"), coords={"y": [1, 2], "x": [3, 4]})
    result = drought.wrsi(rain, np.full(36, 50.0)[:, None, None], sos_dekad=18)
    assert result.dims == ("y", "x")
    np.testing.assert_allclose(result.values, 100.0)
    assert result.attrs["units"] == "%"


def test_wrsi_rejects_season_past_year_end():
    with pytest.raises(ValueError, match="does not fit"):
        drought.wrsi(np.zeros(36), np.zeros(36), sos_dekad=30, crop="millet")


def test_crop_failure_threshold():
    np.testing.assert_array_equal(
        drought.crop_failure(np.array([0.0, 49.99, 50.0, 80.0, np.nan])), [True, True, False, False, False]
    )


# --- compiled gamma SPI kernel against SciPy ----------------------------------------------


def test_lower_gamma_matches_scipy_on_a_wide_grid():
    from scipy import special

    for shape in np.concatenate([np.logspace(-2, 2, 41), [0.5, 1.0, 2.0, 7.3, 99.9]]):
        spread = np.sqrt(shape)
        x = np.concatenate(
            [
                np.logspace(-6, np.log10(shape + 60.0 * spread + 60.0), 300),
                shape + np.linspace(-3.0, 3.0, 61) * spread,  # around the mode
                [shape + 1.0 + drought._SERIES_SPAN * np.sqrt(shape + 1.0)],  # series/fraction switch
            ]
        )
        x = x[x > 0.0]
        result = np.empty(x.size)
        drought._lower_gamma(x, shape, result, np.empty((4, x.size)))
        expected = special.gammainc(shape, x)
        np.testing.assert_allclose(result, expected, rtol=1e-10, atol=1e-12, err_msg=f"shape {shape}")
        lower = (expected < 0.5) & (expected > 1e-300)  # relative accuracy of small (normal) ones too
        np.testing.assert_allclose(result[lower], expected[lower], rtol=1e-10, err_msg=f"shape {shape}")


def test_clipped_normal_quantile_is_clipped_ndtri():
    from scipy import special

    p = np.concatenate([np.linspace(0.0, 1.0, 20001), np.logspace(-40, -1, 200), 1.0 - np.logspace(-16, -1, 200)])
    result = np.array([drought._clipped_normal_quantile(value) for value in p])
    np.testing.assert_allclose(result, np.clip(special.ndtri(p), -3.09, 3.09), rtol=0, atol=1e-15)
    assert np.isnan(drought._clipped_normal_quantile(np.nan))


def test_gamma_spi_kernel_equals_scipy_path():
    # per-month SPI of the compiled kernel against fit + gamma_probability (SciPy) + ndtri,
    # on cells with zeros, NaNs, all-zero and all-NaN calibration and a very large shape
    rng = np.random.default_rng(7)
    sums = rng.gamma(np.linspace(0.3, 12.0, 40), 30.0, size=(35, 40))
    sums[rng.random(sums.shape) < 0.1] = 0.0
    sums[rng.random(sums.shape) < 0.05] = np.nan
    sums[:, 0] = 0.0  # no positive value: no fit, p0 = 1
    sums[:, 1] = np.nan  # no data
    sums[:30, 2] = 0.0  # all-zero calibration, positive values later
    sums[:, 3] = 500.0 + rng.random(35)  # alpha > _KERNEL_MAX_SHAPE: SciPy fallback
    calibration = sums[:30]
    alpha, beta = drought.fit_gamma(calibration)
    assert alpha[3] > drought._KERNEL_MAX_SHAPE
    p_zero = drought.probability_of_zero(calibration)
    expected = drought._standard_normal(drought.gamma_probability(sums, alpha, beta, p_zero))
    result = drought._gamma_spi(sums, calibration)
    np.testing.assert_array_equal(np.isnan(result), np.isnan(expected))
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-10, equal_nan=True)
