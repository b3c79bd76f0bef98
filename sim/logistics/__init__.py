"""The contingency plan in SimPy: stock, procurement, transport, distribution and triggers.

:func:`sim.logistics.model.simulate_plan` plays one plan against one member's needs and
hazards; :mod:`sim.logistics.kpis` turns its records into the plan's key indicators.
"""
