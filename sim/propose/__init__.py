"""Proposing a plan (issue 16): the least-cost stock that meets a coverage target.

:mod:`sim.propose.problem` holds the arrays (:class:`~sim.propose.problem.StockProblem`,
:class:`~sim.propose.problem.Proposal`), :mod:`sim.propose.lp` the two-stage programme and its
solution with HiGHS, :mod:`sim.propose.analysis` the perfect-information bound, the value of the
stochastic solution and the budget frontier: arrays in and arrays out (no files, no SimPy).
Building the problem from a plan and a season, and replaying the proposal in the SimPy model,
belong to the callers.
"""
