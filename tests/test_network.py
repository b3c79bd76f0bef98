"""sim.network: routes between hubs and cercle capitals, and the days the flood cuts them."""

import datetime as dt

import pandas as pd
import pytest

from hazards.baselines import dry_season_depth, normal_flood_depth
from hazards.flood import fluvial_depth
from sim.delta.domain import load_delta
from sim.network import cut_days, shortest_route


@pytest.fixture(scope="module")
def delta():
    return load_delta(resolution=0.05)


def test_every_cercle_capital_can_be_reached_from_mopti_sevare_by_road(delta):
    for cercle in delta.cercles:
        route = shortest_route(delta, "Sévaré", cercle.capital)
        assert route is not None, cercle.capital
        assert route[-1].destination == cercle.capital or cercle.capital == "Sévaré"


def test_route_lengths_hand_sums(delta):
    # Sévaré–Bandiagara 62 km, Bandiagara–Bankass 45 km (links.csv)
    route = shortest_route(delta, "Sévaré", "Bankass")
    assert [leg.destination for leg in route] == ["Bandiagara", "Bankass"]
    assert sum(leg.distance_km for leg in route) == pytest.approx(107)
    # WFP LCA: Bamako–Mopti 635 km direct, but Bamako–Ségou 235 + Ségou–Mopti 396 = 631 km is shorter
    assert sum(leg.distance_km for leg in shortest_route(delta, "Bamako", "Mopti")) == pytest.approx(631)


def test_closing_a_link_reroutes_or_isolates(delta):
    closed = {("Mopti", "Ténenkou", "road")}
    assert shortest_route(delta, "Sévaré", "Ténenkou", closed=closed) is None
    assert shortest_route(delta, "Sévaré", "Ténenkou", closed=closed, modes=("road", "river")) is None  # no boat leg
    # with the road to Youwarou cut, the boat still goes
    route = shortest_route(delta, "Sévaré", "Youwarou", closed={("Youwarou", "Mopti", "road")}, modes=("road", "river"))
    assert [leg.mode for leg in route] == ["road", "river"]


def _links(delta, a, b):
    return next(link for link in delta.links if {link.origin, link.destination} == {a, b} and link.mode == "road")


def test_seasonal_tracks_are_cut_by_a_normal_flood_main_roads_only_by_a_big_one(delta):
    dates = pd.date_range("2022-06-01", periods=240)
    normal = fluvial_depth(delta, dates, 600, dt.date(2022, 10, 14)).values
    big = fluvial_depth(delta, dates, 800, dt.date(2022, 10, 14)).values
    baselines = (normal_flood_depth(delta), dry_season_depth(delta))
    track = _links(delta, "Macina", "Diafarabé")  # cut in the rainy season (maliactu 2019)
    main = _links(delta, "Bamako", "Ségou")
    assert cut_days(delta, track, normal, *baselines).sum() > 60
    assert not cut_days(delta, main, normal, *baselines).any()
    assert not cut_days(delta, main, big, *baselines).any()  # far upstream of the delta
    assert (
        cut_days(delta, _links(delta, "Mopti", "Ténenkou"), big, *baselines).sum()
        >= cut_days(delta, _links(delta, "Mopti", "Ténenkou"), normal, *baselines).sum()
    )
