"""A commune's own contingency plan, from its villages (issue 18).

:mod:`~sim.commune.find` finds a commune by name, village or pcode; :mod:`~sim.commune.villages`
lists its villages with their people and the stage from which each floods (the warning levels);
:mod:`~sim.commune.season` plays one flood on them (flooded, for how long, cut off, hosting
sites, the people and the needs by week); :mod:`~sim.commune.sheet` prints the one-page plan;
:mod:`~sim.commune.command` is ``python -m sim commune``.
"""
