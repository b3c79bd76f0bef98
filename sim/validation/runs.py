"""The model runs the checks need, through the same functions the CLI and the app call.

Kept apart from the checks so that each check stays a pure function of these results, and
so that the slow parts are run once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from hazards import flood
from hazards.season import hazard_season
from sim.core.seeds import streams
from sim.core.units import ureg
from sim.impact import people_impact
from sim.logistics.inputs import season_inputs
from sim.logistics.kpis import plan_kpis
from sim.logistics.model import PlanModel
from sim.needs import read_rations
from sim.plan import Plan
from sim.run import impact_settings, member_settings, rations_path, scenario_delta, simulate_member
from sim.scenario import Scenario


def variant_2024(flood_2022: Scenario) -> Scenario:
    """The 2024 season as a variant of the 2022 scenario: Mopti 716 cm on 8 November 2024
    (OPIDIN bulletin 19, 18 Nov 2024, https://opidin.org/en/bulletin-19-18-november-2024),
    a wet season (the heaviest rains since 1967, OCHA 25 Sep 2024,
    https://reliefweb.int/report/mali/mali-apercu-des-regions-affectees-par-les-inondations-de-2024-25-septembre-2024),
    population of 2024."""
    flood = flood_2022.flood.model_copy(update={"peak": ureg.Quantity(716.0, "cm"), "peak_date": dt.date(2024, 11, 8)})
    domain = flood_2022.domain.model_copy(update={"population_year": 2024})
    return flood_2022.model_copy(
        update={
            "name": "flood-2024",
            "title": "Crue de 2024 / The 2024 flood",
            "description": "Validation variant of flood-2022: Mopti 716 cm on 8 Nov 2024 (OPIDIN bulletin 19, 18 Nov 2024).",
            "start_date": dt.date(2024, 6, 1),
            "flood": flood,
            "domain": domain,
        }
    )


def with_changes(
    scenario: Scenario,
    *,
    season: str | None = None,
    peak_cm: float | None = None,
    displacement_damage: float | None = None,
) -> Scenario:
    """The scenario with one member input changed (for the one-at-a-time sensitivity)."""
    if season is not None:
        scenario = scenario.model_copy(
            update={"rainfall": scenario.rainfall.model_copy(update={"season": season, "return_period": None})}
        )
    if peak_cm is not None:
        scenario = scenario.model_copy(
            update={"flood": scenario.flood.model_copy(update={"peak": ureg.Quantity(peak_cm, "cm")})}
        )
    if displacement_damage is not None:
        scenario = scenario.model_copy(
            update={"impact": scenario.impact.model_copy(update={"displacement_damage": displacement_damage})}
        )
    return scenario


def with_fixed_lead_times(plan: Plan, which: str) -> Plan:
    """The plan with every source's lead time fixed at its ``min`` or ``max``."""
    sources = []
    for source in plan.procurement:
        days = getattr(source.lead_time, which)
        lead = source.lead_time.model_copy(update={"min": days, "mode": days, "max": days})
        sources.append(source.model_copy(update={"lead_time": lead}))
    return plan.model_copy(update={"procurement": sources})


def grid_flooded_area(scenario: Scenario, peak_cm: float, peak_date: dt.date) -> float:
    """Largest daily area with water on the scenario's grid for a Mopti peak [km²]."""

    delta = scenario_delta(scenario)
    dates = pd.date_range(pd.Timestamp(peak_date) - pd.Timedelta(days=60), periods=150, freq="D")
    depth = flood.fluvial_depth(delta, dates, peak_cm, peak_date).values
    area = delta.grid.cell_area_km2[None, :, None]
    return float(((depth > 0) * area).sum(axis=(1, 2)).max())


@dataclass(frozen=True)
class PlanPlay:
    """One plan played against one member: gauge stages, the plan's events and its KPIs."""

    dates: pd.DatetimeIndex
    stages: dict[str, np.ndarray]
    events: list[tuple[int, str]]
    kpis: dict[str, float]


def play_plan(scenario: Scenario, plan: Plan, seed: int = 1, member: int = 0) -> PlanPlay:
    """Hazards, impact, needs and one plan for one member, keeping the plan's event log."""

    delta = scenario_delta(scenario)
    rations = read_rations(rations_path(scenario, None))
    played = simulate_member(scenario, delta, rations, seed, member)
    inputs = season_inputs(
        delta, played.hazards, played.needs, rations, seed, member, scenario.access_closure_probability
    )
    model = PlanModel(delta, plan, inputs)
    records = model.run()
    daily = {r.item: r.quantity for r in rations if r.per == "person_day"}
    return PlanPlay(inputs.dates, inputs.stages, list(records.events), plan_kpis(records, inputs.unit_cost, daily))


def season_totals(result: xr.Dataset) -> dict[str, np.ndarray]:
    """Per member: affected at the end, peak displaced and in need, season needs by item."""
    people = result["people"]
    out = {
        "affected": people.sel(count="affected").isel(day=-1).sum("cercle").values,
        "displaced": people.sel(count="displaced").sum("cercle").max("day").values,
        "in_need": people.sel(count="in_need").sum("cercle").max("day").values,
    }
    need = result["need"].sum(["day", "cercle"])
    for item in need["item"].values:
        out[f"need:{item}"] = need.sel(item=item).values
    out["cost"] = result["cost"].sum(["item", "day", "cercle"]).values
    return out


def without_rain(scenario: Scenario, seed: int = 1, member: int = 0) -> dict[str, float]:
    """Displaced (peak) and affected (season) of one member with and without its rain [person]:
    how much of the impact comes from storms (banco collapse) rather than the river."""

    delta = scenario_delta(scenario)
    settings = impact_settings(scenario)
    hazards = hazard_season(scenario, delta, seed=seed, member=member)
    out = {}
    for label, data in (("with rain", hazards), ("river only", hazards.assign(rainfall=hazards["rainfall"] * 0.0))):
        people = people_impact(delta, data, settings)["people"]
        out[f"displaced, {label}"] = float(people.sel(count="displaced").sum("cercle").max("day"))
        out[f"affected, {label}"] = float(people.sel(count="affected").isel(day=-1).sum("cercle"))
    return out


def driver_spreads(scenario: Scenario, seed: int = 1, members: int = 20) -> dict[str, dict[str, np.ndarray]]:
    """People affected (season) and displaced (peak) when only one source of the ensemble's
    spread varies, the others held at the control member's [person].

    ``rain``: each member's rainfall draw, with the scenario's exact peak and threshold;
    ``river``: each member's Mopti peak (the scenario's peak plus its spread times the member's
    normal draw, as :func:`hazards.season.hazard_season` draws it), with member 0's rain;
    ``damage threshold``: each member's displacement threshold (:func:`sim.run.member_settings`),
    with member 0's rain and peak.
    """
    delta = scenario_delta(scenario)
    base = impact_settings(scenario)
    fixed = scenario.model_copy(
        update={"flood": scenario.flood.model_copy(update={"peak_spread": ureg.Quantity(0.0, "cm")})}
    )
    control = hazard_season(fixed, delta, seed=seed, member=0)
    spread_cm = float(scenario.flood.peak_spread.to("cm").magnitude)
    peak = float(scenario.flood.peak.to("cm").magnitude)
    out = {}

    def counts(hazards, settings):
        people = people_impact(delta, hazards, settings)["people"].sum("cercle")
        return float(people.sel(count="affected").isel(day=-1)), float(people.sel(count="displaced").max("day"))

    for driver in ("rain", "river", "damage threshold"):
        values = []
        for member in range(1, members + 1):
            if driver == "rain":
                values.append(counts(hazard_season(fixed, delta, seed=seed, member=member), base))
            elif driver == "river":
                draw = float(np.random.default_rng(streams(seed, member)["flood_peak"]).standard_normal())
                moved = with_changes(fixed, peak_cm=round(peak + spread_cm * draw, 1))
                values.append(counts(hazard_season(moved, delta, seed=seed, member=0), base))
            else:
                values.append(counts(control, member_settings(base, seed, member, members + 1)))
        array = np.array(values)
        out[driver] = {"affected": array[:, 0], "displaced": array[:, 1]}
    return out
