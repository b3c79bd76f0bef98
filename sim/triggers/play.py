"""Play a plan's triggers on the seasons of a synthetic record: one season at a time, each season
in a worker (local processes or a Dask cluster), the same numbers whatever runs it.

A season (:func:`play_season`) is one scenario of :func:`sim.triggers.record.season_scenario`:
its hazards, impact and needs as any member's (:func:`sim.run.simulate_member`, the control
member: the drawn peak is the season's, no forecast spread on it), then the plan played in the
SimPy model, and again without each trigger, and with each trigger at a few other thresholds.
It returns plain numbers: the displaced peak, the first day of need, each trigger's most extreme
indicator value and firing day, and the KPIs of every variant.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from sim.core.limits import MAX_SEED
from sim.ensemble import LocalPool, map_tasks
from sim.logistics.inputs import season_inputs
from sim.logistics.kpis import plan_kpis
from sim.logistics.model import simulate_plan
from sim.logistics.schedule import firing_days, indicator_series
from sim.needs import read_rations
from sim.plan import Plan
from sim.run import rations_path, scenario_delta, simulate_member
from sim.scenario import dump_text, parse_text

TRIGGER_CAUSE = {"stage": "flood", "rainfall": "storm", "spi": "drought"}
"""The cause of the need a trigger of each indicator is meant for: its lead time runs from firing
to the first day that cause affects anyone (``people_by_cause`` of :mod:`sim.impact`)."""

KPIS = ("fill_rate", "cost_total_usd", "unmet_person_days")
"""What each variant of the plan reports per season: fill rate by value [-], total cost [USD],
person-days of consumable need left unmet (all items) [person-day]."""


def season_seed(seed: int, index: int) -> int:
    """The seed of season ``index`` of a record drawn with ``seed`` [-]."""
    return int(np.random.SeedSequence([seed, index, 1717]).generate_state(1, np.uint64)[0]) % MAX_SEED


def without_trigger(plan: Plan, k: int) -> Plan:
    """``plan`` without its trigger ``k``."""
    return plan.model_copy(update={"triggers": [t for j, t in enumerate(plan.triggers) if j != k]})


def with_threshold(plan: Plan, k: int, threshold: float) -> Plan:
    """``plan`` with its trigger ``k`` at another ``threshold`` [the indicator's unit]."""
    triggers = list(plan.triggers)
    triggers[k] = triggers[k].model_copy(update={"threshold": float(threshold)})
    return plan.model_copy(update={"triggers": triggers})


def protocols(plan: Plan) -> list[list[int]]:
    """Groups of the plan's triggers that watch the same indicator at the same place and
    threshold (e.g. the four actions of the Sofara 633 cm protocol): they fire together, and a
    donor asks what they buy together. Only groups of two or more."""
    groups: dict[tuple, list[int]] = {}
    for k, trigger in enumerate(plan.triggers):
        groups.setdefault((trigger.indicator, trigger.gauge, trigger.place, trigger.threshold), []).append(k)
    return [members for members in groups.values() if len(members) > 1]


def variants(
    plan: Plan, gain_thresholds: list[list[float]], groups: list[list[int]] = ()
) -> list[tuple[Plan, list[int]]]:
    """The plan, then without each trigger, then each trigger at each of its ``gain_thresholds``,
    then for each group of :func:`protocols`: without the whole group, and the group at each of
    its first trigger's ``gain_thresholds``; each with the plan's index of every trigger it keeps."""
    every = list(range(len(plan.triggers)))
    out = [(plan, every)]
    out += [(without_trigger(plan, k), [j for j in every if j != k]) for k in every]
    for k, thresholds in enumerate(gain_thresholds):
        out += [(with_threshold(plan, k, value), every) for value in thresholds]
    for members in groups:
        kept = [j for j in every if j not in members]
        out.append((plan.model_copy(update={"triggers": [plan.triggers[j] for j in kept]}), kept))
        for value in gain_thresholds[members[0]]:
            moved = plan
            for k in members:
                moved = with_threshold(moved, k, value)
            out.append((moved, every))
    return out


def fired_key(variant: Plan, indices: list[int], inputs) -> frozenset:
    """Which of the plan's triggers fire on which day in this variant. Two variants with the same
    key play the same season (a trigger that does not fire draws nothing and does nothing), so
    each key is simulated once."""
    return frozenset((indices[j], day) for j, day in enumerate(firing_days(variant, inputs)) if day is not None)


def _extreme(trigger, inputs) -> float:
    values = indicator_series(trigger, inputs)
    if np.isnan(values).all():
        return float("nan")
    return float(np.nanmin(values)) if trigger.indicator == "spi" else float(np.nanmax(values))


def play_season(
    scenario_text: str,
    base: str | None,
    plan_text: str,
    gain_thresholds: list[list[float]],
    seed: int,
    groups: list[list[int]] = (),
) -> dict:
    """One season of the record (see the module); ``seed`` is :func:`season_seed`'s."""
    folder = None if base is None else Path(base)
    scenario = parse_text(scenario_text, "season.yaml", expect="scenario")
    plan = parse_text(plan_text, "plan.yaml", expect="plan")
    delta = scenario_delta(scenario, folder)
    rations = read_rations(rations_path(scenario, folder))
    played = simulate_member(scenario, delta, rations, seed, 0, 1)
    inputs = season_inputs(delta, played.hazards, played.needs, rations, seed, 0, scenario.access_closure_probability)
    affected = played.impact["people_by_cause"].sel(count="affected").sum("cercle")  # (cause, day)
    first_need = {
        str(cause): float(days[0])
        if (days := np.flatnonzero(affected.sel(cause=cause).values > 0)).size
        else float("nan")
        for cause in affected["cause"].values
    }
    daily = {r.item: r.quantity for r in rations if r.per == "person_day"}
    kpis, played_keys = [], {}
    for variant, indices in variants(plan, gain_thresholds, groups):
        key = fired_key(variant, indices, inputs)
        if key not in played_keys:
            values = plan_kpis(simulate_plan(delta, variant, inputs), inputs.unit_cost, daily)
            unmet = sum(v for k, v in values.items() if k.startswith("unmet_person_days_"))
            played_keys[key] = [values["fill_rate"], values["cost_total_usd"], unmet]
        kpis.append(played_keys[key])
    displaced = played.impact["people"].sel(count="displaced").sum("cercle").max("day")
    return {
        "peak_cm": float(played.hazards.attrs["mopti_peak_cm"]),
        "displaced_peak": float(displaced),
        "need_day": [first_need[TRIGGER_CAUSE[t.indicator]] for t in plan.triggers],
        "extreme": [_extreme(t, inputs) for t in plan.triggers],
        "fire_day": [float("nan") if d is None else float(d) for d in firing_days(plan, inputs)],
        "kpis": kpis,
    }


def play_record(
    scenarios: list[str],
    base: str | None,
    plan: Plan,
    gain_thresholds: list[list[float]],
    seed: int,
    workers: int | None = None,
    scheduler: str | None = None,
    progress=None,
    pool: LocalPool | None = None,
) -> list[dict]:
    """Every season of the record (scenario texts), in order, on this process, local processes,
    a warm ``pool`` or a Dask cluster (``scheduler``), by :func:`sim.ensemble.map_tasks`: the
    same numbers whatever runs them."""
    text = dump_text(plan)
    groups = protocols(plan)
    arguments = [(s, base, text, gain_thresholds, season_seed(seed, k), groups) for k, s in enumerate(scenarios)]
    digest = hashlib.sha256(repr((text, gain_thresholds, scenarios)).encode()).hexdigest()[:12]
    return map_tasks(play_season, arguments, f"season-{seed}-{digest}", scheduler, workers, progress, pool)
