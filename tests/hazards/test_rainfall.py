"""hazards.rainfall: seeded, correlated daily fields with the delta's climatology."""

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from hazards.rainfall import SEASONAL_CV, add_storm, gaussian_field, generate, season_factor
from sim.climate import mean_annual_rainfall_mm
from sim.grid import Grid

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


def test_field_has_unit_variance():
    values = [gaussian_field(np.random.default_rng(i), (60, 60), 5.0)[30, 30] for i in range(600)]
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


def test_tabulated_quantile_matches_scipy():
    from scipy import special

    from hazards.rainfall import WET_DAY_GAMMA_SHAPE, wet_day_quantile

    q = np.concatenate([np.linspace(0.001, 0.999, 2000), 1 - np.logspace(-3, -8, 50)])
    exact = special.gammaincinv(WET_DAY_GAMMA_SHAPE, q)
    np.testing.assert_allclose(wet_day_quantile(q), exact, rtol=1e-3)


def _plain_generate(grid, start, days, seed, season):
    """The generator's algorithm written out on whole arrays, without its shortcuts."""
    import pandas as pd
    from scipy import special

    from hazards import rainfall

    rng = np.random.default_rng(seed)
    dates = pd.date_range(pd.Timestamp(start), periods=days, freq="D")
    factor = season_factor(season)
    annual = mean_annual_rainfall_mm(grid.y)[:, None] * np.ones(grid.shape[1])
    cell_km = grid.resolution * 111.0
    fy = np.fft.fftfreq(grid.shape[0], d=cell_km)[:, None]
    fx = np.fft.fftfreq(grid.shape[1], d=cell_km)[None, :]
    kernel = np.exp(-2.0 * (np.pi * rainfall.CORRELATION_KM) ** 2 * (fx**2 + fy**2))
    norm = np.sqrt(np.mean(kernel**2))
    rain = np.zeros((days, *grid.shape), np.float32)
    for t, date in enumerate(dates):
        mean = factor * annual * rainfall.MONTHLY_SHARE[date.month - 1] / date.days_in_month
        p_wet = np.clip(mean / rainfall.WET_DAY_MEAN_MM, 0.0, 0.9)
        noise = rng.standard_normal(grid.shape)
        field = np.fft.irfft2(np.fft.rfft2(noise) * kernel[:, : grid.shape[1] // 2 + 1], s=grid.shape) / norm
        u = special.ndtr(field)
        wet = u > 1.0 - p_wet
        p = p_wet[wet]
        q = np.clip((u[wet] - (1.0 - p)) / p, 0.0, 1.0 - 1e-9)
        scale = mean[wet] / p / rainfall.WET_DAY_GAMMA_SHAPE
        quantile = np.exp(np.interp(special.logit(q), *rainfall._quantile_table()))
        rain[t][wet] = np.minimum(quantile * scale, rainfall.MAX_DAILY_MM)
    return rain


@pytest.mark.parametrize(("resolution", "start", "days"), [(0.01, dt.date(2022, 8, 27), 8), (0.01, dt.date(2022, 11, 27), 8), (0.05, dt.date(2022, 7, 30), 5)])
def test_generator_gives_the_bits_of_the_plain_algorithm(resolution, start, days):
    # the generator transforms only the part of the spectrum where the filter is not 0,
    # evaluates ndtr near the wet threshold only, draws nothing after the last rainy month
    # (here December) and, on large grids, draws and filters in a helper thread: none of
    # it may change a single value
    grid = Grid(resolution=resolution)
    fast = generate(grid, start, days, seed=11, season="wet").values
    np.testing.assert_array_equal(fast.view(np.uint32), _plain_generate(grid, start, days, 11, "wet").view(np.uint32))
    assert (fast > 0).any()


def test_interpolation_on_the_even_table_is_numpys():
    from hazards.rainfall import _interp_evenly_spaced, _quantile_table

    xp, fp = _quantile_table()
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.uniform(-30.0, 30.0, 20_000), xp[::5], [-np.inf, np.inf, np.nan]])
    out = np.empty_like(x)
    _interp_evenly_spaced(x, xp, fp, out)
    np.testing.assert_array_equal(out, np.interp(x, xp, fp))
