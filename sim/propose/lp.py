"""The stock needed, as a two-stage stochastic programme solved with HiGHS (issue 16).

Numbers in, numbers out: a :class:`StockProblem` of arrays (members of an ensemble, items,
periods, warehouses, cercles) and a :class:`Proposal`. No files, no SimPy: the caller builds the
arrays from a plan and its season inputs, and replays the proposal in the SimPy model.

Formulation
-----------
Indices: member m (equally likely, 1/M each), item i, period t (e.g. 10-day blocks), warehouse w,
cercle c, procurement source s.

*First stage* (decided before the season, the same for every member): ``x[w,i] >= 0``, the units
added to the START plan's stock ``s0[w,i]``; the stock is ``s0 + x``. The START stock is kept,
never removed, and already paid.

*Second stage* (per member, knowing that member's season):

* ``y[m,i,t,w,c] >= 0`` units carried from warehouse w to cercle c in period t; they arrive in
  the same period (transport is shorter than a period);
* ``u[m,i,t,c] >= 0`` demand not met; **demand not met in its period is lost** (the people in
  need that period go without; no backlog), so ``sum_w y + u = demand[m,i,t,c]`` and nothing is
  delivered beyond the period's demand;
* ``p[m,s,i,t] >= 0`` units ordered from source s in period t, delivered to its warehouse at the
  start of period ``t + lead_s`` (orders that would arrive after the last period are not offered),
  at most ``max_units_per_period`` a period;
* ``L[m,w,i,t] >= 0`` stock left in a warehouse at the end of a period:
  ``L[t] = L[t-1] + arrivals[t] - sum_c y[t]`` with ``L[-1] = s0 + x``.

Constraints:

* delivery capacity of a route: ``sum_i volume_i y[m,i,t,w,c] <= delivery_capacity[m,t,w,c]``
  [m³]; a route cut in a period has capacity 0 (its flows are not created at all);
* optional shared fleet: ``sum_c fleet_days_per_m3[w,c] sum_i volume_i y[m,i,t,w,c] <=
  fleet_days[m,t,w]`` (vehicle-days a hub's trucks and boats offer in a period against the
  round-trip days a m³ to that cercle takes);
* warehouse capacity: ``sum_i volume_i (s0 + x)[w,i] <= capacity_m3[w]`` (the first-stage stock
  only: goods bought in the season pass through, as in the SimPy model, whose stores are
  unbounded);
* budget: ``sum (unit_cost_i + storage_w volume_i) x[w,i] <= budget_usd`` (new stock and its
  storage; the START stock is already paid);
* optional money per member and period: ``sum_{s,i,t'<=t} price p[m,s,i,t'] <= funds_usd[m,t] + R``,
  the money the plan has received by the end of period t (``funds_usd``, cumulative) and,
  when ``reserve_cost`` is given, a first-stage reserve ``R >= 0`` [USD] set aside before the
  season, which costs ``reserve_cost R`` and counts against the budget at its face value;
* ``x[w,i] = 0`` where ``stockable`` is False (water supplied on site is never held);
* the target, fill rate by value: ``F_m = 1 - sum unit_cost_i u[m] / D_m`` with
  ``D_m = sum unit_cost_i demand[m]`` [USD] (a member with no demand has F = 1).

  - ``method="chance"`` (the default): a binary ``z_m`` per member, ``F_m >= target`` when
    ``z_m = 1``, written with the tight big-M ``sum unit_cost u[m] + target D_m z_m <= D_m``,
    and ``sum_m z_m >= ceil(confidence M)``: exactly the planner's question ("in 80 % of the
    seasons, 90 % of the need covered"). Branch and bound on it (``exact=True``) took over two
    minutes at 10 members, so by default it is solved by *relax-and-fix*: the linear
    relaxation (0 <= z <= 1) gives a lower bound and ranks the members; the ``ceil(confidence
    M)`` with the largest z must reach the target (z fixed), which is a second linear
    programme and a feasible plan. The gap between the relaxation and the plan is reported
    (:attr:`Proposal.gap`; it overstates the distance to the optimum, the relaxation being
    weak): on a 10-member problem the plan was 0.08 % above the MILP's optimum; on five
    5-member tests it hit the optimum four times and was 1.2 % above it once;
  - ``method="penalty"``: a linear programme; ``g_m >= sum unit_cost u[m] / D_m - (1 - target)``,
    ``g_m >= 0`` is the share of the value demanded short of the target and costs
    ``shortfall_penalty D_m g_m`` [USD]. It does not read ``confidence`` (it asks every member
    to reach the target, at a price); the share reached is reported. The budget frontier and
    the fall-back when the target is out of reach use it.

  Both target rows are divided by ``D_m`` (shares, not USD), which keeps HiGHS well scaled.

Objective (minimised, [USD]): ``sum (unit_cost_i + storage_w volume_i) x + reserve_cost R`` + expected over the
members of (procurement price ``p`` + transport ``transport_usd_per_m3[w,c] volume_i y`` +
``unmet_penalty_i u`` + with the penalty form ``shortfall_penalty D_m g``). The storage of the START
stock is a constant, added to the reported costs, not to the decision.

Simplifications against the SimPy model: periods instead of days; flows arrive in their period
(no travel time inside a period, no vehicle queues; trucks and boats only through the route
capacities and the optional fleet-days); the second stage knows the member's whole season (it is
anticipative: orders and dispatch see the coming need, where the SimPy controller reacts to it),
so the LP's fill rate is an upper estimate on that side; lost demand where SimPy keeps a
backlog, so it is a lower estimate on the other; no distribution teams or minimum orders;
the cheapest source, not the local-first order; lead times fixed (the caller picks, e.g., the
mean or a quantile, in periods, rounded up). Size: members × items × periods × warehouses ×
cercles flows at most (only where there is need and the route is open); flood-2022's problem at
the issue's 40 members (17 cercles, 8 items, 4 warehouses and the on-site supply, 24 periods)
made 0.75 million columns, 0.24 million rows and 3.1 million nonzeros, and the chance form (two
linear programmes) took 36 s on one core with the dual simplex (HiGHS is single-threaded here;
``benchmarks/bench_propose.py``).

References
----------
.. [1] Rawls, C. G. and Turnquist, M. A. (2010) Pre-positioning of emergency supplies for disaster
   response, Transportation Research Part B 44(4), 521-534 (two-stage stochastic stock location).
.. [2] Birge, J. R. and Louveaux, F. (2011) Introduction to Stochastic Programming, 2nd ed.,
   Springer, ch. 4 (value of the stochastic solution, expected value of perfect information).
.. [3] Huangfu, Q. and Hall, J. A. J. (2018) Parallelizing the dual revised simplex method,
   Mathematical Programming Computation 10, 119-142 (HiGHS).
.. [4] Schork, L. and Gondzio, J. (2020) Implementation of an interior point method with basis
   preconditioning, Mathematical Programming Computation 12, 603-635 (IPX, HiGHS's interior point).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from sim.propose.highs import run_highs
from sim.propose.problem import FILL_TOLERANCE, Proposal, Source, StockProblem

__all__ = ["METHODS", "Proposal", "Source", "StockProblem", "default_shortfall_penalty", "evaluate", "solve"]

METHODS = ("chance", "penalty")
"""Ways to meet the target in a share of the members (see the module's docstring)."""

SHORTFALL_PENALTY_FACTOR = 10.0
"""Default cost of a USD of value short of the target, as a multiple of the largest ratio
unmet_penalty / unit_cost of the items (so that the target costs more than any single unit
left unmet) [-]. Notes: assumption."""


@dataclass
class _Built:
    """A programme ready for HiGHS, and where each block of variables sits."""

    c: np.ndarray
    integrality: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    A: sp.csr_array
    row_lb: np.ndarray
    row_ub: np.ndarray
    constant: float
    x: slice
    y: tuple[np.ndarray, ...]
    y_cols: np.ndarray
    u_mask: np.ndarray
    u_cols: np.ndarray
    p: tuple[np.ndarray, ...]
    p_cols: np.ndarray
    value_demanded: np.ndarray
    z_cols: np.ndarray
    f_cols: np.ndarray
    seconds: float


def _check(target: float, confidence: float, method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    if not (0.0 <= target <= 1.0 and 0.0 <= confidence <= 1.0):
        raise ValueError(f"target and confidence must be in [0, 1], got {target} and {confidence}")


def _members_needed(confidence: float, members: int) -> int:
    return min(members, math.ceil(confidence * members - 1e-9))


def default_shortfall_penalty(problem: StockProblem) -> float:
    """Cost of a USD of value short of the target in the penalty form [USD/USD]."""
    value = np.where(problem.unit_cost_usd > 0, problem.unit_cost_usd, np.inf)
    return SHORTFALL_PENALTY_FACTOR * max(1.0, float(np.max(problem.unmet_penalty_usd / value)))


def _procurement_columns(problem: StockProblem):
    """(member, source, item, period) of every order offered, its price and its bound."""
    n_m, n_i, n_t, _, _ = problem.shape
    ms, ss, is_, ts, price, bound = [], [], [], [], [], []
    for k, source in enumerate(problem.sources):
        sold = np.array([source.items is None or item in source.items for item in problem.items])
        cap = np.broadcast_to(np.asarray(source.max_units_per_period, float), (n_i,))
        cost = np.broadcast_to(np.asarray(source.unit_cost_usd, float), (n_i,))
        periods = max(n_t - int(source.lead_periods), 0)
        m, i, t = np.nonzero(np.broadcast_to((sold & (cap > 0))[None, :, None], (n_m, n_i, periods)))
        ms.append(m), ss.append(np.full(len(m), k)), is_.append(i), ts.append(t)
        price.append(cost[i]), bound.append(cap[i])
    if not ms:
        empty = np.zeros(0, int)
        return (empty, empty, empty, empty), np.zeros(0), np.zeros(0)
    return tuple(np.concatenate(a) for a in (ms, ss, is_, ts)), np.concatenate(price), np.concatenate(bound)


def _build(
    problem: StockProblem,
    target: float,
    confidence: float,
    method: str,
    shortfall_penalty: float | None = None,
    fixed_added: np.ndarray | None = None,
) -> _Built:
    """Assemble the programme as one sparse matrix (see the module's docstring)."""
    began = time.perf_counter()
    n_m, n_i, n_t, n_w, n_c = problem.shape
    d = np.asarray(problem.demand, float)
    cap_route = np.asarray(problem.delivery_capacity, float)
    v = np.asarray(problem.volume_m3, float)
    value = np.asarray(problem.unit_cost_usd, float)
    s0 = np.asarray(problem.initial_stock, float)
    weight = 1.0 / n_m
    needed = _members_needed(confidence, n_m) if method == "chance" else 0
    with_target = target > 0 and (method == "penalty" or needed > 0)

    # columns: x | y | u | L | p | z or g
    backlog = problem.late_usd_per_period is not None
    u_mask = np.cumsum(d, axis=2) > 0 if backlog else d > 0  # need waiting (backlog) or lost
    y_mask = u_mask[:, :, :, None, :] & (cap_route[:, None, :, :, :] > 0)
    ym, yi, yt, yw, yc = np.nonzero(y_mask)
    um, ui, ut, uc = np.nonzero(u_mask)
    (pm, ps, pi, pt), p_price, p_bound = _procurement_columns(problem)
    n_x, n_y, n_u, n_l, n_p = n_w * n_i, len(ym), len(um), n_m * n_w * n_i * n_t, len(pm)
    n_g = n_m if with_target else 0
    n_f = 1 if problem.reserve_cost is not None else 0
    off_y = n_x
    off_u = off_y + n_y
    off_l = off_u + n_u
    off_p = off_l + n_l
    off_g = off_p + n_p
    off_f = off_g + n_g
    n_cols = off_f + n_f
    y_cols = off_y + np.arange(n_y)
    u_cols = off_u + np.arange(n_u)
    p_cols = off_p + np.arange(n_p)
    l_index = np.arange(n_l).reshape(n_m, n_w, n_i, n_t)

    c = np.zeros(n_cols)
    storage_per_unit = problem.storage_usd_per_m3[:, None] * v[None, :]  # (w, i) [USD/unit]
    c[:n_x] = (value[None, :] + storage_per_unit).ravel()
    c[y_cols] = weight * problem.transport_usd_per_m3[yw, yc] * v[yi]
    final = ut == n_t - 1 if backlog else np.ones(n_u, bool)  # what is never delivered
    late = np.asarray(problem.late_usd_per_period, float)[ui] if backlog else 0.0
    c[u_cols] = weight * np.where(final, problem.unmet_penalty_usd[ui], late)
    c[p_cols] = weight * p_price
    lb, ub = np.zeros(n_cols), np.full(n_cols, np.inf)
    ub[p_cols] = p_bound
    integrality = np.zeros(n_cols, np.uint8)
    if problem.stockable is not None:
        ub[:n_x] = np.where(np.asarray(problem.stockable, bool).ravel(), np.inf, 0.0)
    if n_f:
        c[off_f] = problem.reserve_cost
    if fixed_added is not None:
        lb[:n_x] = ub[:n_x] = np.asarray(fixed_added, float).ravel()

    rows, cols, vals, r_lb, r_ub = [], [], [], [], []
    n_rows = 0

    def block(r, k, a, low, high):
        nonlocal n_rows
        rows.append(np.asarray(r) + n_rows), cols.append(np.asarray(k)), vals.append(np.broadcast_to(a, np.shape(r)))
        r_lb.append(np.asarray(low, float)), r_ub.append(np.asarray(high, float))
        n_rows += len(r_lb[-1])

    # demand: sum_w y + u[t] - u[t-1] = d (backlog; u[t-1] = 0 when lost), one row per (m, i, t, c)
    demand_row = np.full(d.shape, -1)
    demand_row[u_mask] = np.arange(n_u)
    carried = np.flatnonzero(~final) if backlog else np.zeros(0, int)  # u[t] waits into t + 1
    block(
        np.concatenate(
            [
                demand_row[ym, yi, yt, yc],
                np.arange(n_u),
                demand_row[um[carried], ui[carried], ut[carried] + 1, uc[carried]],
            ]
        ),
        np.concatenate([y_cols, u_cols, u_cols[carried]]),
        np.concatenate([np.ones(n_y + n_u), -np.ones(len(carried))]),
        d[u_mask],
        d[u_mask],
    )
    # route capacity: sum_i v y <= capacity [m³]
    route_mask = y_mask.any(axis=1)
    route_row = np.full(route_mask.shape, -1)
    route_row[route_mask] = np.arange(route_mask.sum())
    route_of_y = route_row[ym, yt, yw, yc]
    block(route_of_y, y_cols, v[yi], np.full(route_mask.sum(), -np.inf), cap_route[route_mask])
    # shared fleet: sum_c days_per_m3 sum_i v y <= fleet days
    if problem.fleet_days is not None:
        per_m3 = np.asarray(problem.fleet_days_per_m3, float)
        block(
            np.ravel_multi_index((ym, yt, yw), (n_m, n_t, n_w)),
            y_cols,
            per_m3[yw, yc] * v[yi],
            np.full(n_m * n_t * n_w, -np.inf),
            np.asarray(problem.fleet_days, float).ravel(),
        )
    # stock balance: L[t] - L[t-1] - arrivals[t] + shipped[t] = s0 (t = 0, with - x) or 0
    m_, w_, i_, t_ = (a.ravel() for a in np.indices((n_m, n_w, n_i, n_t)))
    later = t_ > 0
    source_w = np.array([problem.warehouses.index(s.warehouse) for s in problem.sources], int)
    source_lead = np.array([int(s.lead_periods) for s in problem.sources], int)
    first = np.flatnonzero(~later)
    balance_rhs = np.where(later, 0.0, s0[w_, i_])
    p_arrival = l_index[pm, source_w[ps], pi, pt + source_lead[ps]] if n_p else np.zeros(0, int)
    block(
        np.concatenate([l_index.ravel(), l_index.ravel()[later], first, l_index[ym, yw, yi, yt], p_arrival]),
        np.concatenate(
            [off_l + l_index.ravel(), off_l + l_index.ravel()[later] - 1, w_[first] * n_i + i_[first], y_cols, p_cols]
        ),
        np.concatenate([np.ones(n_l), -np.ones(later.sum()), -np.ones(len(first)), np.ones(n_y), -np.ones(n_p)]),
        balance_rhs,
        balance_rhs,
    )
    if fixed_added is None:
        # warehouse capacity [m³] and budget [USD], first stage only
        room = np.maximum(problem.capacity_m3 - s0 @ v, 0.0)
        w_x, i_x = np.divmod(np.arange(n_x), n_i)
        block(w_x, np.arange(n_x), v[i_x], np.full(n_w, -np.inf), room)
        if problem.budget_usd is not None:  # the reserve is money raised before the season too
            first = np.arange(n_x + n_f) if not n_f else np.append(np.arange(n_x), off_f)
            block(np.zeros(n_x + n_f, int), first, np.append(c[:n_x], np.ones(n_f)), [-np.inf], [problem.budget_usd])
    if problem.order_horizon_periods is not None and n_p:
        # reactive procurement: orders placed by period t <= the item's need through t + horizon
        seen = np.cumsum(d.sum(axis=3), axis=2)  # (m, i, t) need through each period [unit]
        horizon = int(problem.order_horizon_periods)
        limit = seen[:, :, np.minimum(np.arange(n_t) + horizon, n_t - 1)]
        order_rows, order_cols = [], []
        for t in range(n_t):
            placed = np.flatnonzero(pt <= t)
            order_rows.append(np.ravel_multi_index((pm[placed], pi[placed], np.full(len(placed), t)), (n_m, n_i, n_t)))
            order_cols.append(p_cols[placed])
        block(
            np.concatenate(order_rows),
            np.concatenate(order_cols),
            1.0,
            np.full(n_m * n_i * n_t, -np.inf),
            limit.ravel(),
        )
    if problem.funds_usd is not None and n_p:
        # money: purchases through period t <= funds received by t (+ the reserve), per member
        f_rows, f_cols, f_vals = [], [], []
        for t in range(n_t):
            placed = np.flatnonzero(pt <= t)
            f_rows += [pm[placed] * n_t + t, np.arange(n_m) * n_t + t if n_f else np.zeros(0, int)]
            f_cols += [p_cols[placed], np.full(n_m if n_f else 0, off_f)]
            f_vals += [p_price[placed], -np.ones(n_m if n_f else 0)]
        block(
            np.concatenate(f_rows),
            np.concatenate(f_cols),
            np.concatenate(f_vals),
            np.full(n_m * n_t, -np.inf),
            np.asarray(problem.funds_usd, float).ravel(),
        )
    # the target: value unmet per member against its value demanded
    value_demanded = np.bincount(um, weights=value[ui] * d[u_mask], minlength=n_m)
    if with_target:  # each row divided by the member's value demanded: shares, well scaled
        g_cols = off_g + np.arange(n_m)
        some = (value_demanded > 0).astype(float)
        share = np.divide(1.0, value_demanded, out=np.zeros(n_m), where=value_demanded > 0)
        if method == "chance":
            ub[g_cols] = 1.0
            if needed == n_m:  # every member must meet it: a linear programme
                lb[g_cols] = 1.0
            else:
                integrality[g_cols] = 1
            block(
                np.concatenate([um[final], np.arange(n_m)]),
                np.concatenate([u_cols[final], g_cols]),
                np.concatenate([(value[ui] * share[um])[final], target * some]),
                np.full(n_m, -np.inf),
                some,
            )
            block(np.zeros(n_m, int), g_cols, -1.0, [-np.inf], [-needed])  # sum z >= needed
        else:  # g: the share of the value demanded short of the target [-]
            penalty = default_shortfall_penalty(problem) if shortfall_penalty is None else shortfall_penalty
            c[g_cols] = weight * penalty * value_demanded
            block(
                np.concatenate([um[final], np.arange(n_m)]),
                np.concatenate([u_cols[final], g_cols]),
                np.concatenate([(value[ui] * share[um])[final], -np.ones(n_m)]),
                np.full(n_m, -np.inf),
                (1.0 - target) * some,
            )
    A = sp.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, n_cols))
    return _Built(
        c=c,
        integrality=integrality,
        lb=lb,
        ub=ub,
        A=A,
        row_lb=np.concatenate(r_lb),
        row_ub=np.concatenate(r_ub),
        constant=float(np.sum(storage_per_unit * s0)),
        x=slice(0, n_x),
        y=(ym, yi, yt, yw, yc),
        y_cols=y_cols,
        u_mask=u_mask,
        u_cols=u_cols,
        p=(pm, ps, pi, pt),
        p_cols=p_cols,
        value_demanded=value_demanded,
        z_cols=off_g + np.arange(n_g) if method == "chance" else np.zeros(0, int),
        f_cols=off_f + np.arange(n_f),
        seconds=time.perf_counter() - began,
    )


