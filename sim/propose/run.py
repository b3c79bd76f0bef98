"""Propose a plan: fit the stock on training members, replay it in SimPy on others.

:func:`propose` plays the training members (seed ``seed``) to get their season inputs, builds
the stock problem (:func:`sim.propose.inputs.build_problem`), solves it
(:func:`sim.propose.lp.solve`), writes the answer into the START plan
(:func:`sim.propose.plans.with_stock`), and replays START, the proposal and START scaled to the
proposal's stock value on **other** members (seed ``seed + 1``) in the SimPy model, on local
processes or a Dask cluster like any ensemble. What the linear programme promised and what
SimPy delivered are both reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.ensemble import run_ensemble
from sim.logistics.inputs import season_inputs
from sim.needs import read_rations
from sim.plan import Plan
from sim.propose import analysis, lp
from sim.propose.inputs import PERIOD_DAYS, build_problem
from sim.propose.plans import UNITS, scaled_stock, stock_cost, stock_of, with_stock, within_capacity
from sim.run import combine_members, rations_path, scenario_delta, simulate_member
from sim.scenario import Scenario, dump_text

FRONTIER_POINTS = 6
"""Budgets the frontier is swept at, from nothing to twice the proposal's spend [-]."""


@dataclass
class Outcome:
    """A proposal: the plan and its ``proposal.json`` data (what the report and the panel draw)."""

    plan: Plan
    data: dict


def _spread(values: np.ndarray, target: float) -> dict:
    values = np.asarray(values, float)
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return {
        "fill_rate": {"median": round(float(p50), 4), "p10": round(float(p10), 4), "p90": round(float(p90), 4)},
        "share_meeting_target": round(float(np.mean(values >= target - 1e-6)), 4),
    }


def training_seasons(scenario: Scenario, delta, rations, members: int, seed: int) -> list:
    """The season inputs of the training members (hazards, impact and needs of each, then dropped)."""
    out = []
    for member in range(members):
        played = simulate_member(scenario, delta, rations, seed, member, members)
        out.append(
            season_inputs(
                delta, played.hazards, played.needs, rations, seed, member, scenario.access_closure_probability
            )
        )
    return out


