"""Cercle polygons: approximate ones generated from the capitals, or real ones from a file.

By default each cercle is the Voronoi cell of its capital, clipped to the grid: a rough
shape, always labelled *approximate* where it is shown. A planner who has the official
boundaries (OCHA COD-AB, GeoJSON or Shapefile with pcodes) loads them with
:func:`read_boundaries` and they replace the approximate ones.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from rasterio import features
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from sim.core.grid import Grid
from sim.core.loader import Problem
from sim.core.messages import CodedError, vector_error
from sim.core.vectorio import VectorError, read_polygons

PCODE_FIELDS = ("admin2Pcod", "admin2Pcode", "ADM2_PCODE", "adm2_pcode", "pcode", "PCODE")
"""Field names tried, in order, for the cercle pcode in a boundaries file (OCHA COD-AB
uses ``admin2Pcod`` in its 2015 Shapefiles and ``ADM2_PCODE`` in later releases)."""

MAX_PCODE_EXAMPLES = 5
"""Pcodes of a file shown when it holds none of the delta's cercles [pcode]."""


class BoundariesError(CodedError):
    """A boundaries file that cannot be used; the message is one line naming the file.

    ``BoundariesError(code, english, **params)``: see :class:`sim.core.messages.CodedError`.
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

    Returns
    -------
    dict
        pcode → :class:`CercleShape`, the union of the file's polygons with that pcode.

    Raises
    ------
    BoundariesError
        The only exception it lets out, one line naming the file: a missing file or a
        folder, a file that is not a readable vector file (or a GeoJSON not in UTF-8), an
        unclosed ring or a coordinate outside -180..180 / -90..90 (both found by
        :func:`sim.core.vectorio.read_polygons`), an invalid polygon (a ring that crosses itself), no features, no pcode field, none or only some
        of the cercles, a cercle without a geometry, not a polygon, or with no area;
        anything else the libraries raise on a bad file (GEOS, PROJ, GDAL) as "cannot be
        used".
    """
    file = str(path)
    try:
        return _read_boundaries(Path(path), file, pcodes, pcode_field)
    except BoundariesError:
        raise
    except Exception as err:  # GEOS, PROJ and GDAL raise many types on a bad file; none may escape
        raise BoundariesError(
            "err_boundaries_unusable",
            "{file}: cannot be used as boundaries ({detail})",
            file=file,
            detail=_first_line(err),
        ) from err


def check_boundaries(
    path: str | Path,
    pcodes: list[str],
    pcode_field: str | None = None,
    named_in: str | None = None,
    line: int | None = None,
    field: str = "domain.boundaries",
) -> list[Problem]:
    """The problem of a boundaries file as a list for ``python -m sim validate`` (empty when it can be used).

    Parameters
    ----------
    named_in, line, field : optional
        The file (a scenario), line and field that name the boundaries file: the problem is
        written ``scenario.yaml:12: domain.boundaries: cercles.geojson: no such file``.
        Without them the problem is the boundaries file's own.
    """
    try:
        read_boundaries(path, pcodes, pcode_field)
    except BoundariesError as err:
        return [Problem(named_in or str(path), line, field, str(err), err.code, dict(err.params))]
    return []


