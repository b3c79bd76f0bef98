"""hazards.season: one member's hazards from a scenario — generator or catalog layers."""

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from hazards import season
from hazards.season import hazard_season, mopti_peak_for_return_period, storm_total_for_return_period
from sim.domain import load_delta
from sim.scenario import parse_text

ROOT = Path(__file__).resolve().parents[2]
FLOOD_2022 = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8").replace("resolution: 0.01 degree", "resolution: 0.05 degree")


@pytest.fixture(scope="module")
def delta():
    return load_delta(resolution=0.05, year=2022)


def scenario(text=FLOOD_2022):
    return parse_text(text, "test.yaml")


def test_return_periods_hand_sums():
    peaks = np.array(list(season.MOPTI_ANNUAL_PEAKS_CM.values()), float)
    beta = peaks.std(ddof=1) * np.sqrt(6) / np.pi
    mu = peaks.mean() - 0.5772156649 * beta
    # Gumbel: x_T = μ − β ln(−ln(1 − 1/T))
    assert mopti_peak_for_return_period(10) == pytest.approx(mu - beta * np.log(-np.log(0.9)))
    assert mopti_peak_for_return_period(2) < 671 < mopti_peak_for_return_period(20)  # 2022 was a high flood
    assert storm_total_for_return_period(50) == pytest.approx(70 - 20 * np.log(-np.log(0.98)))  # ≈ 148 mm
    with pytest.raises(ValueError):
        mopti_peak_for_return_period(1)


def test_flood_2022_member(delta):
    ds = hazard_season(scenario(), delta, seed=3)
    assert ds.rainfall.attrs["units"] == "mm/day" and ds.flood_depth.attrs["units"] == "m"
    assert ds.rainfall.dims == ("time", "y", "x") and ds.sizes["time"] == 240
    mopti = ds.stage.sel(gauge="Mopti")
    assert float(mopti.max()) == pytest.approx(671)
    assert str(mopti.idxmax().values)[:10] == "2022-10-09"
    assert ds.attrs["mopti_peak_cm"] == 671
    assert {"spi3", "wrsi"} <= set(ds.data_vars)
    assert float(ds.spi3.mean()) > 0  # a wet season
    flooded = ((ds.flood_depth > 0) * delta.grid.cell_area_km2[:, None]).sum(("y", "x"))
    assert float(flooded.max()) > 15_000


def test_same_seed_same_hazards_other_member_other_rain(delta):
    a = hazard_season(scenario(), delta, seed=3)
    b = hazard_season(scenario(), delta, seed=3)
    c = hazard_season(scenario(), delta, seed=3, member=1)
    xr.testing.assert_identical(a, b)
    assert not np.array_equal(a.rainfall.values, c.rainfall.values)
    # member 0 is the control with the scenario's peak; member 1 draws its own around it
    assert a.attrs["mopti_peak_cm"] == 671 != c.attrs["mopti_peak_cm"]
    assert not np.array_equal(a.flood_depth.values, c.flood_depth.values)


def test_members_spread_their_flood_peak_by_the_scenario_spread(delta):
    # 40 members: the standard deviation of their peaks estimates the 25 cm spread (sim/scenario.py
    # PEAK_SPREAD_CM); its sampling error is about 25 / sqrt(2 × 39) = 2.8 cm, so 15-35 cm is
    # far outside chance. With peak_spread 0 every member keeps the scenario's peak.
    import hazards.season as season

    peaks = []
    for member in range(1, 41):
        streams_ = season.streams(3, member)
        peaks.append(671 + 25 * float(np.random.default_rng(streams_["flood_peak"]).standard_normal()))
    assert 15 < np.std(peaks, ddof=1) < 35 and abs(np.mean(peaks) - 671) < 12
    fixed = scenario(FLOOD_2022.replace("  peak: 671 cm\n", "  peak: 671 cm\n  peak_spread: 0 cm\n"))
    assert hazard_season(fixed, delta, seed=3, member=5).attrs["mopti_peak_cm"] == 671
    member_5 = hazard_season(scenario(), delta, seed=3, member=5).attrs["mopti_peak_cm"]
    assert member_5 == pytest.approx(round(peaks[4], 1))


def test_dry_season_has_negative_spi_and_lower_wrsi(delta):
    dry = scenario(FLOOD_2022.replace("season: wet", "season: dry"))
    wet = scenario()
    a, b = hazard_season(dry, delta, seed=5), hazard_season(wet, delta, seed=5)
    assert float(a.spi3.mean()) < 0 < float(b.spi3.mean())
    assert float(a.wrsi.mean()) < float(b.wrsi.mean())


def test_return_period_flood_and_storm(delta):
    text = FLOOD_2022.replace("  peak: 671 cm\n  peak_date: 2022-10-09\n", "  return_period: 10 year\n").replace(
        "  season: wet\n", "  season: wet\n  storm:\n    place: Mopti\n    date: 2022-08-10\n    total: 120 mm\n"
    )
    ds = hazard_season(scenario(text), delta, seed=1)
    assert ds.attrs["mopti_peak_cm"] == pytest.approx(mopti_peak_for_return_period(10), abs=0.1)
    assert str(ds.stage.sel(gauge="Mopti").idxmax().values)[:10] == "2022-10-14"  # typical date
    plain = hazard_season(scenario(FLOOD_2022), delta, seed=1)
    added = (ds.rainfall - plain.rainfall).sel(time="2022-08-10")
    # 60 % of the 120 mm storm falls on its first day, over Mopti (±1 cell of 0.05°)
    assert float(added.max()) == pytest.approx(72, rel=0.15)


