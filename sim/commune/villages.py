"""A commune's villages: where they are, how many people live there, and from which stage of
the river each one floods (the warning levels a village committee keeps by the radio).

The villages are OCHA's populated places (``sim/data/admin/settlements.csv``); a place listed
twice at the same spot (a commune's chief town is listed as such and as a village) is one
village. Its people are the model's: the people of its grid cell shared between the places
listed in that cell (:mod:`sim.delta.population` puts each cercle's rural people in equal
shares on its listed places).

A village *floods* when at least :data:`VILLAGE_FLOODED_SHARE` of its houses take water by the
model's rules (:mod:`sim.impact`: water above a median year's flood, house floors
:data:`sim.impact.HOUSE_FREEBOARD_M` above it on average, spread by
:data:`sim.impact.HOUSE_FLOOR_SPREAD_M`; a house is affected from a damage of
:data:`sim.impact.AFFECTED_DAMAGE`). The stage from which it floods comes from the model's
stage–extent relation (:func:`hazards.flood.depth_at_cells`): the depth at a cell rises with
the stage, so a village flooded at a stage is flooded at every higher one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hazards.baselines import normal_flood_depth
from hazards.flood import GAUGE_RELATIONS, depth_at_cells, reach_gauge
from sim.delta.communes import Commune
from sim.delta.domain import LISTED_PLACES, Delta
from sim.impact import AFFECTED_DAMAGE, ImpactSettings, depth_for_damage, share_above

VILLAGE_FLOODED_SHARE = 0.1
"""Share of a village's houses taking water from which the village counts as flooded [-].
Notes: assumption, one house in ten: what a village committee calls "the water is in the
village"; the people counted are the model's, whatever this share."""

STAGE_SCAN_CM = (300.0, 1000.0, 1.0)
"""First, last and step of the Mopti stages scanned for each village's flooding stage [cm].
Notes: from below the dry-year floods (~380 cm above the dry season, OPIDIN) to far above the
highest on record (716 cm, 2024); a village not flooded at the last is "not flooded"."""


@dataclass(frozen=True)
class Village:
    """A village of the delta.

    Attributes
    ----------
    pcode, name, commune_pcode : str
        OCHA's codes and name.
    lon, lat : float
        [deg]
    cell : int or None
        Flat (row-major) index of its grid cell; None off the grid.
    people : float
        The model's people of the village [person].
    """

    pcode: str
    name: str
    commune_pcode: str
    lon: float
    lat: float
    cell: int | None
    people: float


def read_places(path: str | Path = LISTED_PLACES) -> list[dict[str, str]]:
    """The rows of OCHA's populated places (name, pcode, class, cercle_pcode, commune_pcode, lon, lat)."""
    with Path(path).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def village_names(places: list[dict[str, str]]) -> dict[str, list[str]]:
    """Village name → pcodes of the communes that have a village of that name."""
    out: dict[str, list[str]] = {}
    for row in places:
        pcodes = out.setdefault(row["name"], [])
        if row["commune_pcode"] not in pcodes:
            pcodes.append(row["commune_pcode"])
    return out


def all_villages(delta: Delta, places: list[dict[str, str]]) -> list[Village]:
    """Every village of ``places`` (one per name and spot, the lowest class kept), with its cell
    and people (see the module)."""
    grid = delta.grid
    cols = grid.shape[1]
    kept: dict[tuple, dict] = {}
    listed: dict[tuple, int] = {}
    for row in sorted(places, key=lambda r: (int(r["class"]), r["pcode"])):
        key = (row["name"], row["lon"], row["lat"])
        kept.setdefault(key, row)
        listed[key] = listed.get(key, 0) + 1
    cells: dict[tuple, int | None] = {}
    in_cell: dict[int, int] = {}
    for key, row in kept.items():
        where = grid.index_of(float(row["lon"]), float(row["lat"]))
        cells[key] = None if where is None else where[0] * cols + where[1]
        if cells[key] is not None:
            in_cell[cells[key]] = in_cell.get(cells[key], 0) + listed[key]
    people = delta.population.ravel()
    out = []
    for key, row in kept.items():
        cell = cells[key]
        share = 0.0 if cell is None else float(people[cell]) * listed[key] / in_cell[cell]
        out.append(
            Village(row["pcode"], row["name"], row["commune_pcode"], float(row["lon"]), float(row["lat"]), cell, share)
        )
    return out


def villages_of(commune: Commune, villages: list[Village]) -> list[Village]:
    """The commune's villages on the grid, by name."""
    return sorted(
        (v for v in villages if v.commune_pcode == commune.pcode and v.cell is not None), key=lambda v: v.name
    )


def flooded_share(depth_m, normal_m, settings: ImpactSettings) -> np.ndarray:
    """Share of a cell's houses taking water (affected by the model's rule) at ``depth_m`` of
    flood where a median year's flood reaches ``normal_m`` [-] (arrays broadcast together)."""
    above = np.asarray(depth_m, float) - np.asarray(normal_m, float)
    share = share_above(above - settings.house_freeboard, depth_for_damage(AFFECTED_DAMAGE), settings.floor_spread)
    return np.where(above > 0, share, 0.0)


def first_flooding(stages_cm: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """For each column of ``shares`` (stage × village, rising with the stage), the first of
    ``stages_cm`` at which it reaches :data:`VILLAGE_FLOODED_SHARE`; NaN if none [cm]."""
    flooded = np.asarray(shares) >= VILLAGE_FLOODED_SHARE
    first = np.argmax(flooded, axis=0)
    return np.where(flooded.any(axis=0), np.asarray(stages_cm, float)[first], np.nan)


def flooding_stage(delta: Delta, cells: list[int], settings: ImpactSettings) -> np.ndarray:
    """The Mopti stage from which the village in each cell floods [cm] (NaN: not within
    :data:`STAGE_SCAN_CM`); the other gauges follow Mopti by :data:`hazards.flood.GAUGE_RELATIONS`."""
    if not cells:
        return np.zeros(0)
    low, high, step = STAGE_SCAN_CM
    mopti = np.arange(low, high + step / 2, step)
    stages = {name: mopti * relation.ratio for name, relation in GAUGE_RELATIONS.items()}
    depth = depth_at_cells(delta, np.asarray(cells), stages)
    normal = normal_flood_depth(delta).ravel()[np.asarray(cells)]
    return first_flooding(mopti, flooded_share(depth, normal[None, :], settings))


def reference_gauge(delta: Delta, villages: list[Village]) -> str:
    """The gauge the commune's floodplain villages follow, the one of most of their people
    (Mopti when none is on the floodplain)."""
    weights: dict[str, float] = {}
    for village, gauge in zip(villages, reach_gauge(delta, [v.cell for v in villages]), strict=True):
        if gauge is not None:
            weights[gauge] = weights.get(gauge, 0.0) + village.people
    return max(weights, key=weights.get) if weights else "Mopti"


def at_gauge(mopti_cm, gauge: str):
    """A Mopti stage as the same flood's stage at ``gauge`` [cm]."""
    return np.asarray(mopti_cm, float) * GAUGE_RELATIONS[gauge].ratio


def warning_levels(stages_cm: np.ndarray) -> dict[str, float | None]:
    """The stages (at one gauge) from which the first village, half of them and all of them
    flood [cm]; None when that many never flood within the scan."""
    stages = np.sort(np.asarray(stages_cm, float))
    count = stages.size
    out = {}
    for key, needed in (("first", 1), ("half", (count + 1) // 2), ("all", count)):
        value = stages[needed - 1] if count and needed >= 1 else np.nan
        out[key] = None if not np.isfinite(value) else float(value)
    return out
