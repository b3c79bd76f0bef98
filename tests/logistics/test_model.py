"""sim.logistics: the SimPy plan model on small hand-made seasons, and on flood-2022."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sim.delta.domain import load_delta
from sim.logistics.kpis import plan_kpis
from sim.logistics.model import PlanModel, simulate_plan
from sim.logistics.season_data import SeasonInputs
from sim.scenario import parse_text

ITEMS = ["nfi_kit", "water"]
CERCLES = ["ML0501", "ML0508"]  # Mopti, Ténenkou
CAPITALS = ["Mopti", "Ténenkou"]

PLAN = """\
kind: plan
name: toy
title: Toy
warehouses:
  - hub: Mopti/Sévaré
    capacity: 1000 m**3
    stock:
      nfi_kit: {stock} kit
procurement:
  - name: local
    kind: local
    hub: Mopti/Sévaré
    lead_time: {{min: 2 day, mode: 2 day, max: 2 day}}
funding:
  available: {funds} USD
fleet:
  trucks:
    - hub: Mopti/Sévaré
      count: {trucks}
distribution:
  teams: 4
  households_per_team_per_day: 250 household/day
allocation: {allocation}
"""


def plan(stock=1000, funds=0, trucks=2, allocation="proportional", extra=""):
    return parse_text(PLAN.format(stock=stock, funds=funds, trucks=trucks, allocation=allocation) + extra, "toy.yaml")


@pytest.fixture(scope="module")
def delta():
    return load_delta(resolution=0.05)


def inputs(days=40, kits=(300, 100), water=(0, 0), cut_tenenkou=(), stage=500.0, sofara=None):
    demand = np.zeros((len(ITEMS), days, len(CERCLES)))
    demand[0, 0] = kits  # kits needed on the first day
    demand[1, :] = water
    cut = np.zeros(days, bool)
    cut[list(cut_tenenkou)] = True
    stages = {
        "Mopti": np.full(days, stage),
        "Sofara": np.full(days, 400.0) if sofara is None else np.asarray(sofara, float),
    }
    return SeasonInputs(
        dates=pd.date_range("2022-08-01", periods=days),
        items=ITEMS,
        cercles=CERCLES,
        capitals=CAPITALS,
        demand=demand,
        road_cut={("Mopti", "Ténenkou"): cut},
        mopti_stage=stages["Mopti"],
        stages=stages,
        spi3=None,
        rainfall={},
        unit_cost={"nfi_kit": 55.0, "water": 0.01},
        lead_time_seed=np.random.SeedSequence(1),
        closure_seed=np.random.SeedSequence(2),
    )


def test_stock_in_place_meets_the_demand(delta):
    records = simulate_plan(delta, plan(), inputs())
    given = records.distributed[0, -1]
    assert given.tolist() == pytest.approx([300, 100])  # every kit needed is handed out
    kpis = plan_kpis(records, {"nfi_kit": 55.0, "water": 0.01}, {"water": 15.0})
    assert kpis["fill_rate"] == pytest.approx(1.0) and kpis["all_demand_met"] == 1.0
    assert kpis["stock_left_nfi_kit"] == pytest.approx(600)  # 1000 − 400
    assert kpis["days_to_first_distribution"] == 7  # teams mobilize a week after the first need


def test_nothing_in_stock_and_no_money_means_nothing_distributed(delta):
    records = simulate_plan(delta, plan(stock=0, funds=0), inputs())
    assert records.distributed[0, -1].sum() == 0
    kpis = plan_kpis(records, {"nfi_kit": 55.0}, {})
    assert kpis["fill_rate"] == 0 and kpis["all_demand_met"] == 0


def test_money_buys_locally_and_the_purchase_arrives_after_its_lead_time(delta):
    records = simulate_plan(delta, plan(stock=0, funds=55 * 400), inputs())
    assert records.received[0, 1] == 0 and records.received[0, 3] == pytest.approx(400)  # 2-day lead time
    assert records.bought["local"] == pytest.approx(55 * 400)
    assert records.distributed[0, -1].sum() == pytest.approx(400)


def test_a_cut_road_holds_the_delivery_until_it_reopens(delta):
    open_road = simulate_plan(delta, plan(), inputs())
    cut_road = simulate_plan(delta, plan(), inputs(cut_tenenkou=range(0, 20)))
    day_open = np.argmax(open_road.distributed[0, :, 1] > 0)
    day_cut = np.argmax(cut_road.distributed[0, :, 1] > 0)
    assert day_cut >= 20 > day_open
    assert cut_road.distributed[0, -1, 1] == pytest.approx(100)


def test_more_trucks_never_delay_the_first_delivery(delta):
    slow = simulate_plan(delta, plan(trucks=1), inputs())
    fast = simulate_plan(delta, plan(trucks=4), inputs())
    assert np.argmax(fast.distributed[0, :, 1] > 0) <= np.argmax(slow.distributed[0, :, 1] > 0)


@pytest.mark.parametrize(("rule", "expected"), [("proportional", [150, 50]), ("worst_first", [200, 0])])
def test_allocation_rules_share_scarce_stock(delta, rule, expected):
    # hand sums: 200 kits for 300 + 100 wanted; proportional gives 3/4 and 1/4; worst first
    # fills the largest demand first
    model = PlanModel(delta, plan(allocation=rule), inputs())
    assert model.shares(np.array([300.0, 100.0]), 200.0).tolist() == pytest.approx(expected)


def test_equity_floor_gives_small_cercles_their_floor_first(delta):
    model = PlanModel(delta, plan(allocation="equity_floor", extra="equity_floor: 0.2\n"), inputs())
    # 100 for 1000 + 10 wanted: floors 200 and 2 exceed the stock, so the floors are scaled: 99.0, 0.99
    shares = model.shares(np.array([1000.0, 10.0]), 100.0)
    assert shares.tolist() == pytest.approx([100 * 200 / 202, 100 * 2 / 202])
    # with more stock the floor is met first, then the rest proportionally
    shares = model.shares(np.array([1000.0, 10.0]), 500.0)
    assert shares[1] == pytest.approx(2 + (500 - 202) * 8 / 808)


def test_a_stage_trigger_mobilizes_teams_early(delta):
    trigger = "triggers:\n  - name: Sofara orange\n    indicator: stage\n    gauge: Sofara\n    threshold: 633\n    action: start_distribution\n"
    sofara = np.full(40, 400.0)
    sofara[:] = 700.0  # above the trigger from the first day
    late = simulate_plan(delta, plan(), inputs(sofara=sofara))
    early = simulate_plan(delta, plan(extra=trigger), inputs(sofara=sofara))
    assert early.first_distribution < late.first_distribution
    assert any("trigger 'Sofara orange' fired" in text for _, text in early.events)


def test_mass_balance_holds_every_day(delta):
    records = simulate_plan(delta, plan(stock=500, funds=20000), inputs(water=(1500, 300)))
    initial = np.array([500.0, 0.0])
    left = initial[:, None] + records.received
    right = records.distributed.sum(axis=2) + records.on_hand + records.in_transit + records.lost
    np.testing.assert_allclose(left, right, rtol=1e-9, atol=1e-6)
    assert (records.distributed <= records.demand + 1e-6).all()


def test_insecurity_closures_delay_deliveries(delta):
    calm = inputs()
    unsafe = inputs()
    unsafe.closure_probability = 0.9
    a = simulate_plan(delta, plan(), calm)
    b = simulate_plan(delta, plan(), unsafe)
    assert np.argmax(b.distributed[0, :, 1] > 0) > np.argmax(a.distributed[0, :, 1] > 0)


def test_a_load_beyond_one_truck_leaves_in_several_trips(delta):
    # 2,400 kits for Ténenkou take 2,400 × 0.15 m³ = 360 m³ (sim/data/items.csv), more than a
    # truck's 85 m³ (the schema's default): 360 / 85 = 4.2, so five trips of 85/360 × 2,400 =
    # 566.7 kits with the one truck. Sévaré → Mopti → Ténenkou is 12 + 100 km (links.csv); at
    # 40 km/h for 8 h a day one way takes 112 / 40 / 8 = 0.35 day and a round trip 0.7 day, so
    # the trips arrive at 0.35, 1.05, 1.75, 2.45 and 3.15: at the start of days 1, 2, 3 and 4,
    # 1, 3, 4 and 5 trips have arrived.
    model = PlanModel(delta, plan(stock=2400, trucks=1), inputs(kits=(0, 2400)))
    records = model.run()
    per_trip = 2400 * 85 / 360
    assert records.in_transit[0, 1:5].tolist() == pytest.approx(
        [2400 - per_trip, 2400 - 3 * per_trip, 2400 - 4 * per_trip, 0.0]
    )


def test_loads_for_one_destination_merge_while_they_wait_for_a_truck(delta):
    # 10 kits a day for Ténenkou for ten days, one truck at 5 km/h: one way is
    # 112 km / 5 km/h / 8 h a day = 2.8 days, a round trip 5.6 days. Day 0's load leaves at
    # once; days 1-5 wait and leave together when the truck is back (day 5.6); days 6-9 leave
    # together at 11.2. Three trips for ten loads.
    trips = []

    class CountingTrips(PlanModel):
        def trip(self, key, vehicles, route):
            trips.append(self.env.now)
            yield from super().trip(key, vehicles, route)

    slow = parse_text(
        PLAN.format(stock=1000, funds=0, trucks=1, allocation="proportional").replace(
            "count: 1\n", "count: 1\n      speed: 5 km/h\n"
        ),
        "slow.yaml",
    )
    season = inputs(kits=(0, 0))
    season.demand[0, :10, 1] = 10
    records = CountingTrips(delta, slow, season).run()
    assert len(trips) == 3
    assert records.distributed[0, -1, 1] == pytest.approx(100)


def test_stock_is_not_sent_down_a_cut_road(delta):
    # 150 kits for 100 + 100 wanted, Ténenkou's road cut for 20 days: the reachable Mopti gets
    # all it wants (100) instead of a proportional 75, and the 50 left wait in the warehouse
    # (not on a stranded truck) until the road reopens.
    records = simulate_plan(delta, plan(stock=150), inputs(kits=(100, 100), cut_tenenkou=range(0, 20)))
    assert records.distributed[0, -1].tolist() == pytest.approx([100, 50])
    assert records.in_transit[0, 10] == 0
    assert np.argmax(records.distributed[0, :, 1] > 0) >= 20


def test_boats_run_only_when_mopti_is_above_their_minimum_stage(delta):
    # the second cercle's capital is Youwarou, whose road from Mopti is cut all season and
    # which the river reaches (links.csv): only boats bring its 100 kits, and only while Mopti
    # stands at or above the boats' min_stage (300 cm by default, sim.plan.NAVIGATION_STAGE_CM)
    boats = parse_text(
        PLAN.format(stock=1000, funds=0, trucks=2, allocation="proportional").replace(
            "fleet:\n", "fleet:\n  boats:\n    - hub: Mopti/Sévaré\n      count: 2\n"
        ),
        "toy.yaml",
    )
    assert boats.fleet.boats[0].min_stage.magnitude == 300

    def season(stage: float) -> SeasonInputs:
        base = inputs(stage=stage)
        return replace(
            base, capitals=["Mopti", "Youwarou"], road_cut={("Mopti", "Youwarou"): np.ones(len(base.dates), bool)}
        )

    high = simulate_plan(delta, boats, season(500.0))
    low = simulate_plan(delta, boats, season(250.0))
    assert high.distributed[0, -1, 1] == pytest.approx(100)
    assert low.distributed[0, -1, 1] == 0
    assert high.distributed[0, -1, 0] == low.distributed[0, -1, 0] == pytest.approx(300)  # Mopti itself either way
