"""Cercle polygons: approximate ones generated from the capitals, or real ones from a file.

By default each cercle is the Voronoi cell of its capital, clipped to the grid: a rough
shape, always labelled *approximate* where it is shown. A planner who has the official
boundaries (OCHA COD-AB, GeoJSON or Shapefile with pcodes) loads them with
:func:`read_boundaries` and they replace the approximate ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from rasterio import features
from shapely.geometry import MultiPoint, Point, box
from shapely.geometry.base import BaseGeometry

from sim.grid import Grid
from sim.messages import CodedError, vector_error
from sim.vectorio import VectorError, read_polygons

PCODE_FIELDS = ("admin2Pcod", "admin2Pcode", "ADM2_PCODE", "adm2_pcode", "pcode", "PCODE")
"""Field names tried, in order, for the cercle pcode in a boundaries file (OCHA COD-AB
uses ``admin2Pcod`` in its 2015 Shapefiles and ``ADM2_PCODE`` in later releases)."""


class BoundariesError(CodedError):
    """A boundaries file that cannot be used; the message is one line naming the file.

    ``BoundariesError(code, english, **params)``: see :class:`sim.messages.CodedError`.
    """


@dataclass(frozen=True)
class CercleShape:
    """A cercle's polygon and whether it is approximate."""

    pcode: str
    geometry: BaseGeometry
    approximate: bool


def approximate_cercles(grid: Grid, capitals: dict[str, tuple[float, float]]) -> dict[str, CercleShape]:
    """Voronoi cells of the cercle capitals, clipped to the grid.

    Parameters
    ----------
    capitals : dict
        pcode → (lon, lat) of the cercle capital. [deg]
    """
    frame = box(*grid.bounds)
    points = MultiPoint([Point(lon, lat) for lon, lat in capitals.values()])
    cells = shapely.voronoi_polygons(points, extend_to=frame)
    shapes = {}
    for pcode, (lon, lat) in capitals.items():
        here = Point(lon, lat)
        cell = next(c for c in cells.geoms if c.covers(here))
        shapes[pcode] = CercleShape(pcode, cell.intersection(frame), approximate=True)
    return shapes


def read_boundaries(path: str | Path, pcodes: list[str], pcode_field: str | None = None) -> dict[str, CercleShape]:
    """Read official cercle boundaries for the given pcodes.

    Parameters
    ----------
    path : path
        GeoJSON, GeoPackage, Shapefile, or a zipped Shapefile (``.zip``), in any CRS.
    pcodes : list of str
        The cercles the domain needs (e.g. ``ML0501``).
    pcode_field : str, optional
        Field holding the pcodes; by default the first of :data:`PCODE_FIELDS` present.

    Raises
    ------
    BoundariesError
        If the file cannot be read, has no pcode field, or lacks one of the cercles.
    """
    try:
        fields, geoms = read_polygons(path)
    except VectorError as err:
        coded = vector_error(err, path, str(path))
        if coded is None:
            raise BoundariesError(str(err)) from None
        code, english, params = coded
        raise BoundariesError(code, english, **params) from None
    if pcode_field is None:
        pcode_field = next((f for f in PCODE_FIELDS if f in fields), None)
    if pcode_field not in fields:
        raise BoundariesError(
            "err_boundaries_no_pcode",
            "{file}: no pcode field (tried {tried}); fields are: {fields}",
            file=str(path),
            tried=list(PCODE_FIELDS),
            fields=list(fields),
        )
    values = [str(v) for v in fields[pcode_field]]
    wanted = set(pcodes)
    found: dict[str, list[BaseGeometry]] = {}
    for value, geom in zip(values, geoms):
        if value in wanted and geom is not None:
            found.setdefault(value, []).append(shapely.make_valid(geom))
    missing = [p for p in pcodes if p not in found]
    if missing:
        raise BoundariesError("err_boundaries_missing_cercles", "{file}: field {field} lacks the cercles {missing}", file=str(path), field=pcode_field, missing=missing)
    return {p: CercleShape(p, shapely.union_all(found[p]), approximate=False) for p in pcodes}


def rasterize_cercles(grid: Grid, shapes: dict[str, CercleShape], order: list[str]) -> np.ndarray:
    """Index (position in ``order``) of the cercle of each cell, -1 outside all of them."""
    index = features.rasterize(
        ((shapes[p].geometry, k) for k, p in enumerate(order)),
        out_shape=grid.shape,
        transform=grid.transform,
        fill=-1,
        dtype="int32",
    )
    return index.astype(np.int16)
