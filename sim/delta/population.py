"""Where people live: cercle totals projected from the 2009 census, spread on the grid.

The raster holds whole persons per cell and its sum over each cercle equals that
cercle's projected population exactly. Towns with a known population are spread over a
disc of urban density. The rest of the cercle lives in the populated places OCHA lists
(``sim/data/admin/settlements.csv``), an equal share per place (:func:`settlement_weights`),
but for :data:`DISPERSED_SHARE` spread over the cercle by the village rule of
:func:`village_weights` (along the rivers and on the edges of the floodplain).

References
----------
.. [1] INSTAT (2009), 4e Recensement général de la population et de l'habitat du Mali
   (RGPH 2009): cercle populations and the 1998-2009 intercensal growth rates, as cited
   row by row in ``sim/data/cercles.csv`` and ``sim/data/growth.csv``.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from sim.core.climate import RAINFALL_SOUTH_MM, mean_annual_rainfall_mm
from sim.core.grid import Grid

CENSUS_YEAR = 2009
"""Year of the census the cercle populations come from. References: RGPH 2009 [1]_."""

URBAN_DENSITY_PER_KM2 = 5_000.0
"""Mean density of a delta town, used to size its footprint [person/km²]. Notes:
assumption, of the order of Sahelian secondary towns (Mopti ~120,000 people on ~25 km²)."""

RIVER_AFFINITY_KM = 8.0
"""Decay length of the attraction of rivers for villages [km]. Notes: assumption; delta
villages live from fishing, rice and flood-recession farming and sit near channels."""

EDGE_HAND_M = 6.5
"""HAND at which villages concentrate, just above the usual flood [m]. Notes: assumption
tied to :data:`sim.delta.terrain.FLOODPLAIN_RELIEF_M`: the floodplain edge."""

EDGE_WIDTH_M = 1.5
"""Spread of the floodplain-edge preference in HAND [m]. Notes: assumption."""

DEEP_FLOODPLAIN_FACTOR = 0.3
"""Relative weight of cells well inside the floodplain (HAND < 2 m) [-]. Notes:
assumption; villages there sit on mounds (toggere) and are fewer."""

RAINFED_MINIMUM_MM = 150.0
"""Rainfall below which rain-fed farming, and so dispersed rural settlement, fades out
[mm/yr]. Notes: assumption (the Sahel's agro-pastoral limit lies near 150-300 mm/yr)."""

CLUSTERING_SIGMA = 0.6
"""Log-standard deviation of the village clustering field [-]. Notes: assumption."""

POPULATION_SEED = 20090401
"""Seed of the village clustering field: fixed, so the built-in delta is reproducible."""

DISPERSED_SHARE = 0.1
"""Share of a cercle's rural people living away from the listed places (hamlets, herders'
camps, fishing camps) [-]. Notes: assumption; OCHA's list holds the villages and their
hamlets that the administration records, not the seasonal camps of the delta's herders and
fishers."""

TOWN_CLEARANCE_KM = 3.0
"""Distance from a town with a census figure within which a listed place is taken to be part
of the town, not a village of its own [km]. Notes: assumption; the towns' discs of
:data:`URBAN_DENSITY_PER_KM2` hold 1–3 km of radius."""


def project_population(population_2009: float, rate_per_year: float, year: int) -> int:
    """Population in ``year`` with a constant annual growth rate, rounded to a person.

    Parameters
    ----------
    population_2009 : float
        Census population. [person]
    rate_per_year : float
        Annual growth rate as a fraction (0.036 for 3.6 %/yr). [1/yr]
    year : int
        Target year.
    """
    return int(round(population_2009 * (1.0 + rate_per_year) ** (year - CENSUS_YEAR)))


def allocate_integers(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole counts proportional to ``weights`` that sum to ``total`` exactly.

    Largest-remainder rounding: every cell gets the floor of its share and the cells with
    the largest remainders get one more, ties broken by position.
    """
    weights = np.asarray(weights, float)
    if total < 0:
        raise ValueError(f"total must be non-negative, got {total}")
    out = np.zeros(weights.shape, np.int64)
    if total == 0:
        return out
    flat = weights.ravel()
    s = flat.sum()
    if not s > 0:
        raise ValueError("cannot allocate people to cells that all have zero weight")
    share = flat * (total / s)
    base = np.floor(share).astype(np.int64)
    missing = total - int(base.sum())
    if missing > 0:
        order = np.argsort(-(share - base), kind="stable")[:missing]
        base[order] += 1
    return base.reshape(weights.shape)


def village_weights(
    grid: Grid, hand_m: np.ndarray, river_distance_km: np.ndarray, floodplain: np.ndarray
) -> np.ndarray:
    """Relative density of rural population on the grid [-].

    A rain-fed base density that falls with rainfall from south to north, more near rivers
    and on the floodplain edge, less deep in the floodplain, modulated by a smooth seeded
    clustering field.
    """
    rainfall = mean_annual_rainfall_mm(grid.y[:, None])
    rainfed = np.clip((rainfall - RAINFED_MINIMUM_MM) / (RAINFALL_SOUTH_MM - RAINFED_MINIMUM_MM), 0.02, 1.2)
    river = 2.0 * np.exp(-river_distance_km / RIVER_AFFINITY_KM)
    edge = 1.5 * np.exp(-(((hand_m - EDGE_HAND_M) / EDGE_WIDTH_M) ** 2))
    weights = 0.5 * rainfed + river + edge
    weights = np.where(floodplain & (hand_m < 2.0), DEEP_FLOODPLAIN_FACTOR * weights, weights)
    rng = np.random.default_rng(POPULATION_SEED)
    field = ndimage.gaussian_filter(rng.standard_normal(grid.shape), sigma=1.5)
    field /= field.std() or 1.0
    return weights * np.exp(CLUSTERING_SIGMA * field) * grid.cell_area_km2[:, None]


def settlement_weights(
    grid: Grid,
    cercle_index: np.ndarray,
    places: list[tuple[float, float]],
    towns: list[tuple[float, float]],
    dispersed: np.ndarray,
) -> np.ndarray:
    """Relative density of each cercle's rural people on the grid, summing to 1 over each
    cercle that has cells [-].

    An equal share of ``1 - DISPERSED_SHARE`` for each listed place in the cercle (in the cell
    that holds it; places within :data:`TOWN_CLEARANCE_KM` of a ``town`` are left out, being
    part of it), and :data:`DISPERSED_SHARE` spread as ``dispersed``. A cercle with no listed
    place on the grid is spread as ``dispersed`` alone.

    Parameters
    ----------
    cercle_index : np.ndarray of int
        Index of the cercle of each cell, -1 outside every cercle.
    places : list of (lon, lat)
        Listed populated places. [deg]
    towns : list of (lon, lat)
        Towns with a census figure, spread on their own. [deg]
    dispersed : np.ndarray
        Relative density of the people away from the listed places (:func:`village_weights`).
    """
    count = np.zeros(grid.shape)
    town_km = np.array([grid.project_km(lon, lat) for lon, lat in towns]).reshape(-1, 2)
    for lon, lat in places:
        cell = grid.index_of(lon, lat)
        if cell is None:
            continue
        if len(town_km):
            x, y = grid.project_km(lon, lat)
            if np.hypot(town_km[:, 0] - x, town_km[:, 1] - y).min() < TOWN_CLEARANCE_KM:
                continue
        count[cell] += 1.0
    out = np.zeros(grid.shape)
    for k in range(int(cercle_index.max()) + 1):
        inside = cercle_index == k
        spread = np.where(inside, dispersed, 0.0)
        if not spread.sum() > 0:
            continue
        spread /= spread.sum()
        listed = np.where(inside, count, 0.0)
        if listed.sum() > 0:
            out += (1.0 - DISPERSED_SHARE) * listed / listed.sum() + DISPERSED_SHARE * spread
        else:
            out += spread
    return out


def town_kernel(grid: Grid, lon: float, lat: float, population: float) -> np.ndarray:
    """Weights of a town's footprint: a Gaussian disc of urban density, summing to 1."""
    centres = grid.cell_centres_km.reshape(*grid.shape, 2)
    cx, cy = grid.project_km(lon, lat)
    radius = max(np.sqrt(population / (np.pi * URBAN_DENSITY_PER_KM2)), 0.5)
    d2 = (centres[..., 0] - cx) ** 2 + (centres[..., 1] - cy) ** 2
    kernel = np.exp(-0.5 * d2 / radius**2)
    kernel[d2 > (4 * radius + grid.resolution * 111) ** 2] = 0.0
    if kernel.sum() == 0:
        cell = grid.index_of(lon, lat)
        if cell is not None:
            kernel[cell] = 1.0
    total = kernel.sum()
    return kernel / total if total > 0 else kernel


def population_raster(
    grid: Grid,
    cercle_index: np.ndarray,
    totals: list[int],
    towns: list[tuple[int, float, float, int]],
    rural_weights: np.ndarray,
) -> np.ndarray:
    """Persons per cell, summing exactly to ``totals[k]`` over the cells of cercle ``k``.

    Parameters
    ----------
    grid : Grid
    cercle_index : np.ndarray of int
        Index of the cercle of each cell, -1 outside every cercle.
    totals : list of int
        Population of each cercle. [person]
    towns : list of (cercle, lon, lat, population)
        Towns with a known population; each is spread inside its own cercle only. If the
        towns of a cercle hold more people than its total they are scaled down.
    rural_weights : np.ndarray
        Relative density of the remaining (village) population.

    Returns
    -------
    np.ndarray of int64
        [person]
    """
    out = np.zeros(grid.shape, np.int64)
    for k, total in enumerate(totals):
        inside = cercle_index == k
        if not inside.any():
            raise ValueError(f"cercle {k} has no cell on the grid at resolution {grid.resolution}°")
        expected = np.zeros(grid.shape)
        own = [(lon, lat, pop) for c, lon, lat, pop in towns if c == k]
        urban = float(sum(pop for _, _, pop in own))
        factor = min(1.0, total / urban) if urban > 0 else 1.0
        for lon, lat, pop in own:
            kernel = town_kernel(grid, lon, lat, pop) * inside
            if kernel.sum() == 0:
                kernel = _nearest_cell(grid, inside, lon, lat)
            expected += pop * factor * kernel / kernel.sum()
        rural_total = total - expected.sum()
        rural = rural_weights * inside
        expected += max(rural_total, 0.0) * rural / rural.sum()
        out += allocate_integers(expected * inside, total)
    return out


def _nearest_cell(grid: Grid, inside: np.ndarray, lon: float, lat: float) -> np.ndarray:
    centres = grid.cell_centres_km.reshape(*grid.shape, 2)
    cx, cy = grid.project_km(lon, lat)
    d2 = np.where(inside, (centres[..., 0] - cx) ** 2 + (centres[..., 1] - cy) ** 2, np.inf)
    kernel = np.zeros(grid.shape)
    kernel[np.unravel_index(np.argmin(d2), grid.shape)] = 1.0
    return kernel
