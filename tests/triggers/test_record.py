"""sim.triggers.record: the synthetic seasons follow the laws they are drawn from."""

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from hazards.rainfall import SEASONAL_CV, season_factor
from hazards.return_periods import MOPTI_ANNUAL_PEAKS_CM, mopti_peak_for_return_period
from sim.scenario import load_file
from sim.triggers.record import draw_seasons, rainfall_section, season_scenario

ROOT = Path(__file__).resolve().parents[2]
TOWNS = ["Mopti", "Djenné", "Ténenkou"]


def test_peaks_follow_the_gumbel_law_fitted_on_the_mopti_record():
    draws = draw_seasons(2000, 3, 2022, TOWNS)
    peaks = np.array([d.peak_cm for d in draws])
    record = np.array(list(MOPTI_ANNUAL_PEAKS_CM.values()), float)
    scale = record.std(ddof=1) * np.sqrt(6.0) / np.pi  # the law's moments, as fitted
    location = record.mean() - np.euler_gamma * scale
    assert stats.kstest(peaks, "gumbel_r", args=(location, scale)).pvalue > 0.01
    # the 650 cm danger level: exceeded in the share of seasons the law gives (within 3 standard errors)
    expected = stats.gumbel_r.sf(650.0, location, scale)
    assert abs(np.mean(peaks >= 650.0) - expected) < 3 * np.sqrt(expected * (1 - expected) / len(peaks))
    # each draw's return period is the one its peak has
    assert mopti_peak_for_return_period(draws[0].peak_return_period) == pytest.approx(draws[0].peak_cm, abs=0.05)


def test_the_same_seed_draws_the_same_seasons_and_another_does_not():
    assert draw_seasons(20, 5, 2022, TOWNS) == draw_seasons(20, 5, 2022, TOWNS)
    assert draw_seasons(20, 5, 2022, TOWNS) != draw_seasons(20, 6, 2022, TOWNS)


def test_storms_fall_in_july_to_september_on_the_given_towns():
    draws = draw_seasons(300, 1, 2022, TOWNS)
    assert {d.storm_date.month for d in draws} == {7, 8, 9}
    assert {d.storm_place for d in draws} == set(TOWNS)


@pytest.mark.parametrize("anomaly", [-2.0, -0.3, 0.0, 0.7, 2.5])
def test_the_rainfall_section_gives_back_the_anomaly(anomaly):
    section = rainfall_section(anomaly)
    period = float(section["return_period"].split()[0])
    factor = season_factor(section["season"], period, "dry" if section["season"] == "dry" else "wet")
    assert factor == pytest.approx(max(1.0 + SEASONAL_CV * anomaly, 0.2))


def test_a_season_is_a_valid_scenario_with_its_own_flood_rain_and_storm():
    base = load_file(ROOT / "scenarios" / "flood-2022.yaml", expect="scenario")
    draw = draw_seasons(1, 2, 2022, TOWNS)[0]
    season = season_scenario(base, draw, 7)
    assert season.name == "flood-2022-season-7"
    assert float(season.flood.peak.to("cm").magnitude) == draw.peak_cm
    assert season.rainfall.storm.place == draw.storm_place and season.rainfall.storm.date == draw.storm_date
    assert season.domain == base.domain and season.start_date == base.start_date
