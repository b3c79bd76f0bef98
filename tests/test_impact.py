"""sim.impact: the JRC curve, the four counts and their rules, expected annual impact."""

import numpy as np
import pytest

from hazards.flood import banco_collapse_fraction
from sim.impact import (
    COUNTS,
    ImpactSettings,
    damage_ratio,
    depth_for_damage,
    drought_impact,
    expected_annual,
    flood_totals,
    share_above,
)
from tests.impact_reference import flood_impact, plain_totals

AGREEMENT = 1e-5
"""Relative tolerance between the compiled kernel and the plain reference [-]. Notes: both
compute in float64 from float32 house depths and shares, but in different orders (the kernel
cell by cell, the reference by whole arrays and a sparse product), so the last bits may
differ; 1e-5 is one person in 100,000. Measured on the two shipped scenarios at 0.05°: no
difference at all."""


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
    assert share_above(-1.0, 0.5) < share_above(0.2, 0.5) < 0.5 < share_above(0.8, 0.5)
    # normal floors: with a 0.3 m spread, 1.5 m below the threshold is Φ(−5) = 2.9e-7, and 0.3 m
    # above is Φ(1) = 0.841 (standard normal table)
    assert share_above(-1.0, 0.5, spread_m=0.3) == pytest.approx(2.87e-7, rel=0.01)
    assert share_above(0.8, 0.5, spread_m=0.3) == pytest.approx(0.8413, abs=1e-4)


def _one_cell(levels, rain=None, **settings):
    """One cell of one person: its shares of each count per day from the product's kernel
    (:func:`sim.impact.flood_totals`), after checking them against the plain reference, and
    its river part against the reference without rain. ``levels`` are the water level
    relative to the house floor, NaN when the water is not above its usual yearly level [m].
    The hand sums below take floors spread by 0.6 m and a 1.7 m freeboard, whatever the
    calibrated defaults."""
    depth = np.array(levels, np.float64)[:, None, None]
    rain = np.zeros_like(depth) if rain is None else np.array(rain, np.float64)[:, None, None]
    impact_settings = ImpactSettings(**({"floor_spread": 0.6, "house_freeboard": 1.7} | settings))
    reference = flood_impact(depth, rain, banco_collapse_fraction(rain), impact_settings)
    dry = np.zeros_like(rain)
    river = flood_impact(depth, dry, banco_collapse_fraction(dry), impact_settings)
    flood = np.where(np.isfinite(depth), depth + impact_settings.house_freeboard, 0.0).reshape(len(levels), 1)
    totals = flood_totals(
        rain.reshape(len(levels), 1),
        flood.astype(np.float32),
        np.zeros(1, np.float32),
        np.ones(1),
        np.zeros(1, np.int64),
        1,
        impact_settings,
    )
    for name, values in totals.items():
        assert values.shape == (2, len(levels), 1), name  # (cause, day, cercle)
        np.testing.assert_allclose(
            values.sum(0)[:, 0], reference[name][:, 0, 0], rtol=AGREEMENT, atol=1e-12, err_msg=name
        )
        np.testing.assert_allclose(values[0, :, 0], river[name][:, 0, 0], rtol=AGREEMENT, atol=1e-12, err_msg=name)
        assert (values[1] >= -1e-12).all(), name  # a storm never takes people away from a count
    return {name: values.sum(0)[:, 0] for name, values in totals.items()} | {
        f"{name}_by_storm": values[1, :, 0] for name, values in totals.items()
    }


def test_counts_follow_their_rules_day_by_day():
    nan = np.nan
    # dry, then 4 m of water at the house for two days, then dry again; rebuild takes 3 days
    s = _one_cell([nan, 4.0, 4.0, nan, nan, nan, nan, nan], rebuild_days=3)
    assert s["exposed"].tolist() == [0, 1, 1, 0, 0, 0, 0, 0]
    # damage 0.903 ≥ 0.55, reached at 1.59 m on the JRC curve: Φ((4 − 1.59) / 0.6) = Φ(4.0) ≈ 1
    assert s["destroyed"][1] == pytest.approx(1.0, abs=1e-3)
    # displaced from the flood until 3 days after the last wet day (day 2): days 1..5
    assert (s["displaced"] > 0.99).tolist() == [False, True, True, True, True, True, False, False]
    assert s["affected"][-1] == pytest.approx(1.0, abs=1e-3)  # affected stays affected
    assert (s["in_need"] >= s["displaced"]).all()
    for name in ("exposed", "affected", "displaced", "in_need"):
        assert ((0 <= s[name]) & (s[name] <= 1)).all()


def test_shallow_water_affects_without_displacing():
    s = _one_cell([0.3, 0.3, np.nan])  # damage 0.13 at 0.3 m
    # damage 0.1 (affected) is reached at 0.227 m and 0.55 (destroyed) at 1.59 m on the JRC
    # curve; with floors spread by 0.6 m: Φ((0.3 − 0.227) / 0.6) = Φ(0.12) = 0.548 affected,
    # Φ((0.3 − 1.59) / 0.6) = Φ(−2.15) = 0.016 displaced
    assert s["affected"][-1] == pytest.approx(0.548, abs=0.003)
    assert s["displaced"].max() == pytest.approx(0.016, abs=0.001)
    assert s["in_need"][2] == pytest.approx(s["displaced"][2])  # the water has left: only the displaced are in need


