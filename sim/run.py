"""Run a scenario: hazards → impact → needs for each member of an ensemble.

The CLI, the app and (later) the ensemble runner all call :func:`run_scenario`; nothing is
computed twice in different ways.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import xarray as xr

from hazards.catalog import layer_kinds
from hazards.season import hazard_season
from sim.core import facts
from sim.core.loader import InputError, Problem
from sim.core.seeds import streams
from sim.core.units import ureg
from sim.delta.boundaries import check_boundaries
from sim.delta.domain import Delta, load_delta
from sim.exposure_layers import exposure_delta
from sim.impact import (
    DISPLACEMENT_DAMAGE_RANGE,
    STANDARD_RETURN_PERIODS,
    ImpactSettings,
    expected_annual,
    people_impact,
)
from sim.logistics.inputs import season_inputs
from sim.logistics.kpis import plan_kpis
from sim.logistics.model import PlanModel
from sim.needs import DEFAULT_RATIONS, active_rations, check_rations, needs, read_rations
from sim.scenario import Scenario, load_file, validation_context


def boundaries_path(scenario: Scenario, base: Path | None = None) -> Path | None:
    """The cercle boundaries the scenario names, relative to its folder ``base``; None for the
    built-in ones (:data:`sim.delta.domain.OFFICIAL_CERCLES`)."""
    boundaries = scenario.domain.boundaries
    if not boundaries:
        return None
    return Path(boundaries) if base is None or Path(boundaries).is_absolute() else base / boundaries


def rations_path(scenario: Scenario, base: Path | None = None) -> Path:
    """The ration profile the scenario names, relative to its folder ``base``; the Sphere-based default when none."""
    if not scenario.rations:
        return DEFAULT_RATIONS
    return Path(scenario.rations) if base is None or Path(scenario.rations).is_absolute() else base / scenario.rations


def named_file_problems(scenario: Scenario, base: Path | None = None, file: str | None = None) -> list[Problem]:
    """Every problem of the files a scenario names (its ration profile, its boundaries), as
    :func:`run_members` would meet them; empty when both can be used. ``file`` is the
    scenario's own file, named before a boundaries problem. ``python -m sim validate`` and
    ``run`` call it before any member."""
    problems = check_rations(rations_path(scenario, base))
    boundaries = boundaries_path(scenario, base)
    if boundaries is not None:
        problems += check_boundaries(boundaries, [row["pcode"] for row in facts.read_table("cercles")], named_in=file)
    return problems


def load_scenario(path: Path) -> tuple[Scenario, Path]:
    """A scenario file as the command line reads it: checked against the layer catalog, and the
    files it names checked too (one :class:`~sim.core.loader.InputError` for all their problems);
    with the folder its relative names are read from."""
    scenario = load_file(path, expect="scenario", context=validation_context(layers=layer_kinds()))
    base = Path(path).resolve().parent
    problems = named_file_problems(scenario, base, str(path))
    if problems:
        raise InputError(problems)
    return scenario, base


def scenario_delta(scenario: Scenario, base: Path | None = None, layers=None) -> Delta:
    """The built-in delta at the scenario's resolution, population year and boundaries, with the
    population and terrain of the catalog layers the scenario names in ``domain``
    (:func:`sim.exposure_layers.exposure_delta`; ``layers`` opens them, the catalog by default)."""
    boundaries = boundaries_path(scenario, base)
    delta = load_delta(
        float(scenario.domain.resolution.to("degree").magnitude),
        scenario.domain.population_year,
        None if boundaries is None else str(boundaries),
    )
    return exposure_delta(delta, scenario.domain, layers)


def impact_settings(scenario: Scenario) -> ImpactSettings:
    """Impact parameters of a scenario."""
    p = scenario.impact
    return ImpactSettings(
        household_size=float(scenario.household_size.to("person/household").magnitude),
        displacement_damage=p.displacement_damage,
        rebuild_days=int(round(float(p.rebuild_time.to("day").magnitude))),
        hosted_share=p.hosted_share,
        banco_share=p.banco_share,
    )


def member_settings(settings: ImpactSettings, seed: int, member: int, members: int) -> ImpactSettings:
    """A member's impact parameters: in an ensemble the displacement threshold is drawn from a
    triangular law over its uncertainty range (mode: the scenario's value)."""
    if members <= 1:
        return settings
    low, high = DISPLACEMENT_DAMAGE_RANGE
    mode = min(max(settings.displacement_damage, low), high)
    rng = np.random.default_rng(streams(seed, member)["damage_threshold"])
    return replace(settings, displacement_damage=float(rng.triangular(low, mode, high)))


def run_scenario(
    scenario: Scenario,
    members: int = 1,
    seed: int = 0,
    base: Path | None = None,
    layers=None,
    progress: Callable[[int, int], None] | None = None,
    plans: list | None = None,
) -> xr.Dataset:
    """Hazards, impact and needs of every member, one after the other in this process
    (:mod:`sim.ensemble` spreads members over processes or a Dask cluster).

    Parameters
    ----------
    base : Path, optional
        Folder of the scenario file, for its relative paths (boundaries, rations).
    progress : callable, optional
        Called with (members done, members) after each member.
    plans : list of Plan, optional
        Contingency plans played against every member's needs with the same random streams
        (common random numbers), so that their differences are paired.

    Returns
    -------
    xr.Dataset
        ``people`` (member, count, day, cercle) [person]; ``destroyed_houses``,
        ``displaced_households`` (member, day, cercle) [household]; ``need`` and ``cost``
        (member, item, day, cercle); ``unit`` and ``once`` per item; ``displacement_damage`` and ``mopti_peak_cm``
        per member.
    """
    if members < 1:
        raise ValueError(f"members must be at least 1, got {members}")
    parts = []
    for member in range(members):
        parts.append(run_members(scenario, [member], members, seed, base, layers=layers, plans=plans))
        if progress:
            progress(member + 1, members)
    return combine_members(parts)


@dataclass(frozen=True)
class MemberSeason:
    """One member's season: its hazards, its impact parameters, the people it affects and their needs."""

    hazards: xr.Dataset
    settings: ImpactSettings
    impact: xr.Dataset
    needs: xr.Dataset


def simulate_member(
    scenario: Scenario,
    delta: Delta,
    rations: list,
    seed: int,
    member: int,
    members: int = 1,
    layers=None,
) -> MemberSeason:
    """Hazards, impact and needs of one member of an ensemble of ``members``: the one way a
    member is played, by the CLI and the app (:func:`run_members`), the workshop and the
    validation report.

    Parameters
    ----------
    rations : list of Ration
        The scenario's ration profile (:func:`sim.needs.read_rations` of :func:`rations_path`);
        its items marked ``included: no`` count only when the scenario's ``include_items`` names them.
    layers : callable, optional
        Opens a hazard-catalog layer by name (the catalog's own by default).
    """
    settings = member_settings(impact_settings(scenario), seed, member, members)
    hazards = hazard_season(scenario, delta, seed=seed, member=member, layers=layers)
    impact = people_impact(delta, hazards, settings)
    counted = active_rations(rations, scenario.include_items)
    return MemberSeason(hazards, settings, impact, needs(impact, counted, settings.household_size))


def run_members(
    scenario: Scenario,
    member_ids: list[int],
    members: int,
    seed: int,
    base: Path | None = None,
    layers=None,
    plans: list | None = None,
) -> xr.Dataset:
    """Hazards, impact, needs (and plans) of the given members of an ensemble of ``members``."""

    delta = scenario_delta(scenario, base)
    profile = rations_path(scenario, base)
    rations = read_rations(profile)
    settings = impact_settings(scenario)
    outputs = []
    for member in member_ids:
        played = simulate_member(scenario, delta, rations, seed, member, members, layers=layers)
        hazards, own, impact, required = played.hazards, played.settings, played.impact, played.needs
        merged = xr.merge([impact, required.drop_vars(["unit", "once"])])
        merged["displacement_damage"] = own.displacement_damage
        merged["mopti_peak_cm"] = xr.DataArray(
            hazards.attrs["mopti_peak_cm"], attrs={"units": "cm", "long_name": "the member's flood peak at Mopti"}
        )
        if plans:
            merged = xr.merge(
                [
                    merged,
                    play_plans(
                        delta, plans, hazards, required, rations, seed, member, scenario.access_closure_probability
                    ),
                ]
            )
        outputs.append(merged.expand_dims(member=[member]))
    result = xr.concat(outputs, dim="member", coords="minimal", compat="override")
    result["unit"] = required["unit"]
    result["once"] = required["once"]
    result.attrs = {
        "scenario": scenario.name,
        "seed": seed,
        "members": members,
        "household_size": settings.household_size,
        "rations": profile.name,
    }
    return result


def combine_members(parts: list[xr.Dataset]) -> xr.Dataset:
    """One dataset from per-member results, in member order."""
    attrs = dict(parts[0].attrs)
    unit, once = parts[0]["unit"], parts[0]["once"]
    result = xr.concat(
        [p.drop_vars(["unit", "once"]) for p in parts], dim="member", coords="minimal", compat="override"
    )
    result = result.sortby("member")
    result["unit"] = unit
    result["once"] = once
    if "initial_stock" in result and "member" in result["initial_stock"].dims:
        result["initial_stock"] = result["initial_stock"].isel(member=0, drop=True)
    result.attrs = attrs
    return result


def expected_annual_impacts(
    scenario: Scenario, members: int = 1, seed: int = 0, base: Path | None = None, layers=None
) -> dict:
    """Expected annual affected and displaced people of a scenario given by a flood return period.

    The scenario is run at each of :data:`sim.impact.STANDARD_RETURN_PERIODS` (and its own
    return period); the medians over members are integrated over exceedance probability with
    :func:`sim.impact.expected_annual`, whose tail assumptions are stated there and repeated
    in the result.
    """

    own = float(scenario.flood.return_period.to("year").magnitude)
    periods = sorted(set(STANDARD_RETURN_PERIODS) | {own})
    by_period = {}
    for period in periods:
        flood = scenario.flood.model_copy(update={"return_period": ureg.Quantity(period, "year")})
        result = run_scenario(
            scenario.model_copy(update={"flood": flood}), members=members, seed=seed, base=base, layers=layers
        )
        people = result["people"]
        by_period[period] = {
            "affected_persons": float(people.sel(count="affected").isel(day=-1).sum("cercle").median("member")),
            "displaced_persons": float(people.sel(count="displaced").max("day").sum("cercle").median("member")),
        }
    return {
        "affected_persons": round(expected_annual({t: v["affected_persons"] for t, v in by_period.items()})),
        "displaced_persons": round(expected_annual({t: v["displaced_persons"] for t, v in by_period.items()})),
        "return_periods": {f"{t:g}": {k: round(v) for k, v in values.items()} for t, values in by_period.items()},
        "method": "integral over annual exceedance probability p = 1/T (trapezoid rule)",
        "tail": "rarer than the rarest period: impact held at its value (a lower bound); more frequent than the most frequent: linear to zero at p = 1",
    }


def play_plans(
    delta,
    plans: list,
    hazards: xr.Dataset,
    required: xr.Dataset,
    rations,
    seed: int,
    member: int,
    closure_probability: float = 0.0,
) -> xr.Dataset:
    """Every plan against one member: the logistics records and KPIs over a ``plan`` dimension."""

    daily = {r.item: r.quantity for r in rations if r.per == "person_day"}
    frames = []
    for plan in plans:
        inputs = season_inputs(delta, hazards, required, rations, seed, member, closure_probability)
        model = PlanModel(delta, plan, inputs)
        records = model.run()
        kpis = plan_kpis(records, inputs.unit_cost, daily)
        dims3 = ("item", "day", "cercle")
        frames.append(
            xr.Dataset(
                {
                    "demand": (dims3, records.demand),
                    "distributed": (dims3, records.distributed),
                    "unmet": (dims3, records.demand - records.distributed),
                    "received": (("item", "day"), records.received),
                    "lost": (("item", "day"), records.lost),
                    "on_hand": (("item", "day"), records.on_hand),
                    "in_transit": (("item", "day"), records.in_transit),
                    "initial_stock": (("item",), model.initial),
                    "kpis": (("kpi",), np.array(list(kpis.values()), float)),
                },
                coords={
                    "item": inputs.items,
                    "day": required["day"].values,
                    "cercle": inputs.cercles,
                    "kpi": list(kpis),
                },
            ).rename({"item": "stock_item"})
        )
    out = xr.concat(frames, dim="plan", join="outer").assign_coords(plan=[p.name for p in plans])
    return out
