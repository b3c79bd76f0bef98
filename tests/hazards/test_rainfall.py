"""hazards.rainfall: seeded, correlated daily fields with the delta's climatology."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import scipy.fft
from scipy import special, stats

from hazards import rainfall
from hazards.rainfall import (
    CORRELATION_KM,
    SEASONAL_CV,
    WET_DAY_GAMMA_SHAPE,
    _amount,
    _tables,
    add_storm,
    gaussian_field,
    generate,
    interpolation,
    season_factor,
    season_means,
    wet_probability,
)
from sim.core.climate import mean_annual_rainfall_mm
from sim.core.grid import Grid

GRID = Grid(resolution=0.05)


@pytest.fixture(scope="module")
def years():
    return [generate(GRID, dt.date(2022, 1, 1), 365, seed=s) for s in range(4)]


def test_same_seed_same_rain():
    a = generate(GRID, dt.date(2022, 7, 1), 10, seed=7)
    b = generate(GRID, dt.date(2022, 7, 1), 10, seed=7)
    c = generate(GRID, dt.date(2022, 7, 1), 10, seed=8)
    np.testing.assert_array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values)
    assert a.attrs["units"] == "mm/day" and a.dims == ("time", "y", "x")


def test_annual_totals_follow_the_north_south_gradient(years):
    total = np.mean([y.sum("time").values for y in years], axis=0).mean(axis=1)
    expected = mean_annual_rainfall_mm(GRID.y)  # ~700 mm towards Ségou, ~250 near Tombouctou
    assert total[-1] == pytest.approx(expected[-1], rel=0.15)
    assert total[0] == pytest.approx(expected[0], rel=0.2)
    assert total[-1] > 2.5 * total[0]


def test_wet_season_peaks_in_august(years):
    monthly = np.mean([y.groupby("time.month").sum().mean(("y", "x")).values for y in years], axis=0)
    assert monthly.argmax() + 1 == 8
    assert monthly[5:10].sum() / monthly.sum() > 0.9  # June–October


def test_rain_falls_in_patches_not_speckle(years):
    august = years[0].sel(time="2022-08")
    wet = august.values > 0
    # neighbouring cells agree far more often than independent cells would
    agree = (wet[:, 1:, :] == wet[:, :-1, :]).mean()
    p = wet.mean()
    assert agree > (p**2 + (1 - p) ** 2) + 0.15


@pytest.mark.parametrize("cell_km", [5.0, 1.11])
def test_field_has_unit_variance(cell_km):
    # 5 km: drawn on the grid itself; 1.11 km (0.01°): interpolated from nodes 10 km apart
    values = [gaussian_field(np.random.default_rng(i), (60, 60), cell_km)[30, 31] for i in range(600)]
    assert np.std(values) == pytest.approx(1.0, abs=0.1)


def test_season_factors():
    assert season_factor("normal") == 1.0
    assert season_factor("wet") == pytest.approx(1 + SEASONAL_CV)
    assert season_factor("dry") == pytest.approx(1 - SEASONAL_CV)
    # a 10-year wet season: z = Φ⁻¹(0.9) = 1.2816
    assert season_factor(return_period=10) == pytest.approx(1 + SEASONAL_CV * stats.norm.ppf(0.9))
    assert season_factor(return_period=10, tail="dry") < season_factor("normal")
    with pytest.raises(ValueError):
        season_factor("soggy")
    with pytest.raises(ValueError):
        season_factor(return_period=1)


def test_wet_seasons_are_wetter():
    start = dt.date(2022, 6, 1)
    totals = {s: generate(GRID, start, 150, seed=3, season=s).sum().item() for s in ("dry", "normal", "wet")}
    assert totals["dry"] < totals["normal"] < totals["wet"]


def test_a_storm_over_a_town_shows_on_its_day():
    rain = generate(GRID, dt.date(2022, 8, 1), 5, seed=1)
    stormy = add_storm(rain, "2022-08-03", lon=-4.1986, lat=14.4958, peak_mm=120)  # over Mopti
    added = (stormy - rain).sel(time="2022-08-03")
    peak = added.where(added == added.max(), drop=True)
    # the grid cell nearest the storm centre gets nearly all of it (cells are 0.05° ≈ 5 km)
    assert float(added.max()) == pytest.approx(120, rel=0.1)
    assert abs(float(peak.x[0]) + 4.1986) < 0.05 and abs(float(peak.y[0]) - 14.4958) < 0.05
    np.testing.assert_array_equal(stormy.sel(time="2022-08-02").values, rain.sel(time="2022-08-02").values)


def _exact_amount(f, p_wet, mean):
    """Rain of a cell [mm/day] from its field value, wet-day probability and mean, with SciPy's
    functions: wet when Φ(f) > 1 − p, the gamma law of mean ``mean / p`` read at
    q = (Φ(f) − (1 − p)) / p (at most 1 − 1e-9), capped."""
    u = special.ndtr(f)
    wet = u > 1.0 - p_wet
    p = np.where(wet, p_wet, 1.0)
    q = np.clip((u - (1.0 - p)) / p, 0.0, rainfall.MAX_WET_QUANTILE)
    amount = (
        special.gammaincinv(rainfall.WET_DAY_GAMMA_SHAPE, q)
        * np.where(wet, mean, 0.0)
        / p
        / rainfall.WET_DAY_GAMMA_SHAPE
    )
    return np.where(wet, np.minimum(amount, rainfall.MAX_DAILY_MM), 0.0)


TABLE_RTOL, TABLE_ATOL_MM = 1e-3, 1e-4
"""Tolerance of the tabulated rain against SciPy's functions: relative, and absolute [mm/day]
for the drizzle at the wet edge (q below ~1e-4), where a relative error means nothing."""


def test_tabulated_amounts_match_scipy():
    tail, quantile = _tables()
    f = np.concatenate([np.linspace(-1.3, 6.0, 3001), [7.0, 9.0, 11.9, 12.5, 30.0]])
    for p in (0.9, 0.5, 0.2, 0.05, 0.004):
        mean = 12.0 * p
        fast = np.array(
            [
                _amount(x, np.log(p), mean / p / WET_DAY_GAMMA_SHAPE, tail, quantile) if x > -special.ndtri(p) else 0.0
                for x in f
            ]
        )
        np.testing.assert_allclose(
            np.minimum(fast, 200.0), _exact_amount(f, p, mean), rtol=TABLE_RTOL, atol=TABLE_ATOL_MM
        )


def _plain_generate(grid, start, days, seed, season):
    """The generator's algorithm written out on whole arrays: the days' fields drawn on nodes
    (spaced as the generator does), filtered in Fourier space, interpolated bilinearly and
    scaled to unit variance with the nodes' lag-one correlation read from the autocovariance
    of the filter (not from its formula), then SciPy's ndtr and gamma quantile."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(pd.Timestamp(start), periods=days, freq="D")
    annual = mean_annual_rainfall_mm(grid.y)[:, None] * np.ones(grid.shape[1])
    cell_km = grid.resolution * 111.0
    step = max(1, int(rainfall.FIELD_SPACING_KM // cell_km))
    nodes = [scipy.fft.next_fast_len((n - 1) // step + 2, real=True) for n in grid.shape]  # one beyond the last cell
    fy = np.fft.fftfreq(nodes[0], d=step * cell_km)[:, None]
    fx = np.fft.fftfreq(nodes[1], d=step * cell_km)[None, :]
    kernel = np.exp(-2.0 * (np.pi * rainfall.CORRELATION_KM) ** 2 * (fx**2 + fy**2))
    norm = np.sqrt(np.mean(kernel**2))
    autocovariance = np.real(np.fft.ifft2(kernel**2)) / norm**2  # of the unit node field, by lag

    def weights(n, rho):
        a = (np.arange(n) % step) / step
        return np.arange(n) // step, np.stack([1 - a, a], 1) / np.sqrt((1 - a) ** 2 + a**2 + 2 * a * (1 - a) * rho)[
            :, None
        ]

    rows, wy = weights(grid.shape[0], autocovariance[1, 0])
    cols, wx = weights(grid.shape[1], autocovariance[0, 1])
    means = [
        np.asarray(season_factor(season) * annual * rainfall.MONTHLY_SHARE[d.month - 1] / d.days_in_month)
        for d in dates
    ]
    last = max((t + 1 for t, m in enumerate(means) if (m > 0).any()), default=0)
    noise = rng.standard_normal((last, *nodes))
    rain = np.zeros((days, *grid.shape), np.float32)
    for t in range(last):
        node_field = np.fft.ifft2(np.fft.fft2(noise[t]) * kernel).real / norm
        by_row = wy[:, :1] * node_field[rows] + wy[:, 1:] * node_field[rows + 1]
        field = by_row[:, cols] * wx[:, 0] + by_row[:, cols + 1] * wx[:, 1]
        rain[t] = _exact_amount(field, np.clip(means[t] / rainfall.WET_DAY_MEAN_MM, 0.0, 0.9), means[t])
    return rain


@pytest.mark.parametrize(
    ("resolution", "start", "days"),
    [(0.01, dt.date(2022, 8, 27), 8), (0.01, dt.date(2022, 11, 27), 8), (0.05, dt.date(2022, 7, 30), 5)],
)
def test_generator_matches_the_plain_algorithm(resolution, start, days):
    # 0.01°: nodes every 9 cells, interpolated; 0.05°: a node per cell; from 27 November
    # nothing is drawn after the last rainy month; the compiled kernel skips the runs of
    # cells that cannot be wet and spreads the days over threads: none of it may change
    # the rain beyond the tables' tolerance
    grid = Grid(resolution=resolution)
    fast = generate(grid, start, days, seed=11, season="wet").values
    slow = _plain_generate(grid, start, days, 11, "wet")
    np.testing.assert_allclose(fast, slow, rtol=TABLE_RTOL, atol=TABLE_ATOL_MM)
    assert ((fast > 0) != (slow > 0)).mean() < 1e-6  # the wet cells are the same ones (bar the edge's rounding)
    assert (fast > 1).any()


def test_interpolated_field_keeps_the_correlation_and_unit_variance():
    # exact covariance of the interpolated field along one axis, from the nodes' periodic
    # covariance and the weights: unit variance everywhere, and within 0.006 of the Gaussian
    # correlation exp(-r²/4L²) of the spectral field drawn directly on the grid, at any
    # distance (the filter is separable: in the plane the errors of the two axes add up)
    cell_km = 0.01 * 111.0
    below, weights, nodes = interpolation(370, cell_km)
    step = int(np.diff(np.flatnonzero(np.diff(below)))[0])
    power = np.exp(-4.0 * (np.pi * CORRELATION_KM) ** 2 * np.fft.fftfreq(nodes, d=step * cell_km) ** 2)
    node_cov = np.real(scipy.fft.ifft(power)) / np.mean(power)  # by lag, periodic
    index = np.stack([below, below + 1], 1)
    cov = np.zeros((370, 370))
    for i in range(2):
        for j in range(2):
            cov += weights[:, i, None] * weights[None, :, j] * node_cov[(index[None, :, j] - index[:, i, None]) % nodes]
    np.testing.assert_allclose(np.diag(cov), 1.0, atol=1e-12)
    distance = np.abs(np.arange(370)[:, None] - np.arange(370)[None, :]) * cell_km
    near = distance < 150.0  # away from the periodic wrap of the nodes
    assert np.abs(cov - np.exp(-(distance**2) / (4 * CORRELATION_KM**2)))[near].max() < 0.006


def test_sampled_fields_have_the_gaussian_correlation():
    # 300 interpolated fields on the 0.01° grid: the mean product of cells r apart, along
    # rows and columns, against exp(-r²/4L²); one field holds only ~25 patches of 80 km,
    # so the sampling error is about 0.02 and the tolerance three times that
    cell_km = 0.01 * 111.0
    lags = np.array([9, 18, 36, 72])
    products = []
    for seed in range(300):
        f = gaussian_field(np.random.default_rng(seed), (370, 370), cell_km)
        products.append(
            [np.mean(f[:, :-lag] * f[:, lag:]) for lag in lags] + [np.mean(f[:-lag] * f[lag:]) for lag in lags]
        )
    expected = np.exp(-((lags * cell_km) ** 2) / (4 * CORRELATION_KM**2))
    np.testing.assert_allclose(np.mean(products, axis=0), np.tile(expected, 2), atol=0.06)


SUMMER_SEEDS = 12


def test_fine_grid_keeps_the_wet_fraction_and_monthly_means():
    # July–September on the 0.01° grid, where the field is interpolated from nodes: the share
    # of wet cell-days and the mean rain of each month against the climatology's constants
    # (the wet-day probability mean / WET_DAY_MEAN_MM and the mean MONTHLY_SHARE × annual /
    # days). One month of one season varies by ~6 % (wet share) and ~12 % (mean) across
    # seeds, so over 12 seeds the tolerances are about three standard errors
    grid = Grid(resolution=0.01)
    dates = pd.date_range("2022-07-01", periods=92, freq="D")
    expected = season_means(grid, dates, 1.0)  # [mm/day] per day and row
    wet, mean = np.zeros(3), np.zeros(3)
    for seed in range(SUMMER_SEEDS):
        rain = generate(grid, dates[0].date(), len(dates), seed=40 + seed, season="normal").values
        for k, month in enumerate((7, 8, 9)):
            days = np.asarray(dates.month == month)
            wet[k] += (rain[days] > 0).mean() / wet_probability(expected[days]).mean() / SUMMER_SEEDS
            mean[k] += rain[days].mean() / expected[days].mean() / SUMMER_SEEDS
    np.testing.assert_allclose(wet, 1.0, atol=0.08)
    np.testing.assert_allclose(mean, 1.0, atol=0.12)