def _read_boundaries(path: Path, file: str, pcodes: list[str], pcode_field: str | None) -> dict[str, CercleShape]:
    if path.is_dir():
        raise BoundariesError(
            "err_boundaries_folder",
            "{file}: is a folder; give the .geojson, .gpkg, .shp or .zip file itself",
            file=file,
        )
    fields, geoms = _polygons(path, file)
    if len(geoms) == 0:
        raise BoundariesError("err_boundaries_no_features", "{file}: holds no features", file=file)
    if pcode_field is None:
        pcode_field = next((f for f in PCODE_FIELDS if f in fields), None)
    if pcode_field not in fields:
        raise BoundariesError(
            "err_boundaries_no_pcode",
            "{file}: no pcode field (tried {tried}); fields are: {fields}",
            file=file,
            tried=list(PCODE_FIELDS),
            fields=list(fields),
        )
    values = [str(v).strip() for v in fields[pcode_field]]
    wanted = set(pcodes)
    named = wanted & set(values)
    if not named:
        examples = sorted(set(values))[:MAX_PCODE_EXAMPLES]
        raise BoundariesError(
            "err_boundaries_none_of_the_cercles",
            "{file}: field {field} lacks the cercles {missing}; it holds other pcodes, such as {examples}",
            file=file,
            field=pcode_field,
            missing=list(pcodes),
            examples=examples,
        )
    found: dict[str, list[BaseGeometry]] = {}
    for value, geom in zip(values, geoms):
        if value in wanted and geom is not None:
            found.setdefault(value, []).append(_polygon(geom, value, file))
    without = [p for p in pcodes if p in named and p not in found]
    if without:
        raise BoundariesError(
            "err_boundaries_no_geometry", "{file}: cercle {pcode} has no geometry", file=file, pcode=without[0]
        )
    missing = [p for p in pcodes if p not in found]
    if missing:
        raise BoundariesError(
            "err_boundaries_missing_cercles",
            "{file}: field {field} lacks the cercles {missing}",
            file=file,
            field=pcode_field,
            missing=missing,
        )
    shapes = {}
    for pcode in pcodes:
        shape = shapely.union_all(found[pcode])
        if shape.is_empty or not shape.area > 0:
            raise BoundariesError(
                "err_boundaries_empty_geometry",
                "{file}: cercle {pcode} has an empty polygon (no area)",
                file=file,
                pcode=pcode,
            )
        shapes[pcode] = CercleShape(pcode, shape, approximate=False)
    west, south, east, north = Grid().bounds
    outside = [p for p in pcodes if not shapes[p].geometry.intersects(box(west, south, east, north))]
    if outside:
        raise BoundariesError(
            "err_boundaries_off_grid",
            "{file}: the cercles {outside} lie outside the delta's grid ({west}° to {east}° E, {south}° to {north}° N); "
            "are longitude and latitude swapped, or the CRS wrong?",
            file=file,
            outside=outside,
            west=west,
            east=east,
            south=south,
            north=north,
        )
    return shapes


def _polygons(path: Path, file: str):
    """Fields and geometries of a vector file (:func:`sim.core.vectorio.read_polygons`), every refusal a :class:`BoundariesError`."""
    try:
        return read_polygons(path)
    except VectorError as err:
        if getattr(err, "code", ""):
            raise BoundariesError.from_error(err) from None
        if _not_utf8_json(path):
            raise BoundariesError(
                "err_boundaries_not_utf8", "{file}: is not UTF-8 text; a GeoJSON file must be saved as UTF-8", file=file
            ) from None
        coded = vector_error(err, path, file)
        if coded is None:
            raise BoundariesError(
                "err_boundaries_unusable",
                "{file}: cannot be used as boundaries ({detail})",
                file=file,
                detail=str(err).removeprefix(f"{path}: "),
            ) from None
        code, english, params = coded
        raise BoundariesError(code, english, **params) from None


def _polygon(geom: BaseGeometry, pcode: str, file: str) -> BaseGeometry:
    """A cercle's polygon, refused when it is not polygonal or not valid (a ring that crosses
    itself, a hole outside its shell): a silent repair would change which cells, and so which
    people, the cercle holds; ``ogr2ogr -makevalid`` repairs a file knowingly."""
    if not isinstance(geom, (Polygon, MultiPolygon)):
        raise BoundariesError(
            "err_boundaries_not_polygon",
            "{file}: cercle {pcode} is a {kind}, not a polygon",
            file=file,
            pcode=pcode,
            kind=geom.geom_type,
        )
    if not shapely.is_valid(geom):
        reason = shapely.is_valid_reason(geom)
        where = re.search(r"\[(-?[\d.e+-]+) (-?[\d.e+-]+)\]", reason)
        lon, lat = (float(where.group(1)), float(where.group(2))) if where else (float("nan"), float("nan"))
        raise BoundariesError(
            "err_boundaries_invalid_polygon",
            "{file}: cercle {pcode} is not a valid polygon near longitude {lon:g}, latitude {lat:g} ({reason}); repair it, e.g. with ogr2ogr -makevalid",
            file=file,
            pcode=pcode,
            lon=lon,
            lat=lat,
            reason=reason,
        )
    return geom


def _not_utf8_json(path: Path) -> bool:
    """Whether a GeoJSON (``.geojson``, ``.json``) file is not UTF-8 text, which RFC 7946 requires."""
    if path.suffix.lower() not in (".geojson", ".json") or not path.is_file():
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return True
    except OSError:
        return False
    return False


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


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
