"""Terrain for floods: rivers, the floodplain and a height-above-nearest-drainage raster.

The inland delta is flat: what decides whether a place floods is how high it stands above
the nearest channel, not its absolute elevation. HAND (height above nearest drainage) is
derived here from the river network and a floodplain shape:

* every cell gets its distance to the nearest channel and the floodplain half-width
  of that stretch of river (from ``sim/data/rivers.csv``);
* the half-widths are scaled together so that the floodplain covers the topographic
  maximum flooded area of the delta, 36,470 km² [1]_;
* inside the floodplain HAND rises with the distance to the channel up to
  :data:`FLOODPLAIN_RELIEF_M`; outside it keeps rising with :data:`UPLAND_SLOPE_M_PER_KM`;
* lakes are HAND = 0, and a smooth deterministic micro-relief (levees, mounds) is added.

References
----------
.. [1] ONISDIN, "Flood dynamics": maximum inundation area from IGN topographic maps
   36,470 km². https://onisdin.info/en/hydrology/flood-dynamics
.. [2] OPIDIN technical background: Mopti ~100 cm in the dry season; the flood rises
   ~380 cm above it in dry years and >600 cm in wet years.
   https://opidin.org/en/background/technical-background-opidin
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from sim.core.grid import Grid

TOPOGRAPHIC_MAX_FLOOD_KM2 = 36_470.0
"""Largest area the delta can flood [km²]. References: ONISDIN flood dynamics [1]_."""

FLOODPLAIN_RELIEF_M = 6.0
"""HAND at the outer edge of the floodplain [m]. Notes: the flood at Mopti rises about
3.8 m above its dry-season level in dry years and more than 6 m in wet years [2]_; the
highest floods reach the floodplain's edge."""

UPLAND_SLOPE_M_PER_KM = 0.5
"""Rise of HAND per km beyond the floodplain edge [m/km]. Notes: assumption; it only has
to keep the uplands dry, its value does not change flooded areas inside the floodplain."""

MICRO_RELIEF_M = 0.4
"""Standard deviation of the smooth micro-relief (levees, mounds) [m]. Notes: assumption,
of the order of the mounds (toggere) on which delta villages stand."""

MICRO_RELIEF_SCALE_KM = 4.0
"""Correlation length of the micro-relief [km]. Notes: assumption."""

RIVER_SAMPLING_KM = 0.5
"""Spacing of the points that sample each river line for distance computations [km]."""

TERRAIN_SEED = 20090401
"""Seed of the micro-relief: fixed, so the built-in delta is the same on every machine."""


@dataclass(frozen=True)
class River:
    """A river as an ordered line of vertices.

    Attributes
    ----------
    name : str
    places : tuple of str
        Names of the vertices, upstream to downstream.
    lon, lat : np.ndarray
        Vertex coordinates. [deg]
    half_width_km : np.ndarray
        Floodplain half-width at each vertex before calibration. [km]
    """

    name: str
    places: tuple[str, ...]
    lon: np.ndarray
    lat: np.ndarray
    half_width_km: np.ndarray


@dataclass(frozen=True)
class Terrain:
    """Flood terrain on the grid (all arrays have the grid's shape).

    Attributes
    ----------
    river_distance_km : np.ndarray
        Distance from the cell centre to the nearest channel. [km]
    floodplain : np.ndarray of bool
        Cells inside the floodplain.
    hand_m : np.ndarray
        Height above nearest drainage. [m]
    half_width_scale : float
        Factor applied to the tabulated half-widths to match the topographic maximum.
    """

    river_distance_km: np.ndarray
    floodplain: np.ndarray
    hand_m: np.ndarray
    half_width_scale: float


def rivers_from_rows(rows, places: dict[str, tuple[float, float]]) -> list[River]:
    """Build :class:`River` objects from the rows of ``rivers.csv``, in table order.

    A vertex without coordinates takes those of the settlement it names (``places``:
    name → (lon, lat)), so that a river passes exactly through its towns.

    Raises
    ------
    KeyError
        If a vertex without coordinates names no known settlement.
    """
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["river"], []).append(row)
    rivers = []
    for name, items in grouped.items():
        items = sorted(items, key=lambda r: int(r["order"]))
        coords = []
        for r in items:
            if r["lon"] and r["lat"]:
                coords.append((float(r["lon"]), float(r["lat"])))
            elif r["place"] in places:
                coords.append(places[r["place"]])
            else:
                raise KeyError(
                    f"rivers.csv: {name} vertex {r['place']!r} has no coordinates and is no known settlement"
                )
        rivers.append(
            River(
                name=name,
                places=tuple(r["place"] for r in items),
                lon=np.array([c[0] for c in coords]),
                lat=np.array([c[1] for c in coords]),
                half_width_km=np.array([float(r["floodplain_half_width_km"]) for r in items]),
            )
        )
    return rivers


