"""The compiled scan of a season over the delta's cells, and its sums per cercle.

:func:`sim.impact.flood_totals` calls :func:`scan_cells` (Numba) for the people exposed and
the cells where something happens, :func:`events` for those cells' wet and collapse days, and
:func:`cell_sums` for each cell's people affected and displaced day by day, added to its
cercle in float64. ``tests/impact_reference.py`` computes the same counts the plain way, on
whole (day, cell) arrays; the two agree within a relative 1e-5 (``tests/test_impact.py``)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def scan_cells(rain, depth, normal, people, cercle, cercles, storm_mm, collapse_mm):
    """One pass over (day, cell): exposed people per (cause, day, cercle), summed in grid
    order (cause 0: water above its usual level; 1: a storm on a cell not under such water);
    each cell's last day with water above its usual level and with rain above
    ``collapse_mm`` (-1 if none); and how many such (day, cell) pairs fall in populated
    cells of a cercle."""
    days, cells = rain.shape
    exposed = np.zeros((2, days, cercles))
    last_wet = np.full(cells, -1, np.int64)
    last_collapse = np.full(cells, -1, np.int64)
    wet_count = 0
    collapse_count = 0
    anything = np.empty(cells, np.bool_)
    for t in range(days):
        rain_t = rain[t]
        depth_t = depth[t]
        # a branch-free pass first (vectorised by the compiler): most cells have nothing
        for j in range(cells):
            anything[j] = (depth_t[j] - normal[j] > 0) | (rain_t[j] >= storm_mm) | (rain_t[j] > collapse_mm)
        for j in range(cells):
            if not anything[j]:
                continue
            r = rain_t[j]
            wet = depth_t[j] - normal[j] > 0
            counted = people[j] > 0 and cercle[j] >= 0
            if cercle[j] >= 0:
                if wet:
                    exposed[0, t, cercle[j]] += people[j]
                elif r >= storm_mm:
                    exposed[1, t, cercle[j]] += people[j]
            if wet:
                last_wet[j] = t
                wet_count += counted
            if r > collapse_mm:
                last_collapse[j] = t
                collapse_count += counted
    return exposed, last_wet, last_collapse, wet_count, collapse_count


@numba.njit(cache=True)
def events(
    rain,
    depth,
    normal,
    active,
    last,
    wet_count,
    collapse_count,
    freeboard,
    collapse_start_mm,
    collapse_full_mm,
    collapse_max,
):
    """The wet and collapse days of the ``active`` cells (up to each one's ``last`` such
    day), in day then cell order; ``wet_count`` and ``collapse_count`` are their numbers.

    Returns each active cell's first such day; (day, index into ``active``, house depth
    [m]) of the days with water above the usual level; (day, index, share of
    earth houses collapsing [-], :func:`hazards.flood.banco_collapse_fraction` in float64)
    of the days with collapsing houses.
    """
    days = rain.shape[0]
    n = active.size
    first = np.full(n, days, np.int64)
    wet_day = np.empty(wet_count, np.int64)
    wet_cell = np.empty(wet_count, np.int64)
    house_depth = np.empty(wet_count, np.float32)
    collapse_day = np.empty(collapse_count, np.int64)
    collapse_cell = np.empty(collapse_count, np.int64)
    collapse = np.empty(collapse_count)
    w = 0
    c = 0
    for t in range(days):
        for k in range(n):
            if t > last[k]:
                continue
            j = active[k]
            level = depth[t, j] - normal[j]
            if level > 0:
                wet_day[w] = t
                wet_cell[w] = k
                house_depth[w] = level - freeboard
                w += 1
                first[k] = min(first[k], t)
            r = rain[t, j]
            if r > collapse_start_mm:
                x = min(max((np.float64(r) - collapse_start_mm) / (collapse_full_mm - collapse_start_mm), 0.0), 1.0)
                collapse_day[c] = t
                collapse_cell[c] = k
                collapse[c] = collapse_max * (x * x)
                c += 1
                first[k] = min(first[k], t)
    return first, wet_day, wet_cell, house_depth, collapse_day, collapse_cell, collapse


@numba.njit(cache=True)
def by_cell(cell: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Order that groups events (given in day order) by cell, keeping day order within a
    cell, and where each cell's events start in that order (n + 1 offsets)."""
    start = np.zeros(n + 1, np.int64)
    for i in range(cell.size):
        start[cell[i] + 1] += 1
    for k in range(n):
        start[k + 1] += start[k]
    fill = start[:-1].copy()
    order = np.empty(cell.size, np.int64)
    for i in range(cell.size):
        order[fill[cell[i]]] = i
        fill[cell[i]] += 1
    return order, start


