"""The delta with a population or a terrain of one's own: exposure layers in place of the built-in ones.

DRR staff hold better exposure data than the built-in delta's spread of the census: a WorldPop
or GHSL count raster, an SRTM or Copernicus DEM, a HAND raster. Read onto the grid by the
catalog (:mod:`hazards.io.layers`), they replace the built-in population
(:func:`with_population`) or the height above drainage the flood model floods by
(:func:`with_elevation`). Nothing here reads a file: the engine opens the layers.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Literal

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from sim.core.messages import CodedError
from sim.delta.domain import Delta
from sim.delta.population import allocate_integers
from sim.delta.terrain import Terrain, sample_rivers

__all__ = ["DRAINAGE_SEARCH_KM", "TOTALS", "ExposureError", "height_above_rivers", "with_elevation", "with_population"]

TOTALS = ("census", "layer")
"""How a population layer's cercle totals are set: rescaled to the census projection, or the layer's own."""

DRAINAGE_SEARCH_KM = 3.0
"""Distance from a river line within which its channel is looked for in an elevation layer [km].

Notes
-----
Assumption: the river lines of ``sim/data/rivers.csv`` join vertices at the towns and can stray
from the channel by a few km between them; the lowest ground within 3 km of the line is taken
for the channel (a DEM's lowest cells along a river are its bed or its water surface).
"""


class ExposureError(CodedError):
    """An exposure layer that cannot replace the built-in one; one line naming the layer.

    ``ExposureError(code, english, **params)``: see :class:`sim.core.messages.CodedError`.
    """


def with_population(
    delta: Delta, counts: np.ndarray, name: str, totals: Literal["census", "layer"] = "census"
) -> Delta:
    """The delta with its people spread as a population layer spreads them.

    Parameters
    ----------
    delta : Delta
        The built-in delta.
    counts : numpy.ndarray
        Persons per cell on the delta's grid, NaN where the layer has no data. [person]
    name : str
        The layer's name, for messages.
    totals : {'census', 'layer'}
        ``census``: each cercle keeps its projected census population, spread in proportion to
        the layer's counts; ``layer``: each cercle holds the layer's own count of its people.

    Returns
    -------
    Delta
        A new delta; ``population`` replaced (whole persons per cell), and with ``totals='layer'``
        each covered cercle's ``population`` set to its count.

    Raises
    ------
    ExposureError
        If the layer puts nobody in any cercle.

    Notes
    -----
    The layer gives the pattern; by default (``census``) the cercle totals stay the census
    projections of :mod:`sim.delta.population`, so that a run with a layer is comparable with
    one without it and exact to the person: within each cercle the people are shared in
    proportion to the layer's counts, rounded to whole persons by largest remainder
    (:func:`sim.delta.population.allocate_integers`). With ``layer`` the counts are taken as
    they are (rounded to whole persons per cercle). Cells without data hold nobody; a cercle
    where the layer puts nobody (outside its coverage) keeps the built-in spread, and its census
    figure, either way. Cells outside every cercle hold nobody, as in the built-in delta.
    """
    known = np.where(np.isfinite(counts) & (delta.cercle_index >= 0), counts, 0.0).astype(np.float64)
    population = np.array(delta.population, dtype=np.int64, copy=True)
    cercles = list(delta.cercles)
    replaced = 0
    for k, cercle in enumerate(delta.cercles):
        inside = delta.cercle_index == k
        weights = np.where(inside, known, 0.0)
        found = float(weights.sum())
        if not found > 0:
            continue
        total = cercle.population if totals == "census" else int(round(found))
        population[inside] = allocate_integers(weights, total)[inside]
        if totals == "layer":
            cercles[k] = replace(cercle, population=total)
        replaced += 1
    if not replaced:
        raise ExposureError(
            "err_population_layer_nobody",
            "population layer {name!r} puts nobody in any cercle of the delta",
            name=name,
        )
    return replace(delta, population=population, cercles=tuple(cercles))


def height_above_rivers(delta: Delta, heights: np.ndarray, name: str) -> np.ndarray:
    """Height above the nearest river of an elevation layer (a DEM or a HAND raster). [m]

    Parameters
    ----------
    delta : Delta
        The delta whose rivers drain the cells.
    heights : numpy.ndarray
        Ground heights on the delta's grid, NaN where the layer has no data. [m]
    name : str
        The layer's name, for messages.

    Returns
    -------
    numpy.ndarray
        Height of each cell above the channel nearest it, at least 0; NaN where ``heights`` is. [m]

    Raises
    ------
    ExposureError
        If the layer has no value near any river.

    Notes
    -----
    The flood model floods by height above drainage (HAND), not by altitude: the delta's ground
    lies 260–300 m above sea level, higher upstream, while its floods are a few metres deep. So every
    elevation layer is taken relative to its rivers: the channel's level at each point sampled
    along the rivers (:func:`sim.delta.terrain.sample_rivers`) is the lowest height within
    :data:`DRAINAGE_SEARCH_KM` of it, and a cell's HAND is its height minus the level of the
    nearest such point that has one. A DEM [m above sea level] becomes HAND this way; a HAND
    raster, whose channels are at 0 already, comes out as it went in.
    """
    grid = delta.grid
    points, _ = sample_rivers(grid, list(delta.rivers))
    km_x, _ = grid.project_km(1.0, 0.0)
    _, km_y = grid.project_km(0.0, 1.0)
    cols = np.floor((points[:, 0] / km_x - grid.west) / grid.resolution).astype(int)
    rows = np.floor((grid.north - points[:, 1] / km_y) / grid.resolution).astype(int)
    on_grid = (rows >= 0) & (rows < grid.shape[0]) & (cols >= 0) & (cols < grid.shape[1])
    cell_km = grid.resolution * float(km_y)
    reach = max(1, math.ceil(DRAINAGE_SEARCH_KM / cell_km))
    disc = np.hypot(*np.mgrid[-reach : reach + 1, -reach : reach + 1]) <= reach
    lowest = ndimage.minimum_filter(np.where(np.isfinite(heights), heights, np.inf), footprint=disc, mode="nearest")
    level = np.full(len(points), np.inf)
    level[on_grid] = lowest[rows[on_grid], cols[on_grid]]
    known = np.isfinite(level)
    if not known.any():
        raise ExposureError(
            "err_elevation_layer_no_river",
            "elevation layer {name!r} has no value within {distance:g} km of a river; the height above the rivers cannot be found",
            name=name,
            distance=DRAINAGE_SEARCH_KM,
        )
    nearest = cKDTree(points[known]).query(grid.cell_centres_km, k=1)[1].reshape(grid.shape)
    return np.maximum(heights - level[known][nearest], 0.0)


def with_elevation(delta: Delta, heights: np.ndarray, name: str) -> Delta:
    """The delta with the flood terrain of an elevation layer.

    Parameters
    ----------
    delta : Delta
        The built-in delta.
    heights : numpy.ndarray
        Ground heights on the delta's grid (a DEM or a HAND raster), NaN where the layer has
        no data. [m]
    name : str
        The layer's name, for messages.

    Returns
    -------
    Delta
        A new delta whose ``terrain.hand_m`` is the layer's height above the rivers
        (:func:`height_above_rivers`) wherever the layer has data.

    Raises
    ------
    ExposureError
        If the layer has no value over the floodplain, or near any river.

    Notes
    -----
    Only the heights change. The floodplain keeps its extent, the topographic maximum of
    36,470 km² (:mod:`sim.delta.terrain`), and the flood its area for a stage
    (:func:`hazards.flood.flooded_area`): the layer decides which cells of the floodplain
    flood first and how deep. Cells without data keep the built-in HAND, and the built-in
    population is not spread again on the new terrain.
    """
    terrain = delta.terrain
    if not np.isfinite(heights[terrain.floodplain]).any():
        raise ExposureError(
            "err_elevation_layer_no_floodplain",
            "elevation layer {name!r} has no value over the floodplain; the flood model cannot use it",
            name=name,
        )
    above = height_above_rivers(delta, heights, name)
    hand = np.where(np.isfinite(above), above, terrain.hand_m)
    return replace(
        delta, terrain=Terrain(terrain.river_distance_km, terrain.floodplain, hand, terrain.half_width_scale)
    )
