"""The project's one pint unit registry, with its counted units and currencies.

Kept apart from :mod:`sim.core.units` (parsing quantities from files) so that every module that
names or converts units — :mod:`sim.core.messages` included, which :mod:`sim.core.units` itself uses
for its error messages — imports it from below, without a loop. See :mod:`sim.core.units` for
why counts and currencies are dimensions of their own.
"""

from __future__ import annotations

import pint

__all__ = ["ureg", "Quantity"]

ureg = pint.UnitRegistry(force_ndarray_like=True, autoconvert_offset_to_baseunit=True)
"""The project's registry. ``force_ndarray_like=True`` so that pint-xarray works with it."""

for _definition in (
    "person = [person] = _ = persons = people = pers",
    "household = [household] = _ = households = hh",
    "kit = [kit] = _ = kits",
    "net = [net] = _ = nets",
    "latrine = [latrine] = _ = latrines = toilet = toilets",
    "tarpaulin = [tarpaulin] = _ = tarpaulins = tarp",
    "jerrycan = [jerrycan] = _ = jerrycans",
    "blanket = [blanket] = _ = blankets",
    "item = [item] = _ = items",
    "USD = [currency_usd] = _ = usd = US_dollar",
    "XOF = [currency_xof] = _ = xof = FCFA = CFA_franc",
):
    ureg.define(_definition)

Quantity = ureg.Quantity