def test_storm_collapse_displaces_banco_households():
    s = _one_cell([np.nan] * 4, rain=[0, 150, 0, 0], banco_share=0.5, rebuild_days=1)
    assert s["exposed"].tolist() == [0, 1, 0, 0]
    # hand sum: 150 mm is 100/150 of the way from 50 to 200 mm, so 0.05 × (2/3)² = 0.0222 of
    # earth houses fall, and half the houses are earth: 0.0111
    assert s["destroyed"][1] == pytest.approx(0.5 * 0.05 * (2 / 3) ** 2)
    assert s["displaced"].tolist() == pytest.approx([0, 0.011111, 0.011111, 0], rel=1e-4)


def test_a_storm_on_a_flooded_house_counts_only_what_the_water_had_left():
    # 1 m of water at the house on both days, and a 200 mm storm on the second day: every
    # earth house still standing falls (0.05 of them, all houses earth)
    s = _one_cell([1.0, 1.0, np.nan], rain=[0, 200, 0], banco_share=1.0, rebuild_days=5)
    # the river alone: damage 0.55 at 1.59 m on the JRC curve, Φ((1 − 1.59) / 0.6) = Φ(−0.983) = 0.163 destroyed
    river_destroyed = s["destroyed"][0]
    assert river_destroyed == pytest.approx(0.163, abs=0.002)
    # the storm adds 0.05 of the houses the water had not destroyed: 0.05 × (1 − 0.163)
    assert s["destroyed_by_storm"][1] == pytest.approx(0.05 * (1 - river_destroyed), rel=1e-4)
    assert s["exposed_by_storm"].tolist() == [0, 0, 0]  # under water that day: exposed to the flood


def test_threshold_changes_displacement():
    low = _one_cell([1.2, np.nan], displacement_damage=0.3)
    high = _one_cell([1.2, np.nan], displacement_damage=0.7)
    # JRC curve: damage 0.3 at 0.753 m, 0.7 at 2.354 m; floors spread by 0.6 m:
    # Φ((1.2 − 0.753) / 0.6) = Φ(0.745) = 0.772 and Φ((1.2 − 2.354) / 0.6) = Φ(−1.92) = 0.027
    assert low["displaced"][0] == pytest.approx(0.772, abs=0.003)
    assert high["displaced"][0] == pytest.approx(0.027, abs=0.002)


def test_drought_food_insecurity_after_harvest():
    import pandas as pd

    dates = pd.date_range("2021-09-29", periods=65)
    wrsi = np.array([[30.0, 30.0, 80.0]])
    spi = np.array([[-1.5, -0.5, -1.5]])
    shares = drought_impact(dates, wrsi, spi)
    fi = shares["food_insecure"]
    assert fi[0].max() == 0  # before 1 October
    assert fi[2, 0].tolist() == [0.5, 0.0, 0.0]  # only crop failure in a drought
    assert (
        shares["displaced"][:62].max() == 0
    )  # 60 days after 1 October is 30 November, index 62 and shares["displaced"][-1, 0, 0] == pytest.approx(0.025)
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


@pytest.mark.parametrize("name", ["flood-2022", "drought-2021"])
def test_people_impact_agrees_with_the_plain_reference(name):
    # people_impact follows cells one by one in compiled loops, only where and from when
    # something happens; its counts must be the plain array computation's, within AGREEMENT
    from pathlib import Path

    from hazards.season import hazard_season
    from sim.delta.domain import load_delta
    from sim.impact import people_impact
    from sim.scenario import parse_text

    text = (Path(__file__).resolve().parents[1] / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8")
    text = text.replace("resolution: 0.01 degree", "resolution: 0.05 degree").replace(
        "  season: ",
        "  storm:\n    place: Mopti\n    date: 2022-08-10\n    total: 150 mm\n  season: "
        if name == "flood-2022"
        else "  season: ",
    )
    scenario = parse_text(text, f"{name}.yaml")
    delta = load_delta(resolution=0.05, year=scenario.domain.population_year)
    hazards = hazard_season(scenario, delta, seed=2)
    settings = ImpactSettings(displacement_damage=0.42, rebuild_days=30)
    plain = plain_totals(delta, hazards, settings)
    got = people_impact(delta, hazards, settings)
    assert plain["affected"].max() > 0 and plain["exposed"].max() > 0
    assert name == "flood-2022" or plain["food_insecure"].max() > 0  # the drought bites
    for count, extra in (
        ("exposed", 0),
        ("affected", plain["food_insecure"]),
        ("displaced", plain["drought_displaced"]),
        ("in_need", plain["food_insecure"]),
    ):
        np.testing.assert_allclose(got["people"].sel(count=count).values, plain[count] + extra, rtol=AGREEMENT)
    np.testing.assert_allclose(
        got["destroyed_houses"].values, plain["destroyed"] / settings.household_size, rtol=AGREEMENT
    )
    np.testing.assert_allclose(got["food_insecure"].values, plain["food_insecure"], rtol=AGREEMENT)
