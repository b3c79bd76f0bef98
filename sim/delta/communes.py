"""The communes of the delta (admin level 3), below the cercles: a level of results.

The shipped OCHA COD-AB communes (``sim/data/admin/communes.geojson``, CC0) are read and
rasterised on the delta's grid, each cell given to the commune whose polygon holds its centre
**and** whose cercle is the cell's cercle, so that every commune's cells lie in its cercle and
a cercle's counts are the sum of its communes' and of its cells no commune holds (where the
simplified outlines of two levels differ by a cell along an edge).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from rasterio import features
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from sim.core.grid import Grid


@dataclass(frozen=True)
class Commune:
    """A commune of the domain: its pcode, name, cercle (pcode) and polygon [deg]."""

    pcode: str
    name: str
    cercle_pcode: str
    geometry: BaseGeometry = field(repr=False, compare=False)


def read_communes(path: str | Path, cercles: list[str]) -> tuple[Commune, ...]:
    """The communes of ``cercles`` (pcodes) in an OCHA COD-AB level-3 GeoJSON, in file order.

    Fields read: ``admin3Pcod``, ``admin3Name``, ``admin2Pcod``; parts of one commune are merged.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    wanted = set(cercles)
    parts: dict[str, list] = {}
    names: dict[str, tuple[str, str]] = {}
    for feature in data["features"]:
        props = feature["properties"]
        if props["admin2Pcod"] not in wanted or feature.get("geometry") is None:
            continue
        pcode = props["admin3Pcod"]
        names.setdefault(pcode, (props["admin3Name"], props["admin2Pcod"]))
        parts.setdefault(pcode, []).append(shape(feature["geometry"]))
    return tuple(
        Commune(pcode, names[pcode][0], names[pcode][1], shapely.union_all(geoms)) for pcode, geoms in parts.items()
    )


def rasterize_communes(
    grid: Grid, communes: tuple[Commune, ...], cercle_index: np.ndarray, cercle_order: list[str]
) -> np.ndarray:
    """Index (position in ``communes``) of the commune of each cell, -1 where none holds it or
    the commune's cercle is not the cell's (int32, (y, x))."""
    if not communes:
        return np.full(grid.shape, -1, np.int32)
    index = features.rasterize(
        ((c.geometry, k) for k, c in enumerate(communes)),
        out_shape=grid.shape,
        transform=grid.transform,
        fill=-1,
        dtype="int32",
    )
    position = {pcode: k for k, pcode in enumerate(cercle_order)}
    own = np.array([position.get(c.cercle_pcode, -2) for c in communes], np.int64)
    inside = index >= 0
    agrees = np.zeros(grid.shape, bool)
    agrees[inside] = own[index[inside]] == cercle_index[inside]
    return np.where(agrees, index, -1).astype(np.int32)


def unit_index(commune_index: np.ndarray, cercle_index: np.ndarray, communes: int) -> np.ndarray:
    """Each cell's unit of aggregation: its commune (0 … communes − 1), else the rest of its
    cercle (communes + cercle index), -1 outside the cercles (int64, flat)."""
    commune = commune_index.ravel().astype(np.int64)
    cercle = cercle_index.ravel().astype(np.int64)
    return np.where(commune >= 0, commune, np.where(cercle >= 0, communes + cercle, -1))


def unit_cercles(communes: tuple[Commune, ...], cercle_order: list[str]) -> np.ndarray:
    """The cercle (index in ``cercle_order``) of each unit of :func:`unit_index` (int64)."""
    position = {pcode: k for k, pcode in enumerate(cercle_order)}
    return np.concatenate(
        [np.array([position[c.cercle_pcode] for c in communes], np.int64), np.arange(len(cercle_order))]
    )
