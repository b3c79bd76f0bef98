"""sim.impact: the JRC curve, the four counts and their rules, expected annual impact."""

import numpy as np
import pytest

from sim.impact import (
    COUNTS,
    ImpactSettings,
    damage_ratio,
    depth_for_damage,
    drought_impact,
    expected_annual,
    flood_impact,
    share_above,
)


@pytest.mark.parametrize(
    ("depth", "damage"),
    [(0, 0), (0.5, 0.22), (1, 0.378), (1.5, 0.531), (2, 0.636), (3, 0.817), (4, 0.903), (5, 0.957), (6, 1.0), (9, 1.0)],
)
def test_jrc_africa_residential_curve(depth, damage):
    # Huizinga et al. 2017, Africa residential
    assert damage_ratio(depth) == pytest.approx(damage)


def test_curve_interpolates_and_inverts():
    # hand sum: halfway between 1.5 m (0.531) and 2 m (0.636)
    assert damage_ratio(1.75) == pytest.approx((0.531 + 0.636) / 2)
    # 0.55 lies 0.019/0.105 of the way from 1.5 to 2 m
    assert depth_for_damage(0.55) == pytest.approx(1.5 + 0.5 * 0.019 / 0.105)
    with pytest.raises(ValueError):
        depth_for_damage(1.5)


def test_share_above_spreads_house_floors():
    # level equal to the threshold: half the houses are past it
    assert share_above(0.5, 0.5) == pytest.approx(0.5)
    assert share_above(np.nan, 0.5) == 0
    assert share_above(-1.0, 0.5) < 1e-6 < share_above(0.2, 0.5) < 0.5 < share_above(0.8, 0.5)


def _one_cell(levels, rain=None, collapse=None, **settings):
    depth = np.array(levels, np.float32)[:, None, None]
    rain = np.zeros_like(depth) if rain is None else np.array(rain, np.float32)[:, None, None]
    collapse = np.zeros_like(depth) if collapse is None else np.array(collapse, np.float32)[:, None, None]
    shares = flood_impact(None, depth, rain, collapse, ImpactSettings(**settings))
    return {k: v[:, 0, 0] for k, v in shares.items()}


def test_counts_follow_their_rules_day_by_day():
    nan = np.nan
    # dry, then 3 m of water at the house for two days, then dry again; rebuild takes 3 days
    s = _one_cell([nan, 3.0, 3.0, nan, nan, nan, nan, nan], rebuild_days=3)
    assert s["exposed"].tolist() == [0, 1, 1, 0, 0, 0, 0, 0]
    assert s["destroyed"][1] == pytest.approx(1.0, abs=1e-3)  # damage 0.817 ≥ 0.55
    # displaced from the flood until 3 days after the last wet day (day 2): days 1..5
    assert (s["displaced"] > 0.99).tolist() == [False, True, True, True, True, True, False, False]
    assert s["affected"][-1] == pytest.approx(1.0, abs=1e-3)  # affected stays affected
    assert (s["in_need"] >= s["displaced"]).all()
    for name in ("exposed", "affected", "displaced", "in_need"):
        assert ((0 <= s[name]) & (s[name] <= 1)).all()


def test_shallow_water_affects_without_displacing():
    s = _one_cell([0.4, 0.4, np.nan])  # damage 0.18 at 0.4 m
    assert s["affected"][-1] > 0.5
    assert s["displaced"].max() < 0.01
    assert s["in_need"][2] < 1e-3  # the water has left: no longer in need (but the few displaced)


def test_storm_collapse_displaces_banco_households():
    s = _one_cell([np.nan] * 4, rain=[0, 150, 0, 0], collapse=[0, 0.02, 0, 0], banco_share=0.5, rebuild_days=1)
    assert s["exposed"].tolist() == [0, 1, 0, 0]
    assert s["destroyed"][1] == pytest.approx(0.01)  # hand sum: 0.5 × 0.02
    assert s["displaced"].tolist() == pytest.approx([0, 0.01, 0.01, 0])


def test_threshold_changes_displacement():
    low = _one_cell([1.2, np.nan], displacement_damage=0.3)
    high = _one_cell([1.2, np.nan], displacement_damage=0.7)
    assert low["displaced"][0] > 0.9 > 0.1 > high["displaced"][0]


def test_drought_food_insecurity_after_harvest():
    import pandas as pd

    dates = pd.date_range("2021-09-29", periods=65)
    wrsi = np.array([[30.0, 30.0, 80.0]])
    spi = np.array([[-1.5, -0.5, -1.5]])
    shares = drought_impact(dates, wrsi, spi)
    fi = shares["food_insecure"]
    assert fi[0].max() == 0  # before 1 October
    assert fi[2, 0].tolist() == [0.5, 0.0, 0.0]  # only crop failure in a drought
    assert shares["displaced"][:62].max() == 0  # 60 days after 1 October is 30 November, index 62 and shares["displaced"][-1, 0, 0] == pytest.approx(0.025)
    assert drought_impact(dates, None, None) is None


def test_expected_annual_integrates_over_probability():
    # hand sum: p 1→0.5: (0+100)/2×0.5 = 25; 0.5→0.1: (100+1000)/2×0.4 = 220; tail 1000×0.1 = 100
    assert expected_annual({2: 100, 10: 1000}) == pytest.approx(345)
    # not the sum of impact / T (100/2 + 1000/10 = 150)
    assert expected_annual({2: 100, 10: 1000}) != pytest.approx(150)
    with pytest.raises(ValueError):
        expected_annual({1: 5})


def test_counts_are_four():
    assert COUNTS == ("exposed", "affected", "displaced", "in_need")
