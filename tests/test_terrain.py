"""sim.delta.terrain: rivers through their towns, the floodplain and HAND."""

import numpy as np
import pytest

from sim.core import facts
from sim.delta.domain import load_delta
from sim.delta.terrain import TOPOGRAPHIC_MAX_FLOOD_KM2, floodplain_area_km2


@pytest.fixture(scope="module")
def delta():
    return load_delta(use_disk_cache=False)


@pytest.mark.parametrize(
    ("river", "towns"),
    [
        ("Niger", ["Ségou", "Macina", "Diafarabé", "Mopti", "Lac Débo", "Akka", "Niafunké", "Diré", "Kabara"]),
        ("Bani", ["Bénény-Kégny", "Djenné", "Sofara", "Mopti"]),
    ],
)
def test_rivers_pass_through_their_towns_in_order(delta, river, towns):
    line = next(r for r in delta.rivers if r.name == river)
    positions = [line.places.index(town) for town in towns]
    assert positions == sorted(positions)
    places = {p.name: p for p in delta.places}
    for town in towns:
        if town in places:
            k = line.places.index(town)
            assert (line.lon[k], line.lat[k]) == (places[town].lon, places[town].lat)


def test_floodplain_covers_the_topographic_maximum(delta):
    # ONISDIN: 36,470 km² can flood at most; calibrated within 0.5 %
    area = floodplain_area_km2(delta.grid, delta.terrain.floodplain)
    assert area == pytest.approx(TOPOGRAPHIC_MAX_FLOOD_KM2, rel=0.005)


def test_hand_is_low_in_the_floodplain_and_high_outside(delta):
    hand, plain = delta.terrain.hand_m, delta.terrain.floodplain
    assert (hand >= 0).all()
    assert np.median(hand[plain]) < 4.0
    assert np.median(hand[~plain]) > 6.0
    mopti = delta.grid.index_of(-4.1986, 14.4958)
    sahel = delta.grid.index_of(-6.3, 16.5)
    assert hand[mopti] < 1.5 < 10 < hand[sahel]


def test_lakes_are_at_drainage_level(delta):
    debo = next(r for r in facts.read_table("lakes") if r["name"] == "Lac Débo")
    assert delta.terrain.hand_m[delta.grid.index_of(float(debo["lon"]), float(debo["lat"]))] == 0.0


def test_hand_grows_away_from_the_river(delta):
    row = delta.grid.index_of(-4.1986, 14.4958)[0]
    near = delta.terrain.river_distance_km[row] < 5
    far = (delta.terrain.river_distance_km[row] > 60) & (delta.terrain.river_distance_km[row] < 120)
    assert delta.terrain.hand_m[row][near].mean() < delta.terrain.hand_m[row][far].mean()