def _proposal(problem, built, result, seconds, target, confidence, method, lower) -> Proposal:
    n_m, n_i, n_t, n_w, n_c = problem.shape
    sol = result.x
    added = np.maximum(sol[built.x], 0.0).reshape(n_w, n_i)
    stock = problem.initial_stock + added
    weight = 1.0 / n_m
    ym, yi, yt, yw, yc = built.y
    y = np.maximum(sol[built.y_cols], 0.0)
    delivered = np.zeros(problem.demand.shape)
    np.add.at(delivered, (ym, yi, yt, yc), y)
    orders = np.zeros((n_m, len(problem.sources), n_i, n_t))
    orders[built.p] = np.maximum(sol[built.p_cols], 0.0)
    _, _, pi, _ = built.p
    prices = np.array([np.broadcast_to(np.asarray(s.unit_cost_usd, float), (n_i,)) for s in problem.sources])
    volume = problem.volume_m3
    storage = problem.storage_usd_per_m3 @ (stock @ volume)
    costs = {
        "prepositioning": float(problem.unit_cost_usd @ added.sum(axis=0)),
        "storage": float(storage),
        "storage_added": float(problem.storage_usd_per_m3 @ (added @ volume)),
        "procurement": float(weight * np.sum(orders * prices[None, :, :, None])) if len(problem.sources) else 0.0,
        "transport": float(weight * np.sum(problem.transport_usd_per_m3[yw, yc] * volume[yi] * y)),
    }
    reserve = float(max(sol[built.f_cols].sum(), 0.0))
    costs["reserve"] = reserve * float(problem.reserve_cost or 0.0)
    costs["total"] = costs["prepositioning"] + costs["storage"] + costs["procurement"] + costs["transport"]
    costs["total"] += costs["reserve"]
    unmet_units = np.asarray(problem.demand, float) - delivered
    costs["unmet_penalty"] = float(weight * np.einsum("mitc,i->", unmet_units, problem.unmet_penalty_usd))
    unmet_value = np.einsum("mitc,i->m", unmet_units, problem.unit_cost_usd)
    demanded = built.value_demanded
    fill = np.where(demanded > 0, 1.0 - unmet_value / np.where(demanded > 0, demanded, 1.0), 1.0)
    share = float(np.mean(fill >= target - FILL_TOLERANCE))
    return Proposal(
        stock=stock,
        added=added,
        cost_usd=costs,
        member_fill=fill,
        share_meeting_target=share,
        reachable=share >= confidence - 1e-12,
        method=method,
        target=target,
        confidence=confidence,
        status=int(result.status),
        message=str(result.message),
        objective=float(result.fun) + built.constant,
        lower_bound=float(lower),
        rows=built.A.shape[0],
        columns=built.A.shape[1],
        nonzeros=int(built.A.nnz),
        build_time_s=built.seconds,
        solve_time_s=seconds,
        delivered=delivered,
        orders=orders,
        reserve_usd=reserve,
    )


