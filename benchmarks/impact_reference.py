"""The impact step written again as a plain per-cell Python loop: the reference the
vectorized :func:`sim.impact.people_impact` is timed against.

It follows the rules stated in :mod:`sim.impact` (the same constants, imported from there),
one cell and one day at a time with Python floats and the :mod:`math` module, without
numpy in the loop and without skipping cells that never flood (only cells without people or
outside every cercle are skipped, as any loop would). It is a reference for timing and for
checking that the fast code computes what the rules say; the product never calls it.

Counts are in persons, houses in households, shares in [-], depths in [m].
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import xarray as xr

from hazards.flood import BANCO_COLLAPSE_MAX, BANCO_COLLAPSE_RAIN_MM
from sim import impact
from sim.delta.domain import Delta

COUNTS = impact.COUNTS


def _interp(x: float, xs, ys) -> float:
    """Piecewise-linear interpolation of (xs, ys) at ``x``, flat beyond the ends."""
    if x <= xs[0]:
        return ys[0]
    for k in range(1, len(xs)):
        if x <= xs[k]:
            return ys[k - 1] + (ys[k] - ys[k - 1]) * (x - xs[k - 1]) / (xs[k] - xs[k - 1])
    return ys[-1]


def _normal_share(x: float) -> float:
    """Standard normal cumulative distribution at ``x`` [-]."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def cercle_spi_means(delta: Delta, spi3: np.ndarray) -> list[float]:
    """Mean SPI-3 of each cercle over its cells with a value (0 for a cercle without any) [-]."""
    sums = [0.0] * len(delta.cercles)
    counts = [0] * len(delta.cercles)
    for cercle, value in zip(delta.cercle_index.ravel().tolist(), spi3.ravel().tolist()):
        if cercle >= 0 and math.isfinite(value):
            sums[cercle] += value
            counts[cercle] += 1
    return [s / max(n, 1) for s, n in zip(sums, counts)]


def people_cells(delta: Delta) -> np.ndarray:
    """Flat indices of the cells the loop visits: with people, inside a cercle."""
    return np.flatnonzero((delta.population.ravel() > 0) & (delta.cercle_index.ravel() >= 0))


