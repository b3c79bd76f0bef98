"""hazards.season: one member's hazards from a scenario — generator or catalog layers."""

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from hazards import season
from hazards.return_periods import mopti_peak_for_return_period
from hazards.season import hazard_season
from sim.core.seeds import streams
from sim.delta.domain import load_delta
from sim.scenario import parse_text

ROOT = Path(__file__).resolve().parents[2]
FLOOD_2022 = (
    (ROOT / "scenarios" / "flood-2022.yaml")
    .read_text(encoding="utf-8")
    .replace("resolution: 0.01 degree", "resolution: 0.05 degree")
)


@pytest.fixture(scope="module")
def delta():
    return load_delta(resolution=0.05, year=2022)


def scenario(text=FLOOD_2022):
    return parse_text(text, "test.yaml")


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
    peaks = []
    for member in range(1, 41):
        streams_ = streams(3, member)
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
    rain = xr.DataArray(
        np.full((len(dates), *grid.shape), 2.0, np.float32),
        dims=("time", "y", "x"),
        coords={"time": dates, "y": grid.y, "x": grid.x},
        attrs={"units": "mm/day", "frequency": "daily"},
    )
    extent = xr.DataArray(
        np.zeros(grid.shape, np.float32),
        dims=("y", "x"),
        coords={"y": grid.y, "x": grid.x},
        attrs={"kind": "flood-extent", "units": "1"},
    )
    extent.loc[{"y": slice(14.7, 14.3), "x": slice(-4.4, -4.0)}] = 1.0
    layers = {"rain": rain, "extent": extent}.__getitem__
    text = FLOOD_2022.replace("  source: generator\n  season: wet\n", "  source: layer\n  layer: rain\n").replace(
        "  peak: 671 cm\n  peak_date: 2022-10-09\n", "  layer: extent\n"
    )
    ds = hazard_season(scenario(text), delta, seed=1, layers=layers)
    assert float(ds.rainfall.mean()) == pytest.approx(2.0)
    inside = ds.flood_depth.isel(time=100).sel(y=14.5, x=-4.2, method="nearest")
    outside = ds.flood_depth.isel(time=100).sel(y=16.0, x=-6.0, method="nearest")
    assert float(inside) >= 0.1 and float(outside) == 0.0


def test_a_rainfall_layer_must_cover_the_season(delta):
    grid = delta.grid
    short = xr.DataArray(
        np.zeros((10, *grid.shape), np.float32),
        dims=("time", "y", "x"),
        coords={"time": season.season_dates(scenario())[:10], "y": grid.y, "x": grid.x},
        attrs={"units": "mm/day", "frequency": "daily"},
    )
    text = FLOOD_2022.replace("  source: generator\n  season: wet\n", "  source: layer\n  layer: rain\n")
    with pytest.raises(
        ValueError, match="covers 2022-06-01 to 2022-06-10; the scenario needs 2022-06-01 to 2023-01-26"
    ):
        hazard_season(scenario(text), delta, layers={"rain": short}.__getitem__)
