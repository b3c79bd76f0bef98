"""The SimPy model of a contingency plan, one member at a time.

The clock counts days from the scenario's first day. Households are counts per cercle and
day, never processes: the demand is the needs timeline of the impact stage. The model has

* a stock (``simpy.Container``) per item in each warehouse, and a depot per cercle where
  deliveries wait to be handed out;
* trucks and boats as ``simpy.Resource`` per hub; the dispatcher sends one shipment a day
  from a warehouse to a cercle with all its items; a shipment waits while its road is cut by
  the flood (or the river too low for boats), then for a vehicle; loads for the same
  destination merge while they wait, up to the vehicle's payload and volume, and a trip holds
  its vehicle for the round trip;
* processes: pledges that arrive (or not), triggers that watch their indicator, a
  procurement controller that orders from local sources first, a dispatcher that shares the
  warehouses' stock between cercles by the plan's rule, and a distribution process limited
  by the teams' capacity.

Nothing is lost: for every item, initial stock + received = distributed + on hand (warehouses
and cercle depots) + in transit + lost, checked at the end of every run.

References
----------
.. [1] SimPy documentation, "Gas Station Refueling" example: a controller process watches a
   Container's level and calls a supplier — the restock pattern used here.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.core import facts
from sim.delta.domain import Delta
from sim.logistics.schedule import crossed, indicator, pledge_arrivals, pledge_day
from sim.logistics.season_data import MassBalanceError, Records, SeasonInputs
from sim.network import network_state, shortest_route
from sim.plan import ITEM_SIZES, Plan

REVIEW_DAYS = 14
"""Horizon of the procurement controller: it orders to cover the backlog and this many days
of recent demand [day]. Notes: assumption, a fortnightly supply review."""

DEMAND_WINDOW_DAYS = 7
"""Days of past demand the controller extrapolates [day]. Notes: assumption."""

MOBILIZATION_DAYS = 7
"""Days from the first need to the first distribution team in the field, without an
early-action trigger that mobilizes them before [day]. Notes: assumption; pre-positioning
aims at a 48-72 h response, which a plan reaches only with triggers and stock in place."""

LOCAL_SERVICE_ITEMS = frozenset(row["id"] for row in facts.read_table("items") if row["local_service"] == "1")
"""Items supplied where the people are (water trucking from local boreholes): bought from a
local source and delivered straight to the cercles, not through the warehouses
(``local_service`` in ``sim/data/items.csv``)."""

PER_HOUSEHOLD_ITEMS = frozenset(row["id"] for row in facts.read_table("items") if row["per_household"] == "1")
"""Items handed out household by household, within the distribution teams' capacity (one kit a
household; ``per_household`` in ``sim/data/items.csv``)."""

SUPPLY_ORDER = tuple(row["name"] for row in sorted(facts.read_table("hubs"), key=lambda row: int(row["supply_rank"])))
"""Hubs in the order warehouses are drawn on, the one nearest the delta first
(``supply_rank`` in ``sim/data/hubs.csv``)."""


class PlanModel:
    """One plan against one member's season."""

    def __init__(self, delta: Delta, plan: Plan, inputs: SeasonInputs):
        self.delta = delta
        self.plan = plan
        self.inputs = inputs
        self.env = simpy.Environment()
        self.days = len(inputs.dates)
        self.items = inputs.items
        self.rng_lead = np.random.default_rng(inputs.lead_time_seed)
        self.rng_closure = np.random.default_rng(inputs.closure_seed)
        self.hubs = [w.hub for w in plan.warehouses]
        self.hub_place = {h.name: h.place for h in delta.hubs}
        self.stock = {
            (w.hub, item): simpy.Container(self.env, init=self._initial(w, item))
            for w in plan.warehouses
            for item in self.items
        }
        self.initial = np.array([sum(self._initial(w, item) for w in plan.warehouses) for item in self.items])
        self.depot = np.zeros((len(self.items), len(inputs.cercles)))  # delivered, not yet handed out
        self.backlog = np.zeros((len(self.items), len(inputs.cercles)))  # demand not yet covered by deliveries
        self.undistributed = np.zeros((len(self.items), len(inputs.cercles)))  # demand not yet handed out
        self.in_transit = np.zeros(len(self.items))
        self.on_order = np.zeros(len(self.items))
        self.received_total = np.zeros(len(self.items))
        self.lost_total = np.zeros(len(self.items))
        self.demand_total = np.zeros((len(self.items), len(inputs.cercles)))
        self.distributed_total = np.zeros((len(self.items), len(inputs.cercles)))
        self.funds = float(plan.funding.available.to("USD").magnitude)
        self.teams_from: float = np.inf  # day the distribution teams are in the field
        self.trucks = {
            t.hub: (simpy.Resource(self.env, capacity=max(t.count, 1)), t) for t in plan.fleet.trucks if t.count > 0
        }
        self.boats = {
            b.hub: (simpy.Resource(self.env, capacity=max(b.count, 1)), b) for b in plan.fleet.boats if b.count > 0
        }
        self.closed_today = np.zeros(len(inputs.cercles), bool)
        self.bought_this_month: dict[tuple[str, str, int], float] = {}
        self.records = Records(self.days, self.items, inputs.cercles)
        self._routes: dict[tuple, list | None] = {}
        self._states: dict[int, tuple[frozenset, tuple[str, ...]]] = {}
        # pint at the edge: the plan's quantities as plain floats, once
        self.lead_days = {
            s.name: tuple(float(q.to("day").magnitude) for q in (s.lead_time.min, s.lead_time.mode, s.lead_time.max))
            for s in plan.procurement
        }
        self.minimum_order = {s.name: float(s.minimum_order.to("USD").magnitude) for s in plan.procurement}
        self.truck_numbers = {
            h: (
                float(t.speed.to("km/h").magnitude),
                t.hours_per_day,
                float(t.cost_per_tonne_km.to("USD/t/km").magnitude),
            )
            for h, (_, t) in self.trucks.items()
        }
        self.boat_numbers = {
            h: (float(b.speed.to("km/day").magnitude), float(b.cost_per_tonne_km.to("USD/t/km").magnitude))
            for h, (_, b) in self.boats.items()
        }
        self.min_stage = min((float(b.min_stage.to("cm").magnitude) for _, b in self.boats.values()), default=np.inf)
        self.team_capacity = plan.distribution.teams * float(
            plan.distribution.households_per_team_per_day.to("household/day").magnitude
        )
        self.storage_rate = np.array([float(w.storage_cost.to("USD/m**3/month").magnitude) for w in plan.warehouses])
        self.item_volume = np.array([ITEM_SIZES[item][0] for item in self.items])
        self.waiting: dict[tuple[str, str, int | None], dict[str, float]] = {}  # loads waiting for a vehicle
        self.queued: set[tuple[str, str, int | None]] = set()  # destinations with a trip waiting for a vehicle
        self.vehicle_size = {
            id(v): (float(v.payload.to("t").magnitude), float(v.volume.to("m**3").magnitude))
            for v in [*plan.fleet.trucks, *plan.fleet.boats]
        }

    # --- set-up helpers -------------------------------------------------------------------

    def _initial(self, warehouse, item: str) -> float:
        quantity = getattr(warehouse.stock, item, None)
        return float(quantity.magnitude) if quantity is not None else 0.0

    # --- processes ------------------------------------------------------------------------

    def run(self) -> Records:
        """Run the season and return the records (after checking the mass balance)."""
        arrivals = pledge_arrivals(self.plan, self.rng_closure)  # the stream's first draws (see schedule)
        for pledge, arrives in zip(self.plan.funding.pledges, arrivals, strict=True):
            self.env.process(self.pledge(pledge, arrives))
        self.env.process(self.day_loop())
        self.env.run(until=self.days)
        self.check_mass_balance()
        return self.records

    def pledge(self, pledge, arrives: bool):
        """Money that arrives on its day, if it arrives at all."""
        day = pledge_day(pledge, self.inputs)
        if 0 <= day < self.days:
            yield self.env.timeout(day)
            if arrives:
                self.funds += float(pledge.amount.to("USD").magnitude)
                self.records.events.append((int(self.env.now), f"pledge of {pledge.amount:~} arrived"))

    def day_loop(self):
        """Each day: new demand, triggers, insecurity, procurement, dispatch, distribution, records."""
        fired: set[int] = set()
        while self.env.now < self.days:
            day = int(self.env.now)
            self.new_demand(day)
            self.check_triggers(day, fired)
            self.closed_today = self.rng_closure.random(len(self.inputs.cercles)) < self.inputs.closure_probability
            self.procure(day)
            self.dispatch(day)
            self.distribute(day)
            self.record(day)
            yield self.env.timeout(1)

    def new_demand(self, day: int) -> None:
        today = self.inputs.demand[:, day, :]
        self.backlog += today
        self.undistributed += today
        self.demand_total += today
        if today.sum() > 0 and not np.isfinite(self.teams_from):
            self.teams_from = day + MOBILIZATION_DAYS

    # --- triggers -------------------------------------------------------------------------

    def check_triggers(self, day: int, fired: set[int]) -> None:
        for k, trigger in enumerate(self.plan.triggers):
            if k in fired:
                continue
            value = indicator(trigger, self.inputs, day)
            if value is not None and crossed(trigger, value):
                fired.add(k)
                self.records.events.append((day, f"trigger '{trigger.name}' fired ({value:.1f})"))
                self.act(trigger, day)

    def act(self, trigger, day: int) -> None:
        if trigger.action == "release_funds":
            self.funds += float(trigger.amount.to("USD").magnitude)
        elif trigger.action == "start_distribution":
            self.teams_from = min(self.teams_from, day)
        elif trigger.action == "order":
            self.order(trigger.item, trigger.quantity, trigger.to_hub, day, reason="trigger")
        elif trigger.action == "preposition":
            self.env.process(self.ship(trigger.from_hub, trigger.to_hub, None, {trigger.item: trigger.quantity}))

    # --- procurement ----------------------------------------------------------------------

    def procure(self, day: int) -> None:
        """Order what the backlog and the coming fortnight need, beyond stock and pipeline."""
        recent = self.inputs.demand[:, max(day - DEMAND_WINDOW_DAYS + 1, 0) : day + 1, :].sum(axis=(1, 2))
        expected = recent / DEMAND_WINDOW_DAYS * REVIEW_DAYS
        for i, item in enumerate(self.items):
            stock = sum(self.stock[(hub, item)].level for hub in self.hubs)
            shortfall = self.backlog[i].sum() + expected[i] - stock - self.in_transit[i] - self.on_order[i]
            if shortfall > 1e-9:
                self.order(item, shortfall, None, day, reason="shortfall")

    def order(self, item: str, quantity: float, hub: str | None, day: int, reason: str) -> None:
        """Buy ``quantity`` of ``item`` from the first sources (local first) that sell it and can be paid."""
        i = self.items.index(item)
        order = {"local": 0, "regional": 1, "international": 2}
        remaining = float(quantity)
        for source in sorted(self.plan.procurement, key=lambda s: order[s.kind]):
            if remaining <= 1e-9:
                break
            if source.items is not None and item not in source.items:
                continue
            if hub is not None and source.hub != hub:
                continue
            price = self.inputs.unit_cost.get(item, 0.0) * source.price_factor
            month = day // 30
            cap = getattr(source.capacity_per_month, item, None) if source.capacity_per_month is not None else None
            room = (
                float(cap.magnitude) - self.bought_this_month.get((source.name, item, month), 0.0)
                if cap is not None
                else np.inf
            )
            affordable = self.funds / price if price > 0 else np.inf
            amount = min(remaining, room, affordable)
            if amount <= 1e-9 or amount * price < self.minimum_order[source.name]:
                continue
            self.funds -= amount * price
            self.records.costs["procurement"] += amount * price
            self.records.bought[source.kind] += amount * price
            self.bought_this_month[(source.name, item, month)] = (
                self.bought_this_month.get((source.name, item, month), 0.0) + amount
            )
            self.on_order[i] += amount
            remaining -= amount
            lead = self.lead_time(source)
            self.env.process(self.delivery(item, amount, source.hub, lead))
            self.records.events.append(
                (day, f"ordered {amount:,.0f} {item} from {source.name} ({reason}), {lead:.0f} days")
            )

    def lead_time(self, source) -> float:
        low, mode, high = self.lead_days[source.name]
        return float(self.rng_lead.triangular(low, mode, high)) if high > low else low

    def delivery(self, item: str, amount: float, hub: str, lead: float):
        yield self.env.timeout(lead)
        i = self.items.index(item)
        self.on_order[i] -= amount
        self.received_total[i] += amount
        if item in LOCAL_SERVICE_ITEMS:
            wanted = np.maximum(self.backlog[i], 0.0)
            share = wanted / wanted.sum() if wanted.sum() > 0 else np.full(len(wanted), 1.0 / len(wanted))
            self.depot[i] += amount * share
            self.backlog[i] -= np.minimum(amount * share, wanted)
        else:
            yield self.stock[(hub, item)].put(amount)

    # --- transport ------------------------------------------------------------------------

    def route(self, origin: str, destination: str, day: int):
        """The open route between two places on ``day``: by road, else by river (None if none)."""
        closed, modes = self._network_state(day)
        key = (origin, destination, closed, modes)
        if key not in self._routes:
            self._routes[key] = shortest_route(self.delta, origin, destination, closed=closed, modes=modes)
        return self._routes[key]

    def _network_state(self, day: int) -> tuple[frozenset, tuple[str, ...]]:
        """The roads cut on ``day`` and the modes open (the river when boats can run), once per day."""
        if day not in self._states:
            self._states[day] = network_state(self.inputs.road_cut, self.inputs.mopti_stage, self.min_stage, day)
        return self._states[day]

    def move(self, item: str, amount: float, origin_hub: str, destination: str, cercle: int | None = None):
        """Carry one item from a warehouse to another warehouse or to a cercle's depot."""
        yield from self.ship(origin_hub, destination, cercle, {item: amount})

    def ship(self, origin_hub: str, destination: str, cercle: int | None, load: dict[str, float]):
        """Carry a load (item → quantity) from a warehouse to another warehouse or a cercle's depot.

        It waits while the road is cut or the cercle's access is closed, then for a vehicle
        (:meth:`trip`), which carries up to its payload [t] and volume [m³] and is held for the
        round trip.
        """
        taken: dict[str, float] = {}
        for item, wanted in load.items():
            i = self.items.index(item)
            amount = min(wanted, self.stock[(origin_hub, item)].level)
            if cercle is not None and wanted - amount > 1e-9:
                # another shipment took the stock since dispatch counted it: that demand is uncovered again
                self.backlog[i, cercle] += wanted - amount
            if amount > 1e-9:
                yield self.stock[(origin_hub, item)].get(amount)
                self.in_transit[i] += amount
                taken[item] = amount
        if not taken:
            return
        origin = self.hub_place[origin_hub]
        target = destination if cercle is not None else self.hub_place[destination]
        while True:
            day = min(int(self.env.now), self.days - 1)
            route = self.route(origin, target, day) if origin != target else []
            if route is not None and not (cercle is not None and self.closed_today[cercle]):
                break
            if self.env.now >= self.days - 1:
                break
            yield self.env.timeout(1)  # road cut or access closed: wait for it to reopen
        if route is None:  # the season ended with the road still cut: the load waits in transit
            return
        by_river = any(leg.mode == "river" for leg in route)
        vehicles = self.boats.get(origin_hub) if by_river else self.trucks.get(origin_hub)
        if vehicles is None:
            vehicles = next(iter(self.trucks.values()), None)
        tonnes = sum(amount * ITEM_SIZES[item][1] for item, amount in taken.items()) / 1000.0
        if vehicles is None:  # no vehicle in the plan at all: the load travels at truck speed, uncounted
            yield self.env.timeout(self.travel_hours(route, tonnes, origin_hub) / 24.0)
            for item, amount in taken.items():
                self.arrive(item, amount, destination, cercle)
            return
        key = (origin_hub, destination, cercle)
        waiting = self.waiting.setdefault(key, {})
        for item, amount in taken.items():
            waiting[item] = waiting.get(item, 0.0) + amount
        if key not in self.queued:  # else the trip already queued for this destination takes this load too
            self.queued.add(key)
            self.env.process(self.trip(key, vehicles, route))

    def trip(self, key: tuple[str, str, int | None], vehicles, route):
        """A vehicle's round trip to one destination, loaded when the vehicle is free.

        Loads for the same destination merge while they wait for a vehicle (up to its payload
        and volume), so a busy fleet carries full loads rather than many small ones. The route
        is the one open when the first load was ready.
        """
        resource, spec = vehicles
        origin_hub, destination, cercle = key
        with resource.request() as request:
            yield request
            self.queued.discard(key)
            waiting = self.waiting[key]
            tonnes = sum(amount * ITEM_SIZES[item][1] for item, amount in waiting.items()) / 1000.0
            volume = sum(amount * ITEM_SIZES[item][0] for item, amount in waiting.items())
            payload, capacity = self.vehicle_size[id(spec)]
            fraction = min(1.0, payload / tonnes if tonnes > 0 else 1.0, capacity / volume if volume > 0 else 1.0)
            load = {item: amount * fraction for item, amount in waiting.items()}
            if fraction < 1.0:  # the rest waits for the next vehicle
                self.waiting[key] = {item: amount - load[item] for item, amount in waiting.items()}
                self.queued.add(key)
                self.env.process(self.trip(key, vehicles, route))
            else:
                del self.waiting[key]
            hours = self.travel_hours(route, tonnes * fraction, origin_hub)
            yield self.env.timeout(hours / 24.0)
            for item, amount in load.items():
                self.arrive(item, amount, destination, cercle)
            yield self.env.timeout(hours / 24.0)  # the way back

    def arrive(self, item: str, amount: float, destination: str, cercle: int | None) -> None:
        i = self.items.index(item)
        self.in_transit[i] -= amount
        if cercle is None:
            self.stock[(destination, item)].put(amount)
        else:
            self.depot[i, cercle] += amount

    def travel_hours(self, route, tonnes: float, hub: str) -> float:
        """Hours on the road (at the trucks' speed and hours per day) or river, and its cost."""
        trucks = self.truck_numbers.get(hub, next(iter(self.truck_numbers.values()), None))
        boats = self.boat_numbers.get(hub, next(iter(self.boat_numbers.values()), None))
        hours = 0.0
        for leg in route:
            if leg.mode == "river" and boats is not None:
                speed_per_day, cost = boats
                hours += 24.0 * leg.distance_km / speed_per_day
                self.records.costs["transport"] += tonnes * leg.distance_km * cost
            elif trucks is not None:
                speed, hours_per_day, cost = trucks
                hours += leg.distance_km / speed / hours_per_day * 24.0
                self.records.costs["transport"] += tonnes * leg.distance_km * cost
        return hours

    # --- dispatch and distribution --------------------------------------------------------

    def shares(self, wanted: np.ndarray, available: float) -> np.ndarray:
        """How much of ``available`` each cercle gets of what it ``wanted``, by the plan's rule."""
        total = wanted.sum()
        if total <= available or total <= 0:
            return wanted.copy()
        rule = self.plan.allocation
        if rule == "proportional":
            return wanted * (available / total)
        if rule == "worst_first":
            out = np.zeros_like(wanted)
            for k in np.argsort(-wanted, kind="stable"):
                out[k] = min(wanted[k], available)
                available -= out[k]
            return out
        floor = np.minimum(wanted * self.plan.equity_floor, wanted)
        if floor.sum() >= available:
            return floor * (available / floor.sum())
        rest = wanted - floor
        return floor + rest * ((available - floor.sum()) / rest.sum())

    def dispatch(self, day: int) -> None:
        """Send each warehouse's stock to the cercles whose demand it can cover, nearest first.

        A warehouse only sends to cercles it can reach today (an open road or, in the boat
        season, the river, and access not closed); the others keep their demand until a way opens.
        """
        reachable: dict[str, np.ndarray] = {}
        loads: dict[tuple[str, int], dict[str, float]] = {}
        for i, item in enumerate(self.items):
            wanted = np.maximum(self.backlog[i], 0.0)
            if wanted.sum() <= 1e-9 or item in LOCAL_SERVICE_ITEMS:
                continue
            for hub in self.hubs_by_distance():
                level = self.stock[(hub, item)].level
                if level <= 1e-9 or wanted.sum() <= 1e-9:
                    continue
                if hub not in reachable:
                    reachable[hub] = self.reachable_from(hub, day)
                given = self.shares(np.where(reachable[hub], wanted, 0.0), level)
                for k in np.flatnonzero(given > 1e-9):
                    self.backlog[i, k] -= given[k]
                    wanted[k] -= given[k]
                    loads.setdefault((hub, int(k)), {})[item] = float(given[k])
        for (hub, k), load in loads.items():  # one shipment per warehouse and cercle a day, all items together
            self.env.process(self.ship(hub, self.inputs.capitals[k], k, load))

    def reachable_from(self, hub: str, day: int) -> np.ndarray:
        """Cercles a load leaving ``hub`` today can reach (a route exists, access not closed)."""
        origin = self.hub_place[hub]
        return np.array(
            [
                not self.closed_today[k] and (origin == capital or self.route(origin, capital, day) is not None)
                for k, capital in enumerate(self.inputs.capitals)
            ]
        )

    def hubs_by_distance(self) -> list[str]:
        """Warehouses, the one nearest the delta (Mopti/Sévaré) first."""
        return sorted(self.hubs, key=SUPPLY_ORDER.index)

    def distribute(self, day: int) -> None:
        """Hand out what has reached the cercles' depots, within the teams' capacity for kits."""
        if self.plan.distribution.teams == 0 or day < self.teams_from:
            return
        capacity_households = self.team_capacity
        for i, item in enumerate(self.items):
            ready = np.minimum(self.depot[i], self.undistributed[i])
            if ready.sum() <= 1e-9:
                continue
            if item in PER_HOUSEHOLD_ITEMS:
                ready = self.shares(ready, capacity_households)
            self.depot[i] -= ready
            self.undistributed[i] -= ready
            self.distributed_total[i] += ready
            if self.records.first_distribution is None:
                self.records.first_distribution = day

    def record(self, day: int) -> None:
        """Snapshot of every stock and cumulative flow, all at the same instant."""
        r = self.records
        for i, item in enumerate(self.items):
            r.on_hand[i, day] = sum(self.stock[(hub, item)].level for hub in self.hubs) + self.depot[i].sum()
        r.in_transit[:, day] = self.in_transit
        r.received[:, day] = self.received_total
        r.lost[:, day] = self.lost_total
        r.demand[:, day, :] = self.demand_total
        r.distributed[:, day, :] = self.distributed_total
        levels = np.array([[self.stock[(w.hub, item)].level for item in self.items] for w in self.plan.warehouses])
        r.costs["storage"] += float(self.storage_rate @ (levels @ self.item_volume)) / 30.0

    def check_mass_balance(self) -> None:
        """initial + received = distributed + on hand + in transit + lost, for every item on every day."""
        r = self.records
        left = self.initial[:, None] + r.received
        right = r.distributed.sum(axis=2) + r.on_hand + r.in_transit + r.lost
        scale = np.maximum(np.abs(left), 1.0)
        worst = np.max(np.abs(left - right) / scale)
        if worst > 1e-6:
            i, day = np.unravel_index(np.argmax(np.abs(left - right) / scale), left.shape)
            raise MassBalanceError(
                f"mass balance broken for {self.items[i]} on day {day}: {left[i, day]:.3f} in, {right[i, day]:.3f} accounted for"
            )
        unmet = r.demand - r.distributed
        if (unmet < -1e-6 * np.maximum(r.demand, 1.0)).any():
            raise MassBalanceError("more distributed than demanded")


def simulate_plan(delta: Delta, plan: Plan, inputs: SeasonInputs) -> Records:
    """Play ``plan`` against one member's season; the mass balance is checked before returning."""
    return PlanModel(delta, plan, inputs).run()
