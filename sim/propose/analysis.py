"""Around the stock programme (issue 16): the perfect-information bound, the average-season
plan and the value of the stochastic solution, and the budget frontier.

References
----------
.. [1] Birge, J. R. and Louveaux, F. (2011) Introduction to Stochastic Programming, 2nd ed.,
   Springer, ch. 4 (expected value of perfect information, value of the stochastic solution).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.propose.lp import _check, _members_needed, evaluate, solve
from sim.propose.problem import FILL_TOLERANCE, Proposal, StockProblem


def _member(problem: StockProblem, m: int) -> StockProblem:
    """The problem of one member alone."""
    one = slice(m, m + 1)
    fleet = None if problem.fleet_days is None else problem.fleet_days[one]
    funds = None if problem.funds_usd is None else problem.funds_usd[one]
    return replace(
        problem,
        demand=problem.demand[one],
        delivery_capacity=problem.delivery_capacity[one],
        fleet_days=fleet,
        funds_usd=funds,
    )


def mean_value_problem(problem: StockProblem) -> StockProblem:
    """The average season: demand, capacities and funds averaged over the members, as one member."""
    fleet = None if problem.fleet_days is None else problem.fleet_days.mean(axis=0, keepdims=True)
    funds = None if problem.funds_usd is None else problem.funds_usd.mean(axis=0, keepdims=True)
    return replace(
        problem,
        demand=problem.demand.mean(axis=0, keepdims=True),
        delivery_capacity=problem.delivery_capacity.mean(axis=0, keepdims=True),
        fleet_days=fleet,
        funds_usd=funds,
    )


def perfect_information(
    problem: StockProblem, target: float = 0.9, confidence: float = 0.8, method: str = "chance"
) -> dict:
    """What a plan that knew each member's season in advance would hold and cost (the bound).

    Each member is solved alone. With ``method="chance"``, for each member the least cost with
    the target met (``member_cost_meeting_usd``, inf where no stock reaches it) and without it
    (``member_cost_free_usd``); the members that meet it are the ``ceil(confidence M)`` whose
    meeting costs least extra (exact: alone, the members no longer share a stock). With
    ``method="penalty"``, each member's penalty form. ``expected_cost_usd`` is the mean
    objective, comparable with :attr:`Proposal.objective` and never above the optimum of the
    stochastic programme (the wait-and-see bound; inf when too few members can reach the target
    at all); ``stock`` (member, warehouse, item) [unit], ``member_cost_usd`` and ``member_fill``
    are the plans chosen per member.
    """
    _check(target, confidence, method)
    n_m = problem.shape[0]
    if method == "penalty":
        plans = [solve(_member(problem, m), target, 1.0, "penalty") for m in range(n_m)]
        costs = np.array([p.objective for p in plans])
        extra = {}
    else:
        free = [solve(_member(problem, m), target, 0.0, "chance") for m in range(n_m)]
        meet = [solve(_member(problem, m), target, 1.0, "chance") for m in range(n_m)]
        cost_free = np.array([p.objective for p in free])
        cost_meet = np.array([p.objective if p.reachable else np.inf for p in meet])
        needed = _members_needed(confidence, n_m)
        chosen = np.zeros(n_m, bool)
        chosen[np.argsort(cost_meet - cost_free, kind="stable")[:needed]] = True
        chosen |= np.isclose(cost_meet, cost_free, rtol=1e-9, atol=1e-6)  # meeting it for free
        plans = [meet[m] if chosen[m] else free[m] for m in range(n_m)]
        costs = np.array([p.objective for p in plans])
        if needed and not np.all(np.isfinite(cost_meet[chosen])):
            costs = np.full(n_m, np.inf)  # fewer members than needed can reach the target at all
        extra = {"member_cost_meeting_usd": cost_meet, "member_cost_free_usd": cost_free}
    return extra | {
        "expected_cost_usd": float(np.mean(costs)),
        "member_cost_usd": costs,
        "member_fill": np.array([p.member_fill[0] for p in plans]),
        "share_meeting_target": float(np.mean([p.member_fill[0] >= target - FILL_TOLERANCE for p in plans])),
        "stock": np.stack([p.stock for p in plans]),
    }


def value_of_stochastic_solution(
    problem: StockProblem,
    target: float = 0.9,
    confidence: float = 0.8,
    method: str = "chance",
    stochastic: Proposal | None = None,
) -> dict:
    """VSS: the plan sized on the average season, played on every member, against the stochastic plan.

    Returns ``stochastic`` and ``mean_value`` (:class:`Proposal`, the latter evaluated on all the
    members) and ``vss_usd`` = its objective minus the stochastic one, inf when the mean-value
    plan does not reach the target share at all [USD]. With the chance form both plans come from
    relax-and-fix (the mean-value plan's members too): a negative VSS within their gaps is the
    heuristic's noise, not a better average-season plan. ``stochastic``: the proposal already
    solved with the same arguments, to save solving it again.
    """
    stochastic = solve(problem, target, confidence, method) if stochastic is None else stochastic
    sized = solve(mean_value_problem(problem), target, confidence, method)
    played = evaluate(problem, sized.stock, target, confidence, method, reserve_usd=sized.reserve_usd)
    played.objective += sized.cost_usd.get("reserve", 0.0)  # the reserve's cost, fixed like the stock
    vss = played.objective - stochastic.objective if played.reachable or method == "penalty" else np.inf
    return {"stochastic": stochastic, "mean_value": played, "vss_usd": float(vss)}


def frontier(
    problem: StockProblem,
    budgets,
    target: float = 0.9,
    shortfall_penalty: float | None = None,
) -> list[dict]:
    """Coverage against budget: the penalty form solved under each budget [USD].

    Each point holds ``budget_usd``, ``spend_usd`` (first stage), ``fill_rate`` (median over the
    members), ``share_meeting_target``, ``objective`` and ``monotone`` (False when the fill rate
    or the share fell below the previous, smaller budget's: the programme guarantees only that
    its objective never rises with the budget, as its feasible set only grows; fill and share
    are read off the solution and not sorted).
    """
    points = []
    for budget in sorted(float(b) for b in budgets):
        plan = solve(replace(problem, budget_usd=budget), target, 1.0, "penalty", shortfall_penalty=shortfall_penalty)
        point = {
            "budget_usd": budget,
            "spend_usd": plan.spend_usd,
            "fill_rate": plan.fill_median,
            "share_meeting_target": plan.share_meeting_target,
            "objective": plan.objective,
            "monotone": True,
        }
        if points:
            before = points[-1]
            point["monotone"] = (
                point["fill_rate"] >= before["fill_rate"] - FILL_TOLERANCE
                and point["share_meeting_target"] >= before["share_meeting_target"]
            )
        points.append(point)
    return points