def solve(
    problem: StockProblem,
    target: float = 0.9,
    confidence: float = 0.8,
    method: str = "chance",
    *,
    exact: bool = False,
    shortfall_penalty: float | None = None,
    time_limit_s: float | None = None,
    mip_rel_gap: float = 1e-4,
    fixed_added: np.ndarray | None = None,
) -> Proposal:
    """The least-cost stock whose fill rate reaches ``target`` in a ``confidence`` share of members.

    Parameters
    ----------
    problem : StockProblem
    target : float
        Fill rate by value a member must reach. [-]
    confidence : float
        Share of the members that must reach it (``method="chance"``). [-]
    method : {"chance", "penalty"}
        A chance constraint with a binary per member (default), or a linear penalty on the
        value short of the target (see the module's docstring).
    exact : bool
        Chance form: solve the MILP by branch and bound instead of relax-and-fix (two linear
        programmes; see the module's docstring). Exact but slow beyond a few members.
    shortfall_penalty : float, optional
        Penalty form: cost of a USD short of the target [USD/USD]; default
        :func:`default_shortfall_penalty`.
    time_limit_s : float, optional
        HiGHS's time limit per solve [s]; the MILP's best plan by then is returned with its status.
    mip_rel_gap : float
        Relative gap at which branch and bound stops [-].
    fixed_added : np.ndarray, optional
        (warehouse, item) first-stage addition to impose [unit]: evaluates a given plan
        (capacity and budget are then not checked).

    Returns
    -------
    Proposal
        When the target share is out of reach, the penalty form's plan with ``reachable=False``
        and a one-line ``message``; it never raises for that.
    """
    _check(target, confidence, method)
    built = _build(problem, target, confidence, method, shortfall_penalty, fixed_added)
    if not built.integrality.any() or exact:
        result, seconds = run_highs(built, time_limit_s, mip_rel_gap)
        if result.x is None and method == "chance" and result.status == 2:
            return _out_of_reach(problem, target, confidence, shortfall_penalty, fixed_added, seconds, True)
        if result.x is None:
            raise RuntimeError(f"HiGHS found no plan (status {result.status}): {result.message}")
        lower = (result.mip_dual_bound if built.integrality.any() else result.fun) + built.constant
        return _proposal(problem, built, result, seconds, target, confidence, method, lower)
    # relax-and-fix: the members the relaxation covers most must reach the target
    relaxed, seconds = run_highs(
        replace(built, integrality=np.zeros_like(built.integrality)), time_limit_s, mip_rel_gap
    )
    if relaxed.x is None:
        return _out_of_reach(problem, target, confidence, shortfall_penalty, fixed_added, seconds, relaxed.status == 2)
    needed = _members_needed(confidence, problem.shape[0])
    z = np.zeros(problem.shape[0])
    z[np.argsort(-relaxed.x[built.z_cols], kind="stable")[:needed]] = 1.0
    result, more = run_highs(built, time_limit_s, mip_rel_gap, z)
    seconds += more
    if result.x is None:  # those members cannot all reach it: try those the penalty form brings there
        best = solve(problem, target, 1.0, "penalty", shortfall_penalty=shortfall_penalty, fixed_added=fixed_added)
        seconds += best.solve_time_s
        if best.share_meeting_target < confidence:
            return _out_of_reach(problem, target, confidence, shortfall_penalty, fixed_added, seconds, False)
        z = np.zeros(problem.shape[0])
        z[np.argsort(-best.member_fill, kind="stable")[:needed]] = 1.0
        result, more = run_highs(built, time_limit_s, mip_rel_gap, z)
        seconds += more
    if result.x is None:  # a time limit
        return _out_of_reach(problem, target, confidence, shortfall_penalty, fixed_added, seconds, False)
    return _proposal(problem, built, result, seconds, target, confidence, method, relaxed.fun + built.constant)


