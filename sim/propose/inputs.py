"""The stock problem of a plan over the members it is fitted on: demand, routes, fleet, prices.

:func:`build_problem` turns a plan and the season inputs of its training members (the same
:class:`~sim.logistics.season_data.SeasonInputs` the SimPy model plays) into the arrays of
:class:`sim.propose.lp.StockProblem`, by periods of :data:`PERIOD_DAYS` days.

Notes
-----
What the linear programme sees of the SimPy model, and what it does not:

* demand: each member's new needs per item, cercle and period, every item the model plays;
  water trucked from local boreholes is bought on site and reaches the cercles at once, never
  held (:data:`LOCAL_SERVICE`);
* delivery: a warehouse reaches a cercle's capital in a period on the days its route is open
  (roads cut by the flood closed, the river open when Mopti is above the boats' lowest stage);
  on those days its fleet carries its volume once per round trip. The fleet of a warehouse is
  shared between the cercles it serves (a constraint of the LP), as in the model;
* money: a member's purchases through a period cost at most what the plan has received by its
  end (:func:`sim.logistics.schedule.funds_by_day`: funds of day 0, the pledges that arrive in
  that member, funds released by triggers), plus a reserve the first stage may set aside
  (:data:`RESERVE_COST`);
* lead times: the mean of each source's triangular law, in whole periods rounded up;
* need not met in its period waits, at a small cost per period (:data:`LATE_FACTOR_PER_PERIOD`),
  as in the model, whose fill rate counts what is handed out by the season's end;
* not seen: the distribution teams' capacity and mobilisation delay, access closures, the
  plan's allocation rule, minimum orders, the local-first order, triggers other than the
  funds they release: the replay in SimPy reports what they cost.
"""

from __future__ import annotations

import math

import numpy as np

from sim.delta.domain import Delta
from sim.logistics.model import LOCAL_SERVICE_ITEMS
from sim.logistics.schedule import funds_by_day
from sim.logistics.season_data import SeasonInputs
from sim.network import network_state, shortest_route
from sim.plan import ITEM_SIZES, Plan
from sim.propose.plans import stock_of
from sim.propose.problem import Source, StockProblem

PERIOD_DAYS = 10
"""Length of a period of the second stage [day]. Notes: a dekad; the lead times of the shipped
plans (2 to 60 days) are counted in whole periods, rounded up."""

SEASON_MONTHS_STORED = 6.0
"""Months the pre-positioned stock is taken to sit in the warehouse [month]. Notes: from the
start of the rainy season (June) to the end of the flood's recession (December); assumption."""


def periods(days: int) -> np.ndarray:
    """The period of each day [-]."""
    return np.arange(days) // PERIOD_DAYS


LOCAL_SERVICE = "(local service)"
"""The stock problem's last warehouse: where the items supplied on site (water trucked from local
boreholes) are bought and from where they reach every cercle at once, as in the SimPy model,
which never carries them. It holds no stock (capacity 0 m³) and is not part of the plan."""

RESERVE_COST = 0.05
"""Cost of a USD kept ready before the season in a contingency reserve [USD/USD]. Notes:
assumption (the season's interest on money set aside, a few per cent); it makes the programme
reserve no more than the members spend, and prefer cash to stock where the lead times allow."""


def local_service_items(inputs: SeasonInputs) -> list[str]:
    """Items of the season supplied on site, never held in a warehouse."""
    return [item for item in inputs.items if item in LOCAL_SERVICE_ITEMS]


def period_demand(inputs: SeasonInputs, items: list[str]) -> np.ndarray:
    """New demand per (item, period, cercle) [unit]."""
    index = [inputs.items.index(item) for item in items]
    daily = inputs.demand[index]  # (item, day, cercle)
    count = int(periods(daily.shape[1]).max()) + 1
    out = np.zeros((len(items), count, daily.shape[2]))
    np.add.at(out, (slice(None), periods(daily.shape[1])), daily)
    return out