def sample_rivers(grid: Grid, rivers: list[River], step_km: float = RIVER_SAMPLING_KM):
    """Points every ``step_km`` along all rivers, with the interpolated half-width.

    Returns
    -------
    points : np.ndarray
        (n, 2) projected coordinates. [km]
    half_width : np.ndarray
        (n,) floodplain half-width at each point. [km]
    """
    points, widths = [], []
    for river in rivers:
        x, y = grid.project_km(river.lon, river.lat)
        for i in range(len(x) - 1):
            length = float(np.hypot(x[i + 1] - x[i], y[i + 1] - y[i]))
            n = max(2, int(np.ceil(length / step_km)) + 1)
            t = np.linspace(0.0, 1.0, n)
            points.append(np.column_stack([x[i] + t * (x[i + 1] - x[i]), y[i] + t * (y[i + 1] - y[i])]))
            widths.append(river.half_width_km[i] + t * (river.half_width_km[i + 1] - river.half_width_km[i]))
    return np.vstack(points), np.concatenate(widths)


def lake_mask(grid: Grid, lakes) -> np.ndarray:
    """Cells whose centre lies in one of the lakes (discs given by centre and radius)."""
    mask = np.zeros(grid.shape, bool)
    centres = grid.cell_centres_km.reshape(*grid.shape, 2)
    for lake in lakes:
        cx, cy = grid.project_km(float(lake["lon"]), float(lake["lat"]))
        mask |= np.hypot(centres[..., 0] - cx, centres[..., 1] - cy) <= float(lake["radius_km"])
    return mask


def floodplain_area_km2(grid: Grid, mask: np.ndarray) -> float:
    """Area of the cells in ``mask``. [km²]"""
    return float((mask * grid.cell_area_km2[:, None]).sum())


def build_terrain(grid: Grid, rivers: list[River], lakes, target_km2: float = TOPOGRAPHIC_MAX_FLOOD_KM2) -> Terrain:
    """Distance to rivers, floodplain and HAND on ``grid``.

    The tabulated half-widths are multiplied by one factor, found by bisection, so that
    the floodplain (with the lakes) covers ``target_km2`` within 0.5 %.
    """
    points, widths = sample_rivers(grid, rivers)
    distance, nearest = cKDTree(points).query(grid.cell_centres_km, k=1)
    distance = distance.reshape(grid.shape)
    half_width = widths[nearest].reshape(grid.shape)
    lakes_here = lake_mask(grid, lakes)

    def plain(scale: float) -> np.ndarray:
        return (distance <= scale * half_width) | lakes_here

    low, high = 0.05, 20.0
    scale = 1.0
    for _ in range(60):
        scale = 0.5 * (low + high)
        area = floodplain_area_km2(grid, plain(scale))
        if abs(area - target_km2) <= 0.005 * target_km2:
            break
        low, high = (scale, high) if area < target_km2 else (low, scale)
    floodplain = plain(scale)

    scaled = scale * half_width
    inside = FLOODPLAIN_RELIEF_M * np.clip(distance / scaled, 0.0, 1.0)
    outside = FLOODPLAIN_RELIEF_M + UPLAND_SLOPE_M_PER_KM * np.maximum(distance - scaled, 0.0)
    hand = np.where(floodplain, inside, outside) + micro_relief(grid)
    hand = np.where(lakes_here, 0.0, np.maximum(hand, 0.0))
    return Terrain(
        river_distance_km=distance,
        floodplain=floodplain,
        hand_m=hand,
        half_width_scale=float(scale),
    )


def micro_relief(grid: Grid, sigma_m: float = MICRO_RELIEF_M, scale_km: float = MICRO_RELIEF_SCALE_KM) -> np.ndarray:
    """Smooth, zero-mean relief with standard deviation ``sigma_m``. [m]

    Deterministic (seeded with :data:`TERRAIN_SEED`) and independent of the resolution in
    its length scale.
    """
    rng = np.random.default_rng(TERRAIN_SEED)
    noise = rng.standard_normal(grid.shape)
    cell_km = grid.resolution * 111.0
    smooth = ndimage.gaussian_filter(noise, sigma=max(scale_km / cell_km, 0.5), mode="reflect")
    std = smooth.std()
    return sigma_m * smooth / std if std > 0 else smooth