@numba.njit(cache=True)
def cell_sums(
    days,
    cercles,
    active,
    first,
    last,
    home_again,
    people,
    cercle,
    wet_day,
    wet_cell,
    destroyed_share,
    damaged_share,
    collapse_day,
    collapse_cell,
    collapse,
    banco_share,
):
    """Affected, displaced, in need and destroyed (as people) per (day, cercle, cause,
    count), in float64: the rules of :mod:`sim.impact` cell by cell, each cell's people added
    to its cercle's days.

    Cause 0 is the river: the shares the flood alone would give. Cause 1 is the storm: what
    the collapses add on top (the houses a storm brings down that the water had not already
    destroyed or damaged), so that the two causes add up to the combined count."""
    out = np.zeros((days, cercles, 2, 4))  # each cell-day's eight sums side by side in memory
    destroyed = 0.0
    affected = 0.0
    wet_order, wet_start = by_cell(wet_cell, active.size)
    collapse_order, collapse_start = by_cell(collapse_cell, active.size)
    for k in range(active.size):
        j = active[k]
        person = people[j]
        region = cercle[j]
        flood_destroyed = 0.0
        flood_damaged = 0.0
        intact = 1.0  # running product of the shares of earth houses left standing
        w = wet_start[k]
        c = collapse_start[k]
        for t in range(first[k], days):
            if t > last[k]:
                # no more water nor collapse: every count of the cell stays as it is, but
                # for the displaced (and so those in need), who go home after home_again
                river_affected = flood_damaged * person
                river_destroyed = flood_destroyed * person
                storm_affected = affected * person - river_affected
                storm_destroyed = destroyed * person - river_destroyed
                for u in range(t, days):
                    out[u, region, 0, 0] += river_affected
                    out[u, region, 1, 0] += storm_affected
                    if u <= home_again[k]:
                        out[u, region, 0, 1] += river_destroyed
                        out[u, region, 0, 2] += river_destroyed
                        out[u, region, 1, 1] += storm_destroyed
                        out[u, region, 1, 2] += storm_destroyed
                    out[u, region, 0, 3] += river_destroyed
                    out[u, region, 1, 3] += storm_destroyed
                break
            wet = False
            if w < wet_start[k + 1] and wet_day[wet_order[w]] == t:
                wet = True
                flood_destroyed = max(flood_destroyed, destroyed_share[wet_order[w]])
                flood_damaged = max(flood_damaged, damaged_share[wet_order[w]])
                w += 1
            if c < collapse_start[k + 1] and collapse_day[collapse_order[c]] == t:
                intact = intact * (1.0 - banco_share * collapse[collapse_order[c]])
                c += 1
            standing = 1.0 - intact
            left = 1.0 - standing
            destroyed = 1.0 - (1.0 - flood_destroyed) * left
            affected = max(1.0 - (1.0 - flood_damaged) * left, destroyed)
            home = t <= home_again[k]
            displaced = destroyed if home else 0.0
            in_need = max(displaced, affected if wet else 0.0)
            # the river's part: the same rules with the flood's shares alone; the storm's, the rest
            river_displaced = flood_destroyed if home else 0.0
            river_in_need = max(river_displaced, flood_damaged if wet else 0.0)
            out[t, region, 0, 0] += flood_damaged * person
            out[t, region, 0, 1] += river_displaced * person
            out[t, region, 0, 2] += river_in_need * person
            out[t, region, 0, 3] += flood_destroyed * person
            out[t, region, 1, 0] += (affected - flood_damaged) * person
            out[t, region, 1, 1] += (displaced - river_displaced) * person
            out[t, region, 1, 2] += (in_need - river_in_need) * person
            out[t, region, 1, 3] += (destroyed - flood_destroyed) * person
    return out