def propose(
    scenario: Scenario,
    start: Plan,
    target: float,
    confidence: float,
    members: int,
    seed: int,
    budget_usd: float | None = None,
    base: Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    log=lambda text: None,
    pool=None,
) -> Outcome:
    """The least-cost stock on ``start`` meeting ``target`` in a ``confidence`` share of members.

    ``log`` is called with a line at each of the five steps (training, the programme, the
    replay, the frontier and bounds); ``pool`` replays on warm worker processes
    (:func:`sim.ensemble.shared_pool`) instead of processes started for the run.
    """
    delta = scenario_delta(scenario, base)
    rations = read_rations(rations_path(scenario, base))
    unit_cost = {r.item: r.unit_cost_usd for r in rations}
    log(f"training: {members} members (seed {seed})")
    seasons = training_seasons(scenario, delta, rations, members, seed)
    problem = build_problem(delta, start, seasons, unit_cost, budget_usd)
    items = list(problem.items)
    log(f"linear programme: {problem.shape[0]} members × {len(items)} items × {problem.shape[2]} periods")
    answer = lp.solve(problem, target, confidence)
    held = len(start.warehouses)  # the problem's last warehouse is the on-site supply, not the plan's
    stock = within_capacity(start, items, answer.stock[:held])
    plan = with_stock(
        start,
        items,
        stock,
        f"{start.name}-proposed",
        f"{start.title} — proposed stock",
        f"Stock proposed by python -m sim propose (target {target:g}, confidence {confidence:g}, "
        f"{members} members, seed {seed}) on {start.name}.",
        reserve_usd=answer.reserve_usd,
    )
    start_stock = stock_of(start, items)
    start_value, proposed_value = stock_cost(items, start_stock, unit_cost), stock_cost(items, stock, unit_cost)
    # the same money before the season: the proposal's stock and its reserve, all in START's stock
    factor = (proposed_value + answer.reserve_usd) / start_value if start_value > 0 else 1.0
    scaled = with_stock(
        start,
        items,
        scaled_stock(start, items, factor),
        f"{start.name}-scaled",
        f"{start.title} — scaled ×{factor:.2f}",
        f"{start.name}'s stock scaled uniformly to the value of the proposal's stock and reserve.",
    )
    log(f"replay in SimPy: {members} other members (seed {seed + 1})")
    parts = run_ensemble(
        dump_text(scenario),
        None if base is None else str(base),
        members,
        seed + 1,
        [dump_text(p) for p in (start, plan, scaled)],
        scheduler=scheduler,
        workers=workers,
        pool=pool,
    )
    fill = combine_members(parts)["kpis"].sel(kpi="fill_rate")
    names = [str(p) for p in fill["plan"].values]
    replayed = {name: _spread(fill.sel(plan=name).values, target) for name in names}
    log("frontier, perfect information, value of the stochastic solution")
    top = max(2.0 * answer.spend_usd, 1.0)
    budgets = np.linspace(0.0, top, FRONTIER_POINTS)
    points = analysis.frontier(problem, budgets, target)
    perfect = analysis.perfect_information(problem, target, confidence)
    vss = analysis.value_of_stochastic_solution(problem, target, confidence)
    out_of_sample = replayed[plan.name]
    data = {
        "scenario": scenario.name,
        "start_plan": start.name,
        "target": target,
        "confidence": confidence,
        "members": members,
        "seed_training": seed,
        "seed_replay": seed + 1,
        "budget_usd": budget_usd,
        "reachable": bool(answer.reachable),
        "message": answer.message,
        "stock": {
            hub: {
                item: {"quantity": float(stock[w, i]), "unit": UNITS[item]}
                for i, item in enumerate(items)
                if stock[w, i] >= 1.0
            }
            for w, hub in enumerate(problem.warehouses[:held])
        },
        "stock_start": {
            hub: {
                item: {"quantity": float(start_stock[w, i]), "unit": UNITS[item]}
                for i, item in enumerate(items)
                if start_stock[w, i] > 0
            }
            for w, hub in enumerate(problem.warehouses[:held])
        },
        "reserve_usd": float(np.ceil(answer.reserve_usd - 1e-6)),
        "first_stage_usd": round(float(answer.spend_usd), 0),
        "objective_usd": round(float(answer.objective), 0),  # with the penalties: what the bounds compare with
        "cost_usd": {k: round(float(v), 0) for k, v in answer.cost_usd.items()},
        "in_sample": _spread(answer.member_fill, target),
        "out_of_sample": out_of_sample,
        "out_of_sample_start": replayed[start.name],
        "out_of_sample_scaled_start": replayed[scaled.name] | {"factor": round(factor, 4)},
        "lp_minus_simpy_fill_median": round(
            float(np.median(answer.member_fill)) - out_of_sample["fill_rate"]["median"], 4
        ),
        "frontier": [
            {
                "budget_usd": round(p["budget_usd"], 0),
                "fill_rate": round(p["fill_rate"], 4),
                "share_meeting_target": round(p["share_meeting_target"], 4),
            }
            for p in points
        ],
        "perfect_information": {
            "expected_cost_usd": _usd_or_none(perfect["expected_cost_usd"]),
            "share_meeting_target": round(float(perfect["share_meeting_target"]), 4),
            "fill_rate_median": round(float(np.median(perfect["member_fill"])), 4),
        },
        "value_of_stochastic_solution_usd": _usd_or_none(vss["vss_usd"]),
        "mean_value_plan": {  # the plan sized on the average season, played on the training members
            "expected_cost_usd": _usd_or_none(vss["mean_value"].objective),
            "share_meeting_target": round(float(vss["mean_value"].share_meeting_target), 4),
            "fill_rate_median": round(vss["mean_value"].fill_median, 4),
            "reaches_target": bool(vss["mean_value"].reachable),
        },
        "lp": {
            "method": answer.method,
            "rows": answer.rows,
            "columns": answer.columns,
            "nonzeros": answer.nonzeros,
            "period_days": PERIOD_DAYS,
            "gap": round(float(answer.gap), 6),
        },
    }
    data["verdict"] = verdict(data)
    return Outcome(plan, data)


def _usd_or_none(value: float) -> float | None:
    """A cost rounded to the dollar, None where it is infinite (no plan of that kind reaches the
    target share: JSON has no infinity) [USD]."""
    return round(float(value), 0) if np.isfinite(value) else None


def verdict(data: dict) -> str:
    """The proposal in one sentence (English; the app writes its own in the reader's language)."""
    out = data["out_of_sample"]
    start = data["out_of_sample_start"]
    share = out["share_meeting_target"]
    wanted = data["confidence"]
    met = "meets" if share >= wanted - 1e-9 else "misses"
    return (
        f"On {data['members']} members it was not fitted on, the proposal {met} the target: "
        f"{share:.0%} of them reach {data['target']:.0%} coverage (wanted {wanted:.0%}); median coverage "
        f"{out['fill_rate']['median']:.0%} against {start['fill_rate']['median']:.0%} for {data['start_plan']}, "
        f"for US${data['cost_usd'].get('total', 0):,.0f} expected."
    )
