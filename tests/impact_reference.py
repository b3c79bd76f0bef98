"""The impact rules of :mod:`sim.impact` the plain way, on whole (day, cell) arrays.

The readable reference the compiled kernel (:mod:`sim.impact_kernel`) is checked against, in
``tests/test_impact.py``: same rules, written as array operations over every day of every
cell where something happens, and summed per cercle with a sparse matrix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from hazards.flood import BANCO_COLLAPSE_RAIN_MM, banco_collapse_fraction
from sim.impact import (
    AFFECTED_DAMAGE,
    STORM_EXPOSURE_MM,
    ImpactSettings,
    depth_for_damage,
    drought_impact,
    share_above,
)


def flood_impact(
    house_depth: np.ndarray,
    rain: np.ndarray,
    collapse_share: np.ndarray,
    settings: ImpactSettings,
) -> dict[str, np.ndarray]:
    """Daily shares of each cell's people in each count, for floods and storms [-].

    Parameters
    ----------
    house_depth : np.ndarray
        (day, y, x) water level relative to the cell's mean house floor, NaN where the water
        is not above its usual yearly level. [m]
    rain : np.ndarray
        (day, y, x) daily rainfall. [mm/day]
    collapse_share : np.ndarray
        (day, y, x) share of earth houses collapsing that day. [-]

    Returns
    -------
    dict of (day, y, x) arrays: exposed, affected, displaced, in_need, destroyed.
    """
    destroyed_depth = depth_for_damage(settings.displacement_damage)
    affected_depth = depth_for_damage(AFFECTED_DAMAGE)
    wet = np.isfinite(house_depth)
    exposed = (wet | (rain >= STORM_EXPOSURE_MM)).astype(np.float64)
    # shares come as float32; 1 − share in float32 would lose up to 3e-8 of each: float64 from here on
    spread = settings.floor_spread
    flood_destroyed = np.maximum.accumulate(
        share_above(house_depth, destroyed_depth, spread).astype(np.float64), axis=0
    )
    flood_damaged = np.maximum.accumulate(share_above(house_depth, affected_depth, spread).astype(np.float64), axis=0)
    standing = 1.0 - np.cumprod(1.0 - settings.banco_share * collapse_share, axis=0)
    destroyed = 1.0 - (1.0 - flood_destroyed) * (1.0 - standing)
    affected = np.maximum(1.0 - (1.0 - flood_damaged) * (1.0 - standing), destroyed)
    # displaced until the water has left the house and it has been rebuilt
    days = np.arange(house_depth.shape[0]).reshape((-1,) + (1,) * (house_depth.ndim - 1))
    last_wet = np.where(wet.any(axis=0), house_depth.shape[0] - 1 - np.argmax(wet[::-1], axis=0), -1)
    collapse_days = collapse_share > 0
    last_collapse = np.where(
        collapse_days.any(axis=0), house_depth.shape[0] - 1 - np.argmax(collapse_days[::-1], axis=0), -1
    )
    home_again = np.maximum(last_wet, last_collapse) + settings.rebuild_days
    displaced = np.where(days <= home_again[None], destroyed, 0.0)
    in_need = np.maximum(displaced, np.where(wet, affected, 0.0))
    return {
        "exposed": exposed,
        "affected": affected,
        "displaced": displaced,
        "in_need": in_need,
        "destroyed": destroyed,
    }


def plain_totals(delta, hazards, settings: ImpactSettings) -> dict[str, np.ndarray]:
    """People per (day, cercle) in each count: :func:`flood_impact` on the (day, cell) arrays
    of the cells where water rises or houses fall, and :func:`sim.impact.drought_impact`,
    summed over each cercle's cells with a sparse matrix [person]."""
    days = hazards.sizes["time"]
    rain = hazards["rainfall"].values.reshape(days, -1)
    above = hazards["flood_depth"].values.reshape(days, -1) - hazards["normal_flood_depth"].values.reshape(1, -1)
    people = delta.population.ravel()
    index = delta.cercle_index.ravel()
    cells = np.flatnonzero(index >= 0)
    membership = sparse.csr_matrix((np.ones(len(cells)), (cells, index[cells])), shape=(index.size, len(delta.cercles)))
    exposed = ((above > 0) | (rain >= STORM_EXPOSURE_MM)).astype(np.float64)
    active = np.flatnonzero(((above > 0) | (rain > BANCO_COLLAPSE_RAIN_MM[0])).any(axis=0) & (people > 0))
    level = above[:, active].astype(np.float64)
    house = np.where(level > 0, level - settings.house_freeboard, np.nan)
    shares = flood_impact(house, rain[:, active], banco_collapse_fraction(rain[:, active]), settings)
    totals = {"exposed": np.asarray((exposed * people) @ membership)}
    for name in ("affected", "displaced", "in_need", "destroyed"):
        totals[name] = np.asarray((shares[name] * people[active]) @ membership[active])
    spi = hazards["spi3"].values
    valid = np.isfinite(spi)
    means = np.append(
        (np.where(valid, spi, 0.0).ravel() @ membership) / np.maximum(valid.astype(float).ravel() @ membership, 1),
        np.nan,
    )
    drought = drought_impact(
        pd.DatetimeIndex(hazards.time.values),
        hazards["wrsi"].values,
        means[delta.cercle_index],
        hazards["wrsi_normal"].values,
    )
    totals["food_insecure"] = np.asarray((drought["food_insecure"] * delta.population).reshape(days, -1) @ membership)
    totals["drought_displaced"] = np.asarray((drought["displaced"] * delta.population).reshape(days, -1) @ membership)
    return totals
