"""The validation report: the model's figures against published ones, check by check.

``python -m sim.validation --out docs`` (or ``make validate``) writes ``docs/validation.md``
and its figures ``docs/validation/*.png``. Each check is a pure function returning a
:class:`~sim.validation.verdict.Section` of :class:`~sim.validation.verdict.Record` s
(published figure, source, model figure, difference, verdict and the rule behind it); the
model runs they need are made once in :mod:`sim.validation.runs`; the Markdown writer
(:mod:`sim.validation.markdown`) and the figures (:mod:`sim.validation.plots`) are separate.
"""