def fleet_m3_per_day(plan: Plan, hub: str, route) -> float:
    """Volume the hub's own vehicles carry per day on ``route`` [m³/day]: each vehicle its volume
    once per round trip (at least a day), by boat on a route with a river leg, else by truck."""
    by_river = any(leg.mode == "river" for leg in route)
    fleet = [v for v in (plan.fleet.boats if by_river else plan.fleet.trucks) if v.count > 0]
    own = [v for v in fleet if v.hub == hub]
    total = 0.0
    for vehicle in own or fleet[:1]:  # a hub without its own vehicles borrows the first ones, as the model does
        hours = 0.0
        trucks = [t for t in plan.fleet.trucks if t.count > 0]
        for leg in route:
            if leg.mode == "river":
                hours += 24.0 * leg.distance_km / float(vehicle.speed.to("km/day").magnitude)
            else:  # road legs at the trucks' pace, as the model's travel time counts them
                truck = vehicle if not by_river else (trucks[0] if trucks else None)
                if truck is not None:
                    hours += leg.distance_km / float(truck.speed.to("km/h").magnitude) / truck.hours_per_day * 24.0
        days = max(1.0, 2.0 * hours / 24.0)
        total += vehicle.count * float(vehicle.volume.to("m**3").magnitude) / days
    return total


