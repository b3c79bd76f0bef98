"""The stock programme of issue 16 on random problems up to the issue's size: build and solve
time and the size of the programme, one line per size and method.

The issue's size is 40 members × 17 cercles × 10 items × 5 warehouses × 24 periods (10-day
periods of a 240-day season). The problems are random but shaped like a season: each member's
need starts in a random period (the flood's arrival) and is then present in most
(item, period, cercle) cells; a route is cut in a fifth of the periods; three sources (local,
regional, international) with leads of 1, 3 and 6 periods. The chance form is a MILP with one
binary per member; the penalty form a linear programme. HiGHS runs single-threaded here (as in
SciPy's build), so a second core does not help one solve.
"""

from __future__ import annotations

import time

import numpy as np

from sim.propose.lp import Source, StockProblem, solve
from sim.propose.problem import coarsen_periods

SIZES = [(10, 17, 10, 5, 24, 1), (40, 17, 10, 5, 24, 2), (40, 17, 10, 5, 24, 1)]
"""(members, cercles, items, warehouses, periods, periods merged) measured: the issue's size
last, and before it the same problem in 12 periods of 20 days (:func:`coarsen_periods`)."""

TARGET, CONFIDENCE = 0.9, 0.8


def random_problem(members: int, cercles: int, items: int, warehouses: int, periods: int, seed: int = 0):
    """A random stock problem shaped like a flood season (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    onset = rng.integers(0, periods // 2, members)
    active = np.arange(periods)[None, :] >= onset[:, None]  # (member, period)
    scale = rng.lognormal(0.0, 0.6, members)[:, None, None, None]  # some seasons are worse
    demand = rng.gamma(2.0, 50.0, (members, items, periods, cercles)) * scale
    demand *= active[:, None, :, None] & (rng.random((members, items, periods, cercles)) < 0.8)
    cut = rng.random((members, periods, warehouses, cercles)) < 0.2
    delivery = np.where(cut, 0.0, rng.uniform(20.0, 200.0, (members, periods, warehouses, cercles)))
    volume = rng.uniform(0.001, 0.2, items)
    price = rng.uniform(0.5, 30.0, items)
    names = tuple(f"w{w}" for w in range(warehouses))
    sources = tuple(
        Source(names[k % warehouses], lead, price * factor, name=kind)
        for k, (kind, lead, factor) in enumerate([("local", 1, 1.3), ("regional", 3, 1.1), ("international", 6, 1.0)])
    )
    need_m3 = float(np.mean(demand.sum(axis=(2, 3)) @ volume))
    return StockProblem(
        items=tuple(f"i{i}" for i in range(items)),
        warehouses=names,
        cercles=tuple(f"c{c}" for c in range(cercles)),
        demand=demand,
        delivery_capacity=delivery,
        volume_m3=volume,
        unit_cost_usd=price,
        unmet_penalty_usd=1.2 * price,
        storage_usd_per_m3=np.full(warehouses, 18.0),
        transport_usd_per_m3=rng.uniform(5.0, 60.0, (warehouses, cercles)),
        capacity_m3=np.full(warehouses, need_m3 / warehouses),
        initial_stock=np.zeros((warehouses, items)),
        sources=sources,
    )


def main(methods=("chance",)) -> None:
    for *size, merged in SIZES:
        problem = coarsen_periods(random_problem(*size), merged)
        for method in methods:
            began = time.perf_counter()
            plan = solve(problem, TARGET, CONFIDENCE, method)
            total = time.perf_counter() - began
            members, cercles, items, warehouses, periods = size
            print(
                f"stock programme ({method}), {members} members × {cercles} cercles × {items} items × "
                f"{warehouses} warehouses × {periods // merged} periods of {10 * merged} days: {plan.rows:,} rows, "
                f"{plan.columns:,} columns, {plan.nonzeros:,} nonzeros; build {plan.build_time_s:.1f} s, "
                f"HiGHS {plan.solve_time_s:.1f} s, total {total:.1f} s; {plan.share_meeting_target:.0%} of the "
                f"members reach {TARGET:.0%}, gap to the bound {plan.gap:.1%}",
                flush=True,
            )


if __name__ == "__main__":
    main(("penalty", "chance"))
