"""sim.needs: the ration profile (Sphere) and its arithmetic."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sim.needs import DEFAULT_RATIONS, needs, read_rations
from sim.scenario import InputError


def test_default_profile_holds_the_sphere_numbers():
    rations = {r.item: r for r in read_rations()}
    assert rations["water"].quantity == 15 and rations["water"].unit == "L"  # Sphere: 15 L/person/day
    assert rations["cereal"].quantity == pytest.approx(2100 / 3500)  # 2,100 kcal at 3,500 kcal/kg
    assert rations["covered_space"].quantity == 3.5  # Sphere: 3.5 m²/person
    assert rations["mosquito_net"].quantity == pytest.approx(1 / 1.8, abs=1e-4)  # Kilian et al. 2010
    assert rations["soap"].quantity == 0.25 and rations["soap"].per == "person_month"  # 250 g/person/month
    assert rations["latrine"].quantity == 1 / 50  # 1 per 50 at first
    assert all(r.source and r.cost_source for r in rations.values())


def _impact(displaced, food=None, in_need=None, destroyed=None, sites_share=0.34, by_drought=None):
    displaced = np.asarray(displaced, float)[:, None]
    days = pd.date_range("2022-09-01", periods=len(displaced))
    zeros = np.zeros_like(displaced)
    people = np.stack([zeros, displaced, displaced, displaced if in_need is None else np.asarray(in_need, float)[:, None]])
    return xr.Dataset(
        {
            "people": (("count", "day", "cercle"), people),
            "displaced_in_sites": (("day", "cercle"), displaced * sites_share),
            "food_insecure": (("day", "cercle"), zeros if food is None else np.asarray(food, float)[:, None]),
            "destroyed_houses": (("day", "cercle"), zeros if destroyed is None else np.asarray(destroyed, float)[:, None]),
            "displaced_by_drought": (("day", "cercle"), zeros if by_drought is None else np.asarray(by_drought, float)[:, None]),
        },
        coords={"count": ["exposed", "affected", "displaced", "in_need"], "day": days, "cercle": ["ML0501"]},
    )


def test_hand_sums_for_a_small_caseload():
    # 100 people displaced for three days, 20 destroyed houses, households of 5
    impact = _impact([100, 100, 100, 0], destroyed=[20, 20, 20, 20])
    result = needs(impact, read_rations(), household_size=5.0)
    need = result["need"].sel(cercle="ML0501")
    assert need.sel(item="water").values.tolist() == [1500, 1500, 1500, 0]  # 15 L × 100
    assert need.sel(item="cereal").values[:3] == pytest.approx([60, 60, 60])  # 0.6 kg × 100
    assert need.sel(item="soap").values[0] == pytest.approx(100 * 0.25 / (365.25 / 12))
    assert need.sel(item="nfi_kit").values.tolist() == [20, 0, 0, 0]  # one kit per household, once
    assert need.sel(item="shelter_kit").values.tolist() == [20, 0, 0, 0]  # one per destroyed house
    assert need.sel(item="mosquito_net").values.tolist() == [56, 0, 0, 0]  # ceil(100 / 1.8)
    assert need.sel(item="dignity_kit").values.tolist() == [25, 0, 0, 0]
    assert need.sel(item="latrine").values.tolist() == [1, 0, 0, 0]  # 34 people in sites: ceil(34/50)
    assert need.sel(item="covered_space").values[0] == pytest.approx(34 * 3.5)
    # costs: 20 NFI kits at USD 55
    assert float(result["cost"].sel(item="nfi_kit").sum()) == pytest.approx(20 * 55)


def test_a_failed_harvest_alone_needs_food_not_water_trucking():
    # 1,000 food-insecure people, 50 of whom left home (the drought's displaced, counted
    # among the 1,000): cereal for 1,000 (not 1,050) at 0.6 kg; water and soap only for
    # the 50 displaced: 15 L × 50 = 750 L a day
    impact = _impact([50, 50], food=[1000, 1000], in_need=[1000, 1000], by_drought=[50, 50])
    need = needs(impact, read_rations(), household_size=5.0)["need"].sel(cercle="ML0501")
    assert need.sel(item="cereal").values.tolist() == pytest.approx([600, 600])
    assert need.sel(item="water").values.tolist() == pytest.approx([750, 750])
    assert need.sel(item="soap").values[0] == pytest.approx(50 * 0.25 / (365.25 / 12))


def test_kits_are_whole_numbers_per_household():
    impact = _impact([7, 13, 13])
    result = needs(impact, read_rations(), household_size=5.2)
    kits = result["need"].sel(item="nfi_kit", cercle="ML0501").values
    assert kits.tolist() == [2, 1, 0]  # ceil(7/5.2) = 2, then ceil(13/5.2) = 3
    assert all(float(k).is_integer() for k in kits)


def test_latrines_go_from_one_per_50_to_one_per_20_after_30_days():
    impact = _impact([1000] * 40, sites_share=1.0)
    latrines = needs(impact, read_rations(), 5.0)["need"].sel(item="latrine", cercle="ML0501").values
    assert latrines[0] == 20  # 1000 / 50
    assert latrines[:30].sum() == 20
    assert latrines[30] == 30 and latrines.sum() == 50  # 1000 / 20 after 30 days


def test_drought_needs_food_and_animal_feed():
    impact = _impact([0, 0], food=[1000, 1000])
    need = needs(impact, read_rations(), 5.0)["need"].sel(cercle="ML0501")
    assert need.sel(item="cereal").values.tolist() == pytest.approx([600, 600])
    assert need.sel(item="animal_feed").values.tolist() == pytest.approx([1950, 1950])  # 6.5 kg/TLU × 0.3 TLU


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("water,Eau potable,Drinking water,15,L,", "water,Eau potable,Drinking water,15,kg,", "water.unit: '15 kg' has the wrong unit: expected L"),
        ("water,Eau potable,Drinking water,15,L,", "water,Eau potable,Drinking water,-15,L,", "water.quantity: must not be negative"),
        ("water,Eau potable,Drinking water,15,L,person_day", "water,Eau potable,Drinking water,15,L,person_week", "water.per: unknown 'person_week'"),
        ("water,Eau potable", "whisky,Eau potable", "item: unknown item 'whisky'"),
    ],
)
def test_bad_profiles_name_file_line_and_field(tmp_path, old, new, message):
    text = DEFAULT_RATIONS.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "rations.csv"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_rations(bad)
    assert str(info.value.problems[0]).startswith(f"{bad}:2: {message}"), str(info.value.problems[0])
