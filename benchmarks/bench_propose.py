"""The stock programme of issue 16 on flood-2022's own problem: its size, the time HiGHS takes,
and the time the SimPy model takes to replay the proposal on as many members.

The problem is the one ``python -m sim propose`` builds: flood-2022 at 0.05° with the baseline
plan as START (17 cercles × 8 items the season needs × 4 warehouses and the on-site supply × 24
periods of 10 days), need that waits, money by period and a reserve. At 10 members it is solved
with HiGHS's dual simplex (the product's :data:`sim.propose.highs.LP_METHOD`) and its interior
point method, and the ratio printed; at 40 members (the issue's size) with the dual simplex, beside
the SimPy replay of the proposal on 40 other members, one process.

Notes
-----
Earlier versions measured random problems with need in 80 % of the (item, period, cercle) cells;
a season's need is far sparser (a few cercles, from the flood's arrival), and the dual simplex,
slow on the random problems at 40 members, is the faster method on the real ones.
"""

from __future__ import annotations

import time
from pathlib import Path

from sim.logistics.model import simulate_plan
from sim.needs import read_rations
from sim.propose import highs
from sim.propose.inputs import build_problem
from sim.propose.lp import solve
from sim.propose.plans import with_stock, within_capacity
from sim.propose.run import training_seasons
from sim.run import rations_path, scenario_delta
from sim.scenario import load_file, parse_text

ROOT = Path(__file__).resolve().parents[1]

RESOLUTION = "0.05 degree"
"""Grid of the seasons [degree]: the programme's size does not depend on it (cercles, not cells)."""

TARGET, CONFIDENCE = 0.9, 0.8
LP_METHODS = ("highs-ds", "highs-ipm")
"""HiGHS's algorithms compared at 10 members."""


def _scenario():
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    return parse_text(text.replace("resolution: 0.01 degree", f"resolution: {RESOLUTION}"), "flood.yaml")


def _solve(problem, algorithm: str):
    highs.LP_METHOD = algorithm  # the module's choice, for this measurement only
    try:
        began = time.perf_counter()
        plan = solve(problem, TARGET, CONFIDENCE)
        return plan, time.perf_counter() - began
    finally:
        highs.LP_METHOD = LP_METHODS[0]


def main() -> None:
    scenario = _scenario()
    start = load_file(ROOT / "scenarios" / "plans" / "baseline.yaml", expect="plan")
    delta = scenario_delta(scenario, ROOT / "scenarios")
    rations = read_rations(rations_path(scenario, ROOT / "scenarios"))
    unit_cost = {r.item: r.unit_cost_usd for r in rations}
    for members, algorithms in ((10, LP_METHODS), (40, LP_METHODS[:1])):
        began = time.perf_counter()
        seasons = training_seasons(scenario, delta, rations, members, 1)
        problem = build_problem(delta, start, seasons, unit_cost)
        built = time.perf_counter() - began
        seconds = {}
        for algorithm in algorithms:
            plan, seconds[algorithm] = _solve(problem, algorithm)
            print(
                f"stock programme, flood-2022, {members} members × {len(problem.cercles)} cercles × "
                f"{len(problem.items)} items × {len(problem.warehouses)} warehouses × {problem.shape[2]} periods "
                f"({algorithm}): {plan.rows:,} rows, {plan.columns:,} columns, {plan.nonzeros:,} nonzeros; "
                f"seasons and arrays {built:.1f} s, HiGHS {plan.solve_time_s:.1f} s, total {seconds[algorithm]:.1f} s; "
                f"{plan.share_meeting_target:.0%} of the members reach {TARGET:.0%}",
                flush=True,
            )
        if len(algorithms) == 2:
            print(f"  {LP_METHODS[1]} / {LP_METHODS[0]}: {seconds[LP_METHODS[1]] / seconds[LP_METHODS[0]]:.2f}")
        items = list(problem.items)
        stock = within_capacity(start, items, plan.stock[: len(start.warehouses)])
        proposed = with_stock(start, items, stock, "p", "p", "p", plan.reserve_usd)
        others = training_seasons(scenario, delta, rations, members, 2)
        began = time.perf_counter()
        for season in others:
            simulate_plan(delta, proposed, season)
        replay = time.perf_counter() - began
        solved = seconds[LP_METHODS[0]]
        print(
            f"  SimPy replay of the proposal on {members} other members, one process: {replay:.1f} s; "
            f"programme / replay: {solved / replay:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
