"""The round engine: one season for the whole workshop, each team's plan played with its decisions.

A workshop is one member of one scenario (the trainer's seed, member 0), so every team sees
the same hazards, needs and random streams. To know a team's situation at the end of round
*k*, the season is replayed from day 0 with that team's decisions applied on the first day of
the rounds they were made for, and the SimPy clock stops at the round's end. The replay is
deterministic, so a restarted server finds the same state from the stored decisions.

Notes
-----
Lead times of the teams' orders are drawn from a stream fixed by (seed, day, supplier,
item), so two teams ordering the same thing on the same day wait equally long; the plan's
own lead-time and closure streams are left as they are.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import xarray as xr

from hazards.season import hazard_season
from sim.core.units import ureg
from sim.impact import people_impact
from sim.logistics.inputs import season_inputs
from sim.logistics.kpis import COVERAGE, SPHERE_WATER_L
from sim.logistics.model import PlanModel
from sim.logistics.season_data import MassBalanceError, Records, SeasonInputs
from sim.needs import read_rations
from sim.plan import Plan
from sim.run import impact_settings, rations_path, scenario_delta, simulate_member
from sim.scenario import Scenario, at_resolution, parse_text
from sim.workshop.rules import (
    FORECAST_ERROR_CM,
    FORECAST_HORIZON_DAYS,
    Inject,
    Settings,
    lead_days,
    round_bounds,
    supply_month,
)


@dataclass
class Season:
    """What every team of a workshop plays against (computed once per workshop)."""

    scenario: Scenario
    delta: object
    hazards: xr.Dataset
    impact: xr.Dataset
    inputs: SeasonInputs
    rations: list
    household_size: float

    @property
    def days(self) -> int:
        return len(self.inputs.dates)


@functools.lru_cache(maxsize=4)
def load_season(scenario_text: str, scenario_base: str, seed: int, resolution: float) -> Season:
    """Hazards, impact and needs of member 0 of the scenario, on the workshop's grid."""

    base = Path(scenario_base)
    scenario = at_resolution(
        parse_text(scenario_text, "scenario.yaml", expect="scenario"), resolution
    )  # the workshop's coarser grid
    delta = scenario_delta(scenario, base)
    rations = read_rations(rations_path(scenario, base))
    played = simulate_member(scenario, delta, rations, seed, 0)
    inputs = season_inputs(delta, played.hazards, played.needs, rations, seed, 0, scenario.access_closure_probability)
    return Season(scenario, delta, played.hazards, played.impact, inputs, rations, played.settings.household_size)


def season_of(settings: Settings) -> Season:
    return load_season(settings.scenario_text, settings.scenario_base, settings.seed, settings.resolution)


def peak_day(season: Season) -> int:
    """The crisis's peak [day of the season]: the Mopti stage's for a flood, else the day most
    people are in need."""
    if season.scenario.hazard == "flood":
        return int(np.argmax(season.inputs.mopti_stage))
    return int(np.argmax(season.impact["people"].sel(count="in_need").sum("cercle").values))