def _out_of_reach(problem, target, confidence, shortfall_penalty, fixed_added, seconds, proven) -> Proposal:
    """The penalty form's plan when the chance form has none, and the one-line verdict."""
    best = solve(problem, target, 1.0, "penalty", shortfall_penalty=shortfall_penalty, fixed_added=fixed_added)
    within = "" if problem.budget_usd is None or fixed_added is not None else " within the budget"
    how = "is out of reach" if proven else "was not found by relax-and-fix (exact=True may find it)"
    best.reachable, best.method, best.confidence = False, "chance", confidence
    best.solve_time_s += seconds
    best.message = (
        f"a fill rate of {target:.0%} in {confidence:.0%} of the members {how}{within}: "
        f"at best {best.share_meeting_target:.0%} of them reach it (median fill rate {best.fill_median:.0%})"
    )
    return best


def evaluate(
    problem: StockProblem,
    stock: np.ndarray,
    target: float = 0.9,
    confidence: float = 0.8,
    method="chance",
    reserve_usd: float = 0.0,
):
    """Play a given first-stage ``stock`` (warehouse, item) [unit] and ``reserve_usd`` [USD] on
    every member: :func:`solve` with them fixed (the reserve as money every member has from day 0).

    ``stock`` below the START stock is raised to it (the START stock is kept).
    """
    added = np.maximum(np.asarray(stock, float) - problem.initial_stock, 0.0)
    if problem.funds_usd is not None:
        problem = replace(problem, funds_usd=np.asarray(problem.funds_usd, float) + reserve_usd, reserve_cost=None)
    else:
        problem = replace(problem, reserve_cost=None)
    return solve(problem, target, confidence, method, fixed_added=added)
