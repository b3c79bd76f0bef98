"""Proposing a plan (issue 16): the least-cost stock and reserve that meet a coverage target.

Arrays in and arrays out (no files, no SimPy): :mod:`sim.propose.problem` holds the arrays
(:class:`~sim.propose.problem.StockProblem`, :class:`~sim.propose.problem.Proposal`),
:mod:`sim.propose.lp` the two-stage programme, :mod:`sim.propose.highs` its solution with HiGHS,
:mod:`sim.propose.analysis` the perfect-information bound, the value of the stochastic solution
and the budget frontier. Around them: :mod:`sim.propose.inputs` builds the problem from a plan
and its training seasons, :mod:`sim.propose.plans` writes a proposal into a plan,
:mod:`sim.propose.run` fits and replays it in the SimPy model, :mod:`sim.propose.report` and
:mod:`sim.propose.command` show it (tables, chart, PDF, the CLI).
"""
