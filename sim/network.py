"""The transport network: roads and river legs between hubs and cercle capitals, and the days
the flood cuts them.

Links come from ``sim/data/links.csv`` (distances, published travel times, and whether the
source says the link is cut in the rainy season). A link's geometry is the straight segment
between its two places. Roads, like houses, are built above the water they expect: a road
the sources call seasonal (an earth track across the floodplain) is cut when the water rises
:data:`SEASONAL_ROAD_CUT_DEPTH_M` above its dry-season level at any point sampled along it;
any other road when the water rises :data:`ROAD_CUT_DEPTH_M` above a median year's flood.
Points within :data:`BRIDGE_KM` of a channel are bridges or ferries and never cut a road.
River legs are open only when the stage at Mopti is at least the plan's boats' ``min_stage``
(:data:`sim.plan.NAVIGATION_STAGE_CM` by default).
"""

from __future__ import annotations

import heapq
import weakref
from dataclasses import dataclass

import numpy as np

from sim.delta.domain import Delta, Link
from sim.impact import HOUSE_FREEBOARD_M

ROAD_CUT_DEPTH_M = HOUSE_FREEBOARD_M
"""Rise of the water above a median year's flood that cuts a road not known to flood every
year [m]. Notes: assumption: paved roads and dikes stand at least as high as the villages
they serve (:data:`sim.impact.HOUSE_FREEBOARD_M`)."""

SEASONAL_ROAD_CUT_DEPTH_M = 0.1
"""Flood depth that cuts a road the sources say is impassable in the rainy season [m]. Notes:
assumption (earth tracks across the floodplain, e.g. Macina–Diafarabé, around Youwarou)."""


BRIDGE_KM = 3.0
"""Distance from a channel within which a road crosses by bridge, ferry or causeway [km]."""

SAMPLES_PER_KM = 0.5
"""Points sampled along a link per km to test it against the flood [1/km]."""


@dataclass(frozen=True)
class Leg:
    """One link in one direction."""

    origin: str
    destination: str
    mode: str
    distance_km: float
    seasonal: bool
    hours: float | None


def legs(delta: Delta) -> list[Leg]:
    """Every link of the delta in both directions, with a distance (straight line × 1.3 when the source gives none)."""
    out = []
    for link in delta.links:
        distance = link.distance_km if link.distance_km is not None else 1.3 * _straight_km(delta, link)
        hours = link.time_max_h
        for a, b in ((link.origin, link.destination), (link.destination, link.origin)):
            out.append(Leg(a, b, link.mode, float(distance), link.seasonal, hours))
    return out


_ROUTES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Routes already found, per delta (kept while the delta lives): the flood closes the same
few roads in member after member, so a warm ensemble worker finds most routes here."""


def network_state(
    road_cut: dict[tuple[str, str], np.ndarray], mopti_stage_cm: np.ndarray, boats_min_stage_cm: float, day: int
) -> tuple[frozenset, tuple[str, ...]]:
    """The roads the flood cuts on ``day`` as (place, place, "road") triples, and the modes open:
    the river too when Mopti stands at or above the boats' lowest stage (``inf`` without boats)."""
    closed = frozenset((a, b, "road") for (a, b), cut in road_cut.items() if cut[day])
    modes = ("road", "river") if mopti_stage_cm[day] >= boats_min_stage_cm else ("road",)
    return closed, modes


def shortest_route(
    delta: Delta, origin: str, destination: str, closed: set[tuple[str, str, str]] = frozenset(), modes=("road",)
) -> list[Leg] | None:
    """The shortest route by distance between two places over open links of the given modes (None if none).

    ``closed`` holds (place, place, mode) triples, in either order of the places.
    """
    found = _ROUTES.setdefault(delta, {})
    key = (origin, destination, frozenset(closed), tuple(modes))
    if key not in found:
        found[key] = _search(delta, origin, destination, closed, modes)
    route = found[key]
    return None if route is None else list(route)


def _search(delta: Delta, origin: str, destination: str, closed, modes) -> tuple[Leg, ...] | None:
    """Dijkstra over the open links (:func:`shortest_route`)."""
    graph: dict[str, list[Leg]] = {}
    for leg in _legs(delta):
        if (
            leg.mode in modes
            and (leg.origin, leg.destination, leg.mode) not in closed
            and (leg.destination, leg.origin, leg.mode) not in closed
        ):
            graph.setdefault(leg.origin, []).append(leg)
    best = {origin: 0.0}
    previous: dict[str, Leg] = {}
    queue = [(0.0, origin)]
    while queue:
        distance, place = heapq.heappop(queue)
        if place == destination:
            break
        if distance > best.get(place, np.inf):
            continue
        for leg in graph.get(place, []):
            candidate = distance + leg.distance_km
            if candidate < best.get(leg.destination, np.inf):
                best[leg.destination] = candidate
                previous[leg.destination] = leg
                heapq.heappush(queue, (candidate, leg.destination))
    if destination not in best:
        return None
    route = []
    place = destination
    while place != origin:
        leg = previous[place]
        route.append(leg)
        place = leg.origin
    return tuple(route[::-1])


_LEGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _legs(delta: Delta) -> list[Leg]:
    """:func:`legs` of a delta, computed once while it lives."""
    if delta not in _LEGS:
        _LEGS[delta] = legs(delta)
    return _LEGS[delta]


def cut_days(
    delta: Delta, link: Link | Leg, flood_depth: np.ndarray, normal_depth: np.ndarray, dry_depth: np.ndarray
) -> np.ndarray:
    """Days on which the flood cuts a road link (bool per day).

    Parameters
    ----------
    flood_depth : np.ndarray
        (day, y, x) flood depth on the delta's grid. [m]
    normal_depth, dry_depth : np.ndarray
        (y, x) highest water of a median year's flood and of the dry season
        (``normal_flood_depth`` and ``dry_season_depth`` of :func:`hazards.season.hazard_season`). [m]
    """
    rows, cols = _sample_cells(delta, link)
    if rows.size == 0:
        return np.zeros(flood_depth.shape[0], bool)
    if link.seasonal:
        rise = flood_depth[:, rows, cols] - dry_depth[rows, cols]
        limit = SEASONAL_ROAD_CUT_DEPTH_M
    else:
        rise = flood_depth[:, rows, cols] - normal_depth[rows, cols]
        limit = ROAD_CUT_DEPTH_M
    return (rise > limit).any(axis=1)


def _sample_cells(delta: Delta, link) -> tuple[np.ndarray, np.ndarray]:
    """Grid cells along a link, away from the channels it crosses."""
    a, b = delta.place(link.origin), delta.place(link.destination)
    n = max(int(_straight_km(delta, link) * SAMPLES_PER_KM), 2)
    cells = [delta.grid.index_of(x, y) for x, y in zip(np.linspace(a.lon, b.lon, n), np.linspace(a.lat, b.lat, n))]
    cells = [c for c in cells if c is not None and delta.terrain.river_distance_km[c] > BRIDGE_KM]
    if not cells:
        return np.array([], int), np.array([], int)
    rows, cols = np.array(cells).T
    return rows, cols


def _straight_km(delta: Delta, link) -> float:
    a, b = delta.place(link.origin), delta.place(link.destination)
    ax, ay = delta.grid.project_km(a.lon, a.lat)
    bx, by = delta.grid.project_km(b.lon, b.lat)
    return float(np.hypot(bx - ax, by - ay))