def loop_people_impact(
    delta: Delta, hazards: xr.Dataset, settings: impact.ImpactSettings, cells=None, spi_means: list[float] | None = None
) -> dict[str, np.ndarray]:
    """The outputs of :func:`sim.impact.people_impact`, summed over ``cells`` (default: every
    cell with people in a cercle), cell by cell and day by day.

    Returns
    -------
    dict of (day, cercle) arrays: ``exposed``, ``affected``, ``displaced``, ``in_need``
    [person], ``destroyed_houses``, ``displaced_households`` [household],
    ``displaced_in_sites``, ``food_insecure`` [person].
    """
    n_days = hazards.sizes["time"]
    n_cercles = len(delta.cercles)
    rain = hazards["rainfall"].values.reshape(n_days, -1)
    depth = hazards["flood_depth"].values.reshape(n_days, -1)
    normal = hazards["normal_flood_depth"].values.ravel()
    population = delta.population.ravel()
    cercle_of = delta.cercle_index.ravel()
    wrsi = hazards["wrsi"].values.ravel() if "wrsi" in hazards else None
    usual = hazards["wrsi_normal"].values.ravel() if "wrsi_normal" in hazards else None
    spi3 = hazards["spi3"].values if "spi3" in hazards else None
    if wrsi is not None and spi3 is not None and spi_means is None:
        spi_means = cercle_spi_means(delta, spi3)
    cells = people_cells(delta) if cells is None else cells

    days = [date.fromisoformat(str(t)[:10]) for t in hazards["time"].values]
    harvest = date(days[0].year, *impact.HARVEST_MONTH_DAY)
    moved_from = harvest + timedelta(days=impact.DROUGHT_DISPLACEMENT_LAG_DAYS)
    depths, ratios = impact.JRC_AFRICA_RESIDENTIAL
    destroyed_depth = _interp(settings.displacement_damage, ratios, depths)
    affected_depth = _interp(impact.AFFECTED_DAMAGE, ratios, depths)
    spread = impact.HOUSE_FLOOR_SPREAD_M
    start, full = BANCO_COLLAPSE_RAIN_MM

    totals = {
        name: [[0.0] * n_cercles for _ in range(n_days)] for name in (*COUNTS, "destroyed", "food", "drought_displaced")
    }
    for cell in np.asarray(cells).tolist():
        c = int(cercle_of[cell])
        people = float(np.float32(population[cell]))  # people_impact counts people in float32
        rain_days = rain[:, cell].tolist()
        level_days = (depth[:, cell] - normal[cell]).tolist()
        # first pass: shares day by day, running maxima and the collapse product
        flood_destroyed = flood_damaged = 0.0
        still_standing = 1.0
        last_wet = last_collapse = -1
        destroyed_days, affected_days, wet_days = [], [], []
        for d in range(n_days):
            level, r = level_days[d], rain_days[d]
            wet = level > 0.0  # False for NaN
            if wet or r >= impact.STORM_EXPOSURE_MM:
                totals["exposed"][d][c] += people
            if wet:
                house = level - impact.HOUSE_FREEBOARD_M
                flood_destroyed = max(flood_destroyed, _normal_share((house - destroyed_depth) / spread))
                flood_damaged = max(flood_damaged, _normal_share((house - affected_depth) / spread))
                last_wet = d
            x = min(max((r - start) / (full - start), 0.0), 1.0)
            collapse = BANCO_COLLAPSE_MAX * x * x
            if collapse > 0.0:
                last_collapse = d
            still_standing *= 1.0 - settings.banco_share * collapse
            collapsed = 1.0 - still_standing
            destroyed = 1.0 - (1.0 - flood_destroyed) * (1.0 - collapsed)
            affected = max(1.0 - (1.0 - flood_damaged) * (1.0 - collapsed), destroyed)
            destroyed_days.append(destroyed)
            affected_days.append(affected)
            wet_days.append(wet)
        # second pass: displaced until the water has left and the house is rebuilt
        home_again = max(last_wet, last_collapse) + settings.rebuild_days
        for d in range(n_days):
            displaced = destroyed_days[d] if d <= home_again else 0.0
            in_need = max(displaced, affected_days[d] if wet_days[d] else 0.0)
            totals["affected"][d][c] += affected_days[d] * people
            totals["displaced"][d][c] += displaced * people
            totals["in_need"][d][c] += in_need * people
            totals["destroyed"][d][c] += destroyed_days[d] * people
        # drought: a failed harvest, where the median year's succeeds, in a cercle in drought
        if spi_means is not None:
            w = float(wrsi[cell])
            normally = usual is None or float(usual[cell]) >= 50.0
            if math.isfinite(w) and w < 50.0 and normally and spi_means[c] <= impact.DROUGHT_SPI:
                failed = impact.FOOD_INSECURE_SHARE * float(population[cell])
                for d in range(n_days):
                    if days[d] >= harvest:
                        totals["food"][d][c] += failed
                    if days[d] >= moved_from:
                        totals["drought_displaced"][d][c] += impact.DROUGHT_DISPLACED_SHARE * failed

    out = {name: np.array(rows) for name, rows in totals.items()}
    out["affected"] += out["food"]
    out["displaced"] += out["drought_displaced"]
    out["in_need"] += out["food"]
    size = settings.household_size
    return {
        **{name: out[name] for name in COUNTS},
        "destroyed_houses": out["destroyed"] / size,
        "displaced_households": out["displaced"] / size,
        "displaced_in_sites": out["displaced"] * (1.0 - settings.hosted_share),
        "food_insecure": out["food"],
    }


def as_loop_outputs(result: xr.Dataset) -> dict[str, np.ndarray]:
    """The outputs of :func:`sim.impact.people_impact` in the layout of :func:`loop_people_impact`."""
    out = {name: result["people"].sel(count=name).values for name in COUNTS}
    for name in ("destroyed_houses", "displaced_households", "displaced_in_sites", "food_insecure"):
        out[name] = result[name].values
    return out


def rounding_allowance(delta: Delta) -> np.ndarray:
    """Largest difference accepted between people_impact and the loop in each cercle [person].

    people_impact works in float32 (shares and people), the loop in float64: each cell's
    share can be off by about one float32 rounding step of 1 (``eps``, 1.2e-7), so a count
    over a cercle by ``eps`` times the people of the cercle. Notes: bound set from that
    argument; the measured differences are about a tenth of it.
    """
    people = np.zeros(len(delta.cercles))
    index = delta.cercle_index.ravel()
    inside = index >= 0
    np.add.at(people, index[inside], delta.population.ravel()[inside])
    return float(np.finfo(np.float32).eps) * people


def allowance_used(ours: dict[str, np.ndarray], loop: dict[str, np.ndarray], delta: Delta) -> tuple[str, float]:
    """The output nearest its :func:`rounding_allowance`, and the share of it used [-] (above 1: disagreement)."""
    allowance = rounding_allowance(delta)[None, :]
    used = {
        name: float((np.abs(np.asarray(ours[name], float) - reference) / np.maximum(allowance, 1e-12)).max())
        for name, reference in loop.items()
    }
    name = max(used, key=used.get)
    return name, used[name]


def largest_difference(ours: dict[str, np.ndarray], loop: dict[str, np.ndarray]) -> tuple[str, float]:
    """The output that differs most between the two, and by how much, relative to its largest value [-]."""
    worst = ("", 0.0)
    for name, reference in loop.items():
        scale = max(float(np.abs(reference).max()), 1.0)
        diff = float(np.abs(np.asarray(ours[name], float) - reference).max()) / scale
        if diff > worst[1] or not worst[0]:
            worst = (name, diff)
    return worst