@functools.lru_cache(maxsize=4)
def displaced_range(
    scenario_text: str, scenario_base: str, seed: int, resolution: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """People displaced each day (all cercles) if the flood peaked :data:`~sim.workshop.rules.FORECAST_ERROR_CM`
    lower and higher than in the workshop's season [person]; None when the season has no modelled flood peak."""

    season = load_season(scenario_text, scenario_base, seed, resolution)
    flood = season.scenario.flood
    if season.scenario.hazard != "flood" or flood is None or flood.layer or "mopti_peak_cm" not in season.hazards.attrs:
        return None
    peak = float(season.hazards.attrs["mopti_peak_cm"])
    out = []
    for shift in (-FORECAST_ERROR_CM, FORECAST_ERROR_CM):
        changed = flood.model_copy(update={"peak": ureg.Quantity(max(peak + shift, 1.0), "cm"), "return_period": None})
        scenario = season.scenario.model_copy(update={"flood": changed})
        hazards = hazard_season(scenario, season.delta, seed=seed, member=0)
        impact = people_impact(season.delta, hazards, impact_settings(scenario))
        out.append(impact["people"].sel(count="displaced").sum("cercle").values)
    return out[0], out[1]


def team_lead_time(seed: int, day: int, source, item: str) -> float:
    """Lead time of a team's order [day]: a triangular draw from a stream fixed by (seed, day,
    supplier, item), so two teams ordering the same thing on the same day wait equally long."""
    low, mode, high = lead_days(source)
    rng = np.random.default_rng([seed, day, zlib.crc32(source.name.encode()), zlib.crc32(item.encode())])
    return float(rng.triangular(low, mode, high)) if high > low else low


def arrival_day(settings: Settings, plan: Plan, number: int, order: dict) -> int:
    """Day a team's order of round ``number`` reaches its warehouse [day of the season]."""
    source = next(s for s in plan.procurement if s.name == order["source"])
    day = round_bounds(settings, number)[0]
    return day + int(np.ceil(team_lead_time(settings.seed, day, source, order["item"])))


def workshop_plan(plan: Plan) -> Plan:
    """The starting plan without its triggers, pledges and funds: the teams decide instead."""
    funding = plan.funding.model_copy(update={"available": ureg.Quantity(0.0, "USD"), "pledges": []})
    return plan.model_copy(update={"triggers": [], "funding": funding})


def injected_inputs(inputs: SeasonInputs, injects: tuple[Inject, ...]) -> SeasonInputs:
    """The season's inputs with the road cuts and the end of the boat season injected."""
    road_cut = {key: cut.copy() for key, cut in inputs.road_cut.items()}
    stage = inputs.mopti_stage.copy()
    for inject in injects:
        if inject.kind == "road_cut":
            a, _, b = inject.target.partition("|")
            key = (a, b) if (a, b) in road_cut else (b, a)
            if key in road_cut:
                road_cut[key][inject.day : inject.day + max(int(inject.value), 1)] = True
        elif inject.kind == "boats_stop":
            stage[inject.day :] = 0.0
    return replace(inputs, road_cut=road_cut, mopti_stage=stage)


class WorkshopModel(PlanModel):
    """A plan played by a team: its decisions and the injects at the start of their day.

    The automatic procurement controller is off (teams order themselves); everything else —
    stock, transport, dispatch by the allocation rule, distribution — is the plan model's.
    """

    def __init__(self, season: Season, plan: Plan, decisions: dict[int, dict], injects: tuple[Inject, ...], seed: int):
        super().__init__(season.delta, workshop_plan(plan), injected_inputs(season.inputs, injects))
        self.decisions = decisions
        self.injects = injects
        self.seed = seed
        self.sources = {s.name: s for s in plan.procurement}
        self.priority: list[int] = []
        self.allocation = plan.allocation
        self.by_rule = {
            rule: self.plan.model_copy(update={"allocation": rule})
            for rule in ("proportional", "worst_first", "equity_floor")
        }
        self.closed_by_inject = np.zeros((self.days, len(self.inputs.cercles)), bool)
        for inject in injects:
            if inject.kind == "access_closure" and inject.target in self.inputs.cercles:
                k = self.inputs.cercles.index(inject.target)
                self.closed_by_inject[inject.day : inject.day + max(int(inject.value), 1), k] = True
        self.log: list[tuple[int, str, dict]] = []  # (day, event key, values)
        self.until = self.days

    def run_until(self, day: int) -> Records:
        """Play days 0 … ``day`` − 1 and check the mass balance over them."""
        self.until = min(max(day, 0), self.days)
        self.env.process(self.day_loop())
        self.env.run(until=self.until)
        self.check_balance_until(self.until)
        return self.records

    def day_loop(self):
        """The plan model's day, with the team's decisions and the injects first."""
        while self.env.now < self.until:
            day = int(self.env.now)
            self.new_demand(day)
            self.apply_injects(day)
            if day in self.decisions:
                self.apply_decision(day, self.decisions[day])
            drawn = self.rng_closure.random(len(self.inputs.cercles)) < self.inputs.closure_probability
            self.closed_today = drawn | self.closed_by_inject[day]
            self.dispatch(day)
            self.distribute(day)
            self.record(day)
            yield self.env.timeout(1)

    def procure(self, day: int) -> None:
        """No automatic purchases in a workshop: the teams order."""

    def apply_injects(self, day: int) -> None:
        for inject in self.injects:
            if inject.day != day:
                continue
            self.log.append((day, f"ws_ev_inject_{inject.kind}", {"target": inject.target}))
            if inject.kind == "warehouse_flooded" and inject.target in self.hubs:
                share = min(max(inject.value, 0.0), 1.0)
                for i, item in enumerate(self.items):
                    container = self.stock[(inject.target, item)]
                    amount = container.level * share
                    if amount > 1e-9:
                        container.get(amount)
                        self.lost_total[i] += amount

    def apply_decision(self, day: int, decision: dict) -> None:
        for order in decision.get("orders", []):
            self.place_order(day, order["item"], float(order["quantity"]), self.sources[order["source"]])
        for move in decision.get("moves", []):
            self.env.process(self.move(move["item"], float(move["quantity"]), move["from_hub"], move["to_hub"]))
            self.log.append((day, "ws_ev_move", dict(move)))
        if decision.get("allocation"):
            self.allocation = decision["allocation"]
        if decision.get("priority") is not None:  # None: unchanged
            self.priority = [self.inputs.cercles.index(p) for p in decision["priority"] if p in self.inputs.cercles]
        if decision.get("mobilize"):
            self.teams_from = min(self.teams_from, day)
            self.log.append((day, "ws_ev_mobilize", {}))

    def place_order(self, day: int, item: str, quantity: float, source) -> None:
        i = self.items.index(item)
        price = quantity * self.inputs.unit_cost.get(item, 0.0) * source.price_factor
        self.records.costs["procurement"] += price
        self.records.bought[source.kind] += price
        self.on_order[i] += quantity
        key = (source.name, item, supply_month(day))
        self.bought_this_month[key] = self.bought_this_month.get(key, 0.0) + quantity
        lead = team_lead_time(self.seed, day, source, item)
        self.env.process(self.team_delivery(item, quantity, source, lead))
        self.log.append(
            (
                day,
                "ws_ev_order",
                {"item": item, "quantity": quantity, "source": source.name, "arrival": day + int(np.ceil(lead))},
            )
        )

    def team_delivery(self, item: str, quantity: float, source, lead: float):
        """The plan model's delivery, then a line in the team's log."""
        yield from self.delivery(item, quantity, source.hub, lead)
        self.log.append(
            (int(self.env.now), "ws_ev_arrived", {"item": item, "quantity": quantity, "source": source.name})
        )

    def shares(self, wanted: np.ndarray, available: float) -> np.ndarray:
        """The team's priority cercles are served first, the rest by the team's rule."""
        if wanted.sum() <= available:
            return wanted.copy()
        out = np.zeros_like(wanted)
        for k in self.priority:
            out[k] = min(wanted[k], available)
            available -= out[k]
        rest = wanted - out
        if available > 1e-12 and rest.sum() > 0:
            out += self._shared_by_rule(rest, available)
        return out

    def _shared_by_rule(self, wanted: np.ndarray, available: float) -> np.ndarray:
        original = self.plan
        self.plan = self.by_rule[self.allocation]
        try:
            return super().shares(wanted, available)
        finally:
            self.plan = original

    def check_balance_until(self, days: int) -> None:
        """initial + received = distributed + on hand + in transit + lost, on every day played."""
        r = self.records
        left = self.initial[:, None] + r.received[:, :days]
        right = r.distributed[:, :days].sum(axis=2) + r.on_hand[:, :days] + r.in_transit[:, :days] + r.lost[:, :days]
        gap = np.abs(left - right) / np.maximum(np.abs(left), 1.0)
        if gap.size and gap.max() > 1e-6:
            i, day = np.unravel_index(np.argmax(gap), gap.shape)
            raise MassBalanceError(f"mass balance broken for {self.items[i]} on day {day}")


def decisions_by_day(settings: Settings, decisions: dict[int, dict]) -> dict[int, dict]:
    """Round number → decision, as first day of the round → decision."""
    return {round_bounds(settings, number)[0]: decision for number, decision in decisions.items()}


def play(settings: Settings, plan: Plan, decisions: dict[int, dict], until: int) -> WorkshopModel:
    """A team's plan with its decisions (round → decision), played to day ``until`` (excluded)."""
    season = season_of(settings)
    model = WorkshopModel(season, plan, decisions_by_day(settings, decisions), settings.injects, settings.seed)
    model.run_until(until)
    return model


def snapshot(model: WorkshopModel, season: Season, since: int = 0) -> dict:
    """A team's situation at the end of the days played, as plain JSON-ready numbers.

    ``since`` is the first day of the window whose events and water shortfall are reported
    ("what happened last round").

    Returns
    -------
    dict with day; by-cercle lists (order of ``cercles``) of displaced and in-need people
    [person], demand and given value [USD], people without shelter [person] (shelter kits
    due and not handed out, one household of ``household_size`` per kit), people without
    Sphere water on an average day of the window [person]; whether each cercle got at least
    80 % (by value) of the needs that arose in the window (None without new needs); totals;
    stock per hub and item;
    in transit and on order per item; costs [USD]; events of the window.
    """
    day = model.until
    cercles = list(season.inputs.cercles)
    items = model.items
    price = np.array([season.inputs.unit_cost.get(item, 0.0) for item in items])
    r = model.records
    last = day - 1
    people = season.impact["people"]
    if last >= 0:
        displaced = people.sel(count="displaced").isel(day=last).values
        in_need = people.sel(count="in_need").isel(day=last).values
        demand_value = np.einsum("i,ic->c", price, r.demand[:, last, :])
        given_value = np.einsum("i,ic->c", price, r.distributed[:, last, :])
    else:
        displaced = in_need = demand_value = given_value = np.zeros(len(cercles))
    shelter = items.index("shelter_kit") if "shelter_kit" in items else None
    without_shelter = np.zeros(len(cercles))
    if shelter is not None and last >= 0:
        without_shelter = (
            np.clip(r.demand[shelter, last] - r.distributed[shelter, last], 0, None) * season.household_size
        )
        without_shelter = np.minimum(without_shelter, displaced)
    without_water = np.zeros(len(cercles))
    water_person_days = 0.0
    if "water" in items and last >= 0:
        w = items.index("water")
        backlog = r.demand[w, :day] - r.distributed[w, :day]  # (day, cercle) unmet to date
        added = np.clip(np.diff(backlog, axis=0, prepend=0.0), 0, None) / SPHERE_WATER_L  # person-days short each day
        water_person_days = float(added.sum())
        window = added[max(since, 0) :]
        if len(window):
            without_water = window.sum(axis=0) / len(window)
    fill = [float(g / d) if d > 0 else None for g, d in zip(given_value, demand_value)]
    before = since - 1
    if before >= 0 and last >= 0:
        window_demand = demand_value - np.einsum("i,ic->c", price, r.demand[:, before, :])
        window_given = given_value - np.einsum("i,ic->c", price, r.distributed[:, before, :])
    else:
        window_demand, window_given = demand_value, given_value
    covered = [None if d <= 1e-9 else bool(g >= COVERAGE * d) for g, d in zip(window_given, window_demand)]
    stock = {hub: {item: float(model.stock[(hub, item)].level) for item in items} for hub in model.hubs}
    costs = dict(r.costs)
    return {
        "day": day,
        "cercles": cercles,
        "displaced": [float(x) for x in displaced],
        "in_need": [float(x) for x in in_need],
        "demand_value": [float(x) for x in demand_value],
        "given_value": [float(x) for x in given_value],
        "fill": fill,
        "without_shelter": [float(x) for x in without_shelter],
        "without_water": [float(x) for x in without_water],
        "water_person_days": water_person_days,
        "fill_rate": float(given_value.sum() / demand_value.sum()) if demand_value.sum() > 0 else None,
        "covered": covered,
        "stock": stock,
        "depot": {item: float(model.depot[i].sum()) for i, item in enumerate(items)},
        "in_transit": {item: float(model.in_transit[i]) for i, item in enumerate(items)},
        "on_order": {item: float(model.on_order[i]) for i, item in enumerate(items)},
        "distributed": {
            item: float(r.distributed[i, last].sum()) if last >= 0 else 0.0 for i, item in enumerate(items)
        },
        "costs": {k: float(v) for k, v in costs.items()},
        "events": [(d, key, values) for d, key, values in model.log if since <= d < day],
        "teams_in_field": bool(np.isfinite(model.teams_from) and model.teams_from < day),
    }


def forecast(season: Season, day: int, displaced: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """What the bought forecast tells on ``day``: the coming month's Mopti stage and displacement.

    Parameters
    ----------
    displaced : tuple of np.ndarray, optional
        People displaced each day with the flood peak lower and higher by the forecast's error
        (:func:`displaced_range`); without it the range is the season's own figure.

    Returns
    -------
    dict with the window (``from``, ``to``: day after its last) [day]; the highest stage in it
    ± :data:`~sim.workshop.rules.FORECAST_ERROR_CM` [cm]; ``stage_peak_day``, the day it
    culminates, or None when the river is still rising at the window's end (the peak is
    later); the most people displaced in the window, low and high [person].

    Notes
    -----
    The stage is the simulated one with OPIDIN's published September error (25 cm,
    :data:`hazards.settings.PEAK_SPREAD_CM`); the displaced people are the model's for a peak
    that much lower and higher.
    """
    end = min(day + FORECAST_HORIZON_DAYS, season.days)
    stage = season.inputs.mopti_stage[day:end]
    own = season.impact["people"].sel(count="displaced").sum("cercle").values
    if not len(stage):
        return {
            "from": day,
            "to": end,
            "stage_peak_cm": (float("nan"), float("nan")),
            "stage_peak_day": None,
            "displaced_peak": (0.0, 0.0),
            "error_cm": FORECAST_ERROR_CM,
        }
    top = int(np.argmax(stage))
    rising = top == len(stage) - 1 and end < season.days and season.inputs.mopti_stage[end] > stage[-1]
    peak = float(stage[top])
    low, high = displaced if displaced is not None else (own, own)
    return {
        "from": day,
        "to": end,
        "stage_peak_cm": (peak - FORECAST_ERROR_CM, peak + FORECAST_ERROR_CM),
        "stage_peak_day": None if rising else day + top,
        "displaced_peak": (float(np.max(low[day:end])), float(np.max(high[day:end]))),
        "error_cm": FORECAST_ERROR_CM,
    }