def test_layers_replace_the_models(delta):
    grid = delta.grid
    dates = season.season_dates(scenario())
    rain = xr.DataArray(np.full((len(dates), *grid.shape), 2.0, np.float32), dims=("time", "y", "x"), coords={"time": dates, "y": grid.y, "x": grid.x}, attrs={"units": "mm/day", "frequency": "daily"})
    extent = xr.DataArray(np.zeros(grid.shape, np.float32), dims=("y", "x"), coords={"y": grid.y, "x": grid.x}, attrs={"kind": "flood-extent", "units": "1"})
    extent.loc[{"y": slice(14.7, 14.3), "x": slice(-4.4, -4.0)}] = 1.0
    layers = {"rain": rain, "extent": extent}.__getitem__
    text = FLOOD_2022.replace("  source: generator\n  season: wet\n", "  source: layer\n  layer: rain\n").replace("  peak: 671 cm\n  peak_date: 2022-10-09\n", "  layer: extent\n")
    ds = hazard_season(scenario(text), delta, seed=1, layers=layers)
    assert float(ds.rainfall.mean()) == pytest.approx(2.0)
    inside = ds.flood_depth.isel(time=100).sel(y=14.5, x=-4.2, method="nearest")
    outside = ds.flood_depth.isel(time=100).sel(y=16.0, x=-6.0, method="nearest")
    assert float(inside) >= 0.1 and float(outside) == 0.0


def test_a_rainfall_layer_must_cover_the_season(delta):
    grid = delta.grid
    short = xr.DataArray(np.zeros((10, *grid.shape), np.float32), dims=("time", "y", "x"), coords={"time": season.season_dates(scenario())[:10], "y": grid.y, "x": grid.x}, attrs={"units": "mm/day", "frequency": "daily"})
    text = FLOOD_2022.replace("  source: generator\n  season: wet\n", "  source: layer\n  layer: rain\n")
    with pytest.raises(ValueError, match="covers 2022-06-01 to 2022-06-10; the scenario needs 2022-06-01 to 2023-01-26"):
        hazard_season(scenario(text), delta, layers={"rain": short}.__getitem__)


def _random_rain(grid, days, seed=0):
    import pandas as pd

    rng = np.random.default_rng(seed)
    values = (rng.gamma(0.7, 12.0, (days, *grid.shape)) * (rng.random((days, *grid.shape)) < 0.4)).astype(np.float32)
    values[3] = 0.0  # a dry day
    dates = pd.date_range("2022-06-25", periods=days, freq="D")
    return xr.DataArray(values, dims=("time", "y", "x"), coords={"time": dates, "y": grid.y, "x": grid.x})


@pytest.mark.parametrize("resolution", [0.05, 0.02, 0.01])
def test_coarse_means_have_the_bits_of_xarray(resolution):
    from sim.grid import Grid

    rain = _random_rain(Grid(resolution=resolution), 6)
    factor = int(round(0.1 / resolution))
    expected = rain.coarsen(y=factor, x=factor, boundary="trim").mean()
    got = season._to_coarse(rain, Grid(resolution=0.1))
    np.testing.assert_array_equal(got.values.view(np.uint32), expected.values.view(np.uint32))


def test_monthly_and_dekad_sums_have_the_bits_of_xarray():
    import pandas as pd

    from sim.grid import Grid

    rain = _random_rain(Grid(resolution=0.1), 120, seed=1)
    times = pd.DatetimeIndex(rain.time.values)
    monthly = rain.resample(time="MS").sum()
    keys = np.asarray(times.year * 12 + times.month - 1)
    wanted = np.asarray(pd.DatetimeIndex(monthly.time.values).year * 12 + pd.DatetimeIndex(monthly.time.values).month - 1)
    np.testing.assert_array_equal(season._sums_by(rain.values, keys, wanted), monthly.values)
    days = pd.date_range("2022-01-01", "2022-12-31", freq="D")
    full = rain.reindex(time=days).fillna(0.0)
    dekad = (full.time.dt.month - 1) * 3 + np.minimum((full.time.dt.day - 1) // 10, 2)
    expected = full.groupby(dekad.rename("dekad")).sum()
    np.testing.assert_array_equal(season._dekads(rain.values, times, 2022), expected.values)


def test_spi_of_one_month_is_drought_spi_at_that_month():
    import pandas as pd

    from hazards import drought

    rng = np.random.default_rng(4)
    values = (rng.gamma(1.2, 40.0, (31 * 12, 4, 5)) * (rng.random((31 * 12, 4, 5)) < 0.8)).astype(np.float32)
    times = pd.date_range("1991-01-01", periods=31 * 12, freq="MS")
    series = xr.DataArray(values, dims=("time", "y", "x"), coords={"time": times})
    expected = drought.spi(series, 3, calibration=(1991, 2020)).sel(time="2021-09-01").values
    got = season._spi_of_month(values, times, 3, (1991, 2020), 2021, 9)
    np.testing.assert_array_equal(got, expected)


def test_climatology_read_from_disk_is_the_generated_one(tmp_path, monkeypatch):
    from sim.grid import Grid

    monkeypatch.setenv("SIM_CACHE_DIR", str(tmp_path))
    grid = Grid(resolution=0.1)
    season._climatology_months.cache_clear()
    generated = season._climatology_months(grid)
    assert len(list(tmp_path.glob("climatology-*.npy"))) == 1
    season._climatology_months.cache_clear()
    monkeypatch.setattr(season, "_generate_climatology", lambda *a: pytest.fail("the disk copy was not used"))
    read = season._climatology_months(grid)
    season._climatology_months.cache_clear()
    xr.testing.assert_identical(read, generated)
    assert read.sizes == {"time": 12 * season.CLIMATOLOGY_YEARS, "y": 37, "x": 37}
