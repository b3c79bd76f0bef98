"""hazards.flood: the OPIDIN flooded-area relation, hydrographs, inundation and ponding."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hazards.flood import (
    GAUGE_RELATIONS,
    MAX_STAGE_RATE_CM_PER_DAY,
    banco_collapse_fraction,
    flooded_area,
    fluvial_depth,
    ponding_depth,
    stage_hydrograph,
)
from sim.delta.domain import load_delta


def test_flooded_area_matches_the_published_opidin_points():
    assert flooded_area(0) == pytest.approx(3_840)  # ONISDIN dry period
    assert flooded_area(412, gauge="Akka") == pytest.approx(10_900)  # OPIDIN 2014
    assert flooded_area(442, gauge="Akka") == pytest.approx(12_600, rel=0.02)  # OPIDIN 2014: 12,400-12,600
    assert flooded_area(5_000) <= 36_470  # never above the topographic maximum
    assert flooded_area(600) == pytest.approx(35_000)  # wet-year maximum
    assert (np.diff(flooded_area(np.linspace(0, 700, 71))) > 0).all()
    assert (np.diff(flooded_area(np.linspace(0, 2_000, 201))) >= 0).all()


def test_flooded_area_from_other_gauges_uses_the_peak_relations():
    # hand sum: Mopti 552 cm ↔ Akka 552 × 0.76 = 419.52 cm → 10,900 + 7.52 × 1,600/30 = 11,301 km²;
    # OPIDIN gave 10,669 ± 306 km² for the 552 cm peak of 2017: within 10 %
    assert flooded_area(552, gauge="Mopti") == pytest.approx(11_301, abs=1)
    assert flooded_area(552, gauge="Mopti") == pytest.approx(10_669, rel=0.10)
    with pytest.raises(ValueError, match="unknown gauge 'Kayes'"):
        flooded_area(400, gauge="Kayes")


def test_hydrograph_peaks_on_the_day_and_rises_at_published_rates():
    dates = pd.date_range("2022-06-01", periods=240)
    mopti = stage_hydrograph(dates, 671, dt.date(2022, 10, 9))
    assert mopti.max() == pytest.approx(671)
    assert dates[mopti.argmax()] == pd.Timestamp("2022-10-09")
    assert np.abs(np.diff(mopti)).max() <= MAX_STAGE_RATE_CM_PER_DAY + 1e-9  # OPIDIN 3–5 cm/day


@pytest.mark.parametrize(("gauge", "month"), [("Sofara", 9), ("Mopti", 10), ("Akka", 11), ("Diré", 11)])
def test_downstream_gauges_peak_later(gauge, month):
    # OPIDIN: Mopti peaks in October, Akka in November, Diré late Nov–Dec; Sofara (Bani) in September 2022.
    # hand sum: Akka lag 24 + 0.099 × (671 − 600) = 31 days → 9 Nov; Diré 41 days → 19 Nov
    dates = pd.date_range("2022-06-01", periods=240)
    stage = stage_hydrograph(dates, 671, dt.date(2022, 10, 9), gauge=gauge)
    assert dates[stage.argmax()].month == month
    assert stage.max() == pytest.approx(671 * GAUGE_RELATIONS[gauge].ratio)


@pytest.fixture(scope="module")
def season():
    delta = load_delta(resolution=0.02)
    dates = pd.date_range("2022-06-01", periods=240)
    return delta, dates, fluvial_depth(delta, dates, 671, dt.date(2022, 10, 9))


def test_inundation_depth_is_on_the_grid_in_metres(season):
    delta, dates, depth = season
    assert depth.dims == ("time", "y", "x") and depth.attrs["units"] == "m"
    assert depth.shape == (240, *delta.grid.shape)
    assert float(depth.min()) >= 0
    assert float(depth.where(~xr.DataArray(delta.terrain.floodplain, dims=("y", "x"))).max()) == 0


def test_flooded_area_on_the_map_follows_the_relation(season):
    delta, dates, depth = season
    area = ((depth > 0) * delta.grid.cell_area_km2[:, None]).sum(("y", "x")).values
    akka_peak = stage_hydrograph(dates, 671, dt.date(2022, 10, 9), gauge="Akka").max()
    # all reaches do not peak together, so the map's largest extent is close to, not above, the relation's
    assert 0.8 * flooded_area(akka_peak) < area.max() <= 1.05 * flooded_area(akka_peak)
    assert area[0] < area.max() / 1.5  # June is far drier than the peak


def test_ponding_counts_the_days_before():
    rain = xr.DataArray(np.array([0.0, 120.0, 0.0, 0.0]).reshape(4, 1, 1), dims=("time", "y", "x"))
    pond = ponding_depth(rain)
    assert pond.attrs["units"] == "m"
    # hand sum: (120 − 30) mm on day 1, then × e^(−1/2) each day
    assert pond.values[:, 0, 0] == pytest.approx([0.0, 0.090, 0.090 * np.exp(-0.5), 0.090 * np.exp(-1.0)])


def test_banco_collapse_rises_with_rain():
    shares = banco_collapse_fraction([0, 50, 125, 200, 400])
    assert shares[0] == shares[1] == 0
    # hand sum: 0.05 × ((125 − 50) / 150)² = 0.0125
    assert shares[2] == pytest.approx(0.0125)
    assert shares[3] == shares[4] == pytest.approx(0.05)
