"""A programme of :mod:`sim.propose.lp` solved with HiGHS through SciPy: ``linprog`` for a linear
programme, ``milp`` (branch and bound) when some columns are integers."""

from __future__ import annotations

import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

LP_METHOD = "highs-ds"
"""HiGHS's algorithm for the linear programmes. Notes: on flood-2022's problem at 0.05° (10
members, need that waits, money by period) the dual simplex took 6 s, the interior point method
63 s; ``benchmarks/bench_propose.py`` compares the two at the issue's size."""


def run_highs(built, time_limit_s: float | None, mip_rel_gap: float, z: np.ndarray | None = None):
    """Solve ``built`` (:class:`sim.propose.lp._Built`: costs, bounds, integrality, the sparse
    matrix and its row bounds) with HiGHS: :data:`LP_METHOD` for a linear programme, branch and
    bound for a MILP. ``z`` (member,) fixes the members' binaries (relax-and-fix): a linear
    programme. Returns SciPy's result and the seconds HiGHS took."""
    lb, ub, integer = built.lb, built.ub, built.integrality
    if z is not None:
        lb, ub = lb.copy(), ub.copy()
        lb[built.z_cols] = ub[built.z_cols] = z
        integer = np.zeros_like(integer)
    options = {"presolve": True}
    if time_limit_s is not None:
        options["time_limit"] = time_limit_s
    began = time.perf_counter()
    if integer.any():
        result = milp(
            built.c,
            integrality=integer,
            bounds=Bounds(lb, ub),
            constraints=LinearConstraint(built.A, built.row_lb, built.row_ub),
            options=options | {"mip_rel_gap": mip_rel_gap},
        )
    else:  # every inequality is built as A x <= ub; equalities have lb = ub
        equal = built.row_lb == built.row_ub
        result = linprog(
            built.c,
            A_ub=built.A[np.flatnonzero(~equal)],
            b_ub=built.row_ub[~equal],
            A_eq=built.A[np.flatnonzero(equal)],
            b_eq=built.row_lb[equal],
            bounds=np.column_stack([lb, ub]),
            method=LP_METHOD,
            options=options,
        )
    return result, time.perf_counter() - began
