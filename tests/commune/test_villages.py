"""A commune's villages: found by what a person types, the stage from which each floods, the
warning levels, and the counts of the model (issue 18)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hazards.season import hazard_season
from sim.commune.build import FloodRequest, commune_plan
from sim.commune.find import CommuneNotFoundError, find_commune, folded
from sim.commune.season import cells_needed, hazards_flood, play_commune
from sim.commune.villages import (
    VILLAGE_FLOODED_SHARE,
    all_villages,
    first_flooding,
    read_places,
    village_names,
    villages_of,
    warning_levels,
)
from sim.delta.domain import load_delta
from sim.impact import ImpactSettings, people_impact
from sim.needs import read_rations
from sim.scenario import parse_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def delta():
    return load_delta(resolution=0.01, year=2024)


@pytest.fixture(scope="module")
def places():
    return read_places()


def test_a_hand_built_table_floods_each_village_from_its_first_stage():
    """Three stages, two villages: the first reaches one house in ten at 520 cm (not at 510),
    the second at 510 (not at 500); a third never does."""
    stages = np.array([500.0, 510.0, 520.0])
    shares = np.array([[0.0, 0.05, 0.0], [0.05, VILLAGE_FLOODED_SHARE, 0.01], [VILLAGE_FLOODED_SHARE, 0.3, 0.02]])
    first = first_flooding(stages, shares)
    assert first[0] == 520.0 and first[1] == 510.0 and np.isnan(first[2])
    assert warning_levels(np.array([520.0, 510.0, np.nan])) == {"first": 510.0, "half": 520.0, "all": None}
    assert warning_levels(np.array([600.0, 500.0, 700.0, 650.0])) == {"first": 500.0, "half": 600.0, "all": 700.0}


def test_a_commune_is_found_by_name_village_or_pcode_and_a_bad_name_gets_the_closest(delta, places):
    names = village_names(places)
    assert find_commune("ML050105", delta.communes, names).commune.name == "Konna"
    assert find_commune("konna", delta.communes, names).commune.pcode == "ML050105"
    assert find_commune("Djenné", delta.communes, names).commune.name == "Djenne Commune"
    by_village = find_commune("Sofara", delta.communes, names)
    assert by_village.commune.name == "Fakala" and by_village.village == "Sofara"
    assert find_commune("Kouakourou", delta.communes, names).commune.name == "Kewa"
    with pytest.raises(CommuneNotFoundError, match=r"closest: .*Konna"):
        find_commune("Konnaa", delta.communes, names)
    with pytest.raises(CommuneNotFoundError, match="village of several communes"):
        find_commune("Konnadaga", delta.communes, names)
    assert folded("Djenné Commune") == "djenne"


def test_a_village_floods_at_its_listed_stage_and_not_one_centimetre_below(delta, places):
    """Kewa (Kouakourou) follows Mopti: each village listed as flooding from S cm is flooded by
    the flood peaking at S cm at Mopti, day by day, and not by the one peaking at S − 1 cm (the
    daily hydrograph, an independent path from the scan of stages that gave S)."""
    rations = read_rations()
    at = commune_plan(delta, "Kewa", FloodRequest(stage_cm=650.0, gauge="Mopti"), rations, places=places)
    assert at["reference_gauge"] == "Mopti"
    listed = {v["pcode"]: v["flooding_stage_cm"] for v in at["villages"] if v["flooding_stage_cm"] is not None}
    assert len(listed) >= 5
    for stage in sorted(set(listed.values()))[:3]:
        high = commune_plan(delta, "Kewa", FloodRequest(stage_cm=float(stage), gauge="Mopti"), rations, places=places)
        low = commune_plan(
            delta, "Kewa", FloodRequest(stage_cm=float(stage) - 1, gauge="Mopti"), rations, places=places
        )
        flooded_high = {v["pcode"] for v in high["villages"] if v["flooded"]}
        flooded_low = {v["pcode"] for v in low["villages"] if v["flooded"]}
        at_stage = {name for name, s in listed.items() if s == stage}
        assert at_stage <= flooded_high and not (at_stage & flooded_low), stage
        assert flooded_low == {name for name, s in listed.items() if s < stage}
    levels = at["warning_levels"]
    assert levels["first_village_cm"] == min(listed.values())
    assert levels["villages"] == len(at["villages"])


def test_the_commune_counts_are_the_model_s_and_add_up_within_the_cercle(places):
    """Flood-2022 on a 0.05° grid: each commune of Djenné's cercle counts, through the commune's
    own cells, the people affected that the impact model gives it over the whole grid; the
    communes hold nearly all of the cercle's."""
    delta = load_delta(resolution=0.05, year=2024)
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    scenario = parse_text(text.replace("resolution: 0.01 degree", "resolution: 0.05 degree"), "flood-2022.yaml")
    hazards = hazard_season(scenario, delta, seed=1)
    impact = people_impact(delta, hazards, ImpactSettings())
    villages = all_villages(delta, places)
    rations = read_rations()
    cercle = "ML0505"
    total = 0.0
    for k, commune in enumerate(delta.communes):
        if commune.cercle_pcode != cercle:
            continue
        flood = hazards_flood(hazards, cells_needed(delta, commune, villages))
        played = play_commune(delta, commune, villages, flood, {}, rations, ImpactSettings())
        expected = float(impact["commune_affected"].isel(commune=k))
        assert played["people"]["affected"] == pytest.approx(expected, abs=0.5), commune.name
        total += expected
        assert all(v["pcode"] for v in played["villages"]) and len(played["villages"]) == len(
            villages_of(commune, villages)
        )
    by_cercle = float(impact["people"].sel(count="affected", cercle=cercle).isel(day=-1))
    assert by_cercle > 0 and 0.95 * by_cercle <= total <= by_cercle + 1e-6