def delivery_capacity(delta: Delta, plan: Plan, inputs: SeasonInputs) -> np.ndarray:
    """(period, warehouse, cercle) volume a warehouse's fleet can bring to a cercle [m³/period],
    on the days the route is open (:class:`~sim.logistics.model.PlanModel`'s routes)."""
    hub_place = {h.name: h.place for h in delta.hubs}
    days = len(inputs.dates)
    boats_stage = min(
        (float(b.min_stage.to("cm").magnitude) for b in plan.fleet.boats if b.count > 0), default=math.inf
    )
    out = np.zeros((int(periods(days).max()) + 1, len(plan.warehouses), len(inputs.capitals)))
    states: dict[tuple, np.ndarray] = {}
    for day in range(days):
        key = network_state(inputs.road_cut, inputs.mopti_stage, boats_stage, day)
        closed, modes = key
        if key not in states:
            today = np.zeros((len(plan.warehouses), len(inputs.capitals)))
            for w, warehouse in enumerate(plan.warehouses):
                origin = hub_place[warehouse.hub]
                for c, capital in enumerate(inputs.capitals):
                    route = [] if origin == capital else shortest_route(delta, origin, capital, closed, modes)
                    if route is not None:
                        today[w, c] = fleet_m3_per_day(plan, warehouse.hub, route) if route else math.inf
            states[key] = today
        out[day // PERIOD_DAYS] += states[key]
    return out


def transport_usd_per_m3(delta: Delta, plan: Plan, capitals: list[str], items: list[str]) -> np.ndarray:
    """(warehouse, cercle) cost of carrying one m³ by the dry-season road [USD/m³]: the trucks'
    cost per t·km times the route's length times the mean density of the items [t/m³]."""
    hub_place = {h.name: h.place for h in delta.hubs}
    density = sum(ITEM_SIZES[i][1] for i in items) / 1000.0 / max(sum(ITEM_SIZES[i][0] for i in items), 1e-9)
    per_tkm = [float(t.cost_per_tonne_km.to("USD/t/km").magnitude) for t in plan.fleet.trucks] or [0.0]
    rate = float(np.mean(per_tkm))
    out = np.zeros((len(plan.warehouses), len(capitals)))
    for w, warehouse in enumerate(plan.warehouses):
        for c, capital in enumerate(capitals):
            origin = hub_place[warehouse.hub]
            route = [] if origin == capital else shortest_route(delta, origin, capital)
            km = sum(leg.distance_km for leg in route) if route is not None else 0.0
            out[w, c] = rate * km * density
    return out


ORDER_HORIZON_PERIODS = 1
"""Procurement reacts to need: by the end of a period the second stage may have ordered an
item's need through that period and the next one [period]. Notes: the SimPy controller
(:data:`sim.logistics.model.REVIEW_DAYS`) orders the backlog and two weeks at the recent rate,
and nothing before the first need; without this the linear programme would order for needs it
cannot know yet and never pre-position."""

OWN_TOWN_M3 = 1e9
"""Volume a period can carry where nothing is carried (a hub's own town, what is bought on site)
[m³/period]: no limit, written as a large number HiGHS can read."""

LATE_FACTOR_PER_PERIOD = 0.05
"""A unit of need waiting one more period costs this share of its price [-/period]. Notes:
assumption; need waits as in the SimPy model (its fill rate counts what is handed out by the
season's end), and 24 periods of waiting (1.2 times the price) still cost less than never
(:data:`UNMET_PENALTY_FACTOR`), so late is always better than never."""

UNMET_PENALTY_FACTOR = 2.0
"""A unit of need not delivered costs this many times its price [-]. Notes: assumption (what a
late emergency response pays over a pre-positioned one); the target constraint, not this
penalty, is what sizes the stock."""


def fleet_days(plan: Plan, warehouses: list[str], count: int) -> np.ndarray:
    """(period, warehouse) vehicle-days a hub's own trucks and boats offer in each period [vehicle-day]."""
    out = np.zeros((count, len(warehouses)))
    for w, hub in enumerate(warehouses):
        vehicles = sum(v.count for v in (*plan.fleet.trucks, *plan.fleet.boats) if v.hub == hub)
        if vehicles == 0:  # it borrows the first trucks of the plan, as the model does
            vehicles = next((t.count for t in plan.fleet.trucks if t.count > 0), 0)
        out[:, w] = vehicles * PERIOD_DAYS
    return out


def fleet_days_per_m3(delta: Delta, plan: Plan, capitals: list[str]) -> np.ndarray:
    """(warehouse, cercle) vehicle-days one m³ carried to the cercle takes by the dry-season road:
    the round trip (at least a day) over the volume of one of the hub's trucks [vehicle-day/m³];
    0 where the capital is the hub's own town."""
    hub_place = {h.name: h.place for h in delta.hubs}
    out = np.zeros((len(plan.warehouses), len(capitals)))
    for w, warehouse in enumerate(plan.warehouses):
        trucks = [t for t in plan.fleet.trucks if t.hub == warehouse.hub and t.count > 0] or [
            t for t in plan.fleet.trucks if t.count > 0
        ]
        if not trucks:
            continue
        truck = trucks[0]
        speed = float(truck.speed.to("km/h").magnitude)
        volume = float(truck.volume.to("m**3").magnitude)
        origin = hub_place[warehouse.hub]
        for c, capital in enumerate(capitals):
            route = [] if origin == capital else shortest_route(delta, origin, capital)
            if not route:
                continue
            hours = sum(leg.distance_km for leg in route) / speed / truck.hours_per_day * 24.0
            out[w, c] = max(1.0, 2.0 * hours / 24.0) / volume
    return out


def procurement_sources(
    plan: Plan, items: list[str], unit_cost: dict[str, float], local: list[str]
) -> tuple[Source, ...]:
    """The plan's sources as the LP reads them: the expected (mean) lead time in whole periods,
    rounded up, the price, the monthly capacity per period. Items supplied on site (``local``)
    are sold to :data:`LOCAL_SERVICE`, the others to the source's warehouse."""
    out = []
    for source in plan.procurement:
        low, mode, high = (
            float(q.to("day").magnitude) for q in (source.lead_time.min, source.lead_time.mode, source.lead_time.max)
        )
        lead = (low + mode + high) / 3.0  # the mean of the triangular law the SimPy model draws from
        cap = np.full(len(items), np.inf)
        if source.capacity_per_month is not None:
            for i, item in enumerate(items):
                quantity = getattr(source.capacity_per_month, item, None)
                if quantity is not None:
                    cap[i] = float(quantity.magnitude) * PERIOD_DAYS / 30.0
        sold = [i for i in items if source.items is None or i in source.items]
        for where, names in (
            (source.hub, [i for i in sold if i not in local]),
            (LOCAL_SERVICE, [i for i in sold if i in local]),
        ):
            if names:
                out.append(
                    Source(
                        warehouse=where,
                        lead_periods=int(math.ceil(lead / PERIOD_DAYS - 1e-9)),
                        unit_cost_usd=np.array([unit_cost.get(i, 0.0) * source.price_factor for i in items]),
                        items=tuple(names),
                        max_units_per_period=cap,
                        name=source.name,
                    )
                )
    return tuple(out)


def funds_by_period(plan: Plan, inputs: SeasonInputs) -> np.ndarray:
    """(period,) money the plan has received by the end of each period [USD]
    (:func:`sim.logistics.schedule.funds_by_day` on the period's last day)."""
    daily = funds_by_day(plan, inputs)
    ends = np.minimum(np.arange(PERIOD_DAYS - 1, len(daily) + PERIOD_DAYS - 1, PERIOD_DAYS), len(daily) - 1)
    return daily[ends]


def build_problem(
    delta: Delta, plan: Plan, seasons: list[SeasonInputs], unit_cost: dict[str, float], budget_usd: float | None = None
) -> StockProblem:
    """The stock problem of ``plan`` over the training members' ``seasons``; its warehouses are
    the plan's and :data:`LOCAL_SERVICE` last."""
    items = list(seasons[0].items)
    local = local_service_items(seasons[0])
    capitals = seasons[0].capitals
    hubs = [w.hub for w in plan.warehouses]
    n_c = len(capitals)
    demand = np.stack([period_demand(s, items) for s in seasons])
    count = demand.shape[2]
    routes = np.stack([delivery_capacity(delta, plan, s) for s in seasons])
    routes = np.where(np.isfinite(routes), routes, OWN_TOWN_M3)  # a hub's own town: no transport limit
    on_site = np.full((len(seasons), count, 1, n_c), OWN_TOWN_M3)  # what is bought on site is there at once
    prices = np.array([unit_cost.get(i, 0.0) for i in items])
    volume = np.array([ITEM_SIZES[i][0] for i in items])
    storage = np.array(
        [float(w.storage_cost.to("USD/m**3/month").magnitude) * SEASON_MONTHS_STORED for w in plan.warehouses]
    )
    fleet = fleet_days(plan, hubs, count)
    return StockProblem(
        items=tuple(items),
        warehouses=(*hubs, LOCAL_SERVICE),
        cercles=tuple(seasons[0].cercles),
        demand=demand,
        delivery_capacity=np.concatenate([routes, on_site], axis=2),
        volume_m3=volume,
        unit_cost_usd=prices,
        unmet_penalty_usd=prices * UNMET_PENALTY_FACTOR,
        storage_usd_per_m3=np.append(storage, 0.0),
        transport_usd_per_m3=np.vstack([transport_usd_per_m3(delta, plan, capitals, items), np.zeros(n_c)]),
        capacity_m3=np.append([float(w.capacity.to("m**3").magnitude) for w in plan.warehouses], 0.0),
        initial_stock=np.vstack([stock_of(plan, items), np.zeros(len(items))]),
        sources=procurement_sources(plan, items, unit_cost, local),
        budget_usd=budget_usd,
        funds_usd=np.stack([funds_by_period(plan, s) for s in seasons]),
        reserve_cost=RESERVE_COST,
        late_usd_per_period=prices * LATE_FACTOR_PER_PERIOD,
        stockable=np.vstack(
            [
                np.broadcast_to([item not in local for item in items], (len(hubs), len(items))),
                np.zeros(len(items), bool),
            ]
        ),
        fleet_days=np.broadcast_to(
            np.hstack([fleet, np.full((count, 1), OWN_TOWN_M3)]), (len(seasons), count, len(hubs) + 1)
        ).copy(),
        fleet_days_per_m3=np.vstack([fleet_days_per_m3(delta, plan, capitals), np.zeros(n_c)]),
        order_horizon_periods=ORDER_HORIZON_PERIODS,
    )