def test_members_are_combined_by_majority_and_medians():
    """Three members by hand: a village flooded in two of them (5 and 9 days, from 1 and 3
    October) is flooded, for the median 5 days (0, 5, 9), from the earlier of the two middle
    dates; one flooded in one member is not; a week of need absent from a member counts 0."""
    from sim.commune.season import combine_members

    def member(days_a, from_a, days_b, weeks):
        village = {"flooded_from": None, "cut_off": False, "cut_off_from": None, "cut_off_days": 0}
        return {
            "villages": [
                village
                | {
                    "name": "A",
                    "flooded": days_a > 0,
                    "flooded_days": days_a,
                    "flooded_from": from_a,
                    "affected_people": days_a,
                    "displaced_people": 0,
                },
                village
                | {
                    "name": "B",
                    "flooded": days_b > 0,
                    "flooded_days": days_b,
                    "flooded_from": None if not days_b else "2024-10-02",
                    "affected_people": 0,
                    "displaced_people": 0,
                },
            ],
            "people": {"affected": 10 * days_a},
            "hosting_sites": [{"name": "host"}],
            "needs_by_week": [{"week_start": w, "needs": {"water": q}} for w, q in weeks],
        }

    combined = combine_members(
        [
            member(5, "2024-10-01", 0, [("2024-09-30", 100.0)]),
            member(9, "2024-10-03", 4, [("2024-09-30", 300.0), ("2024-10-07", 50.0)]),
            member(0, None, 0, [("2024-10-07", 70.0)]),
        ]
    )
    a, b = combined["villages"]
    assert (a["flooded"], a["flooded_members"], a["flooded_days"], a["flooded_from"]) == (True, 2, 5, "2024-10-01")
    assert (b["flooded"], b["flooded_members"], b["flooded_days"]) == (False, 1, 0)
    assert combined["people"] == {"affected": 50}
    assert combined["needs_by_week"] == [
        {"week_start": "2024-09-30", "needs": {"water": 100.0}},  # median of 100, 300, 0
        {"week_start": "2024-10-07", "needs": {"water": 50.0}},  # median of 0, 50, 70
    ]
    assert combined["hosting_sites"] == [{"name": "host"}]
