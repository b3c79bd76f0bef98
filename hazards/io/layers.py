"""Hazard layers of each kind onto the domain grid, in canonical units, with their values checked.

:func:`read_layer` is what the catalog (:mod:`hazards.catalog`) reads a layer with: rainfall
(:mod:`hazards.io.rainfall`), flood depth, flood extent (a 0/1 raster or polygons,
:mod:`hazards.io.extents`) or a drought index; and the exposure layers a scenario can put in
place of the built-in delta's, a population count or an elevation (:mod:`hazards.io.exposure`).
Values that no rainfall, flood, population or ground can have (infinite, beyond
:data:`MAX_DAILY_RAINFALL`, :data:`MAX_MONTHLY_RAINFALL` or :data:`MAX_FLOOD_DEPTH`, a negative
depth or count, …) are refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from hazards.io.errors import RasterError
from hazards.io.exposure import check_counts, check_elevation, check_one_map, check_population
from hazards.io.extents import read_extent_polygons
from hazards.io.geotiff import read_gdal
from hazards.io.metadata import ReadOptions, source_units
from hazards.io.netcdf import read_netcdf
from hazards.io.offline import NETCDF_SUFFIXES, check_local
from hazards.io.rainfall import read_rainfall
from hazards.io.regrid import DEFAULT_MAX_CELLS
from sim.core.grid import CRS as GRID_CRS
from sim.core.grid import Grid
from sim.core.units import ureg
from sim.core.vectorio import VECTOR_SUFFIXES

__all__ = [
    "CANONICAL_UNITS",
    "EXPOSURE_KINDS",
    "LAYER_KINDS",
    "MAX_DAILY_RAINFALL",
    "MAX_FLOOD_DEPTH",
    "MAX_MONTHLY_RAINFALL",
    "NEGATIVE_TOLERANCE",
    "read_layer",
]

LAYER_KINDS = ("rainfall", "flood-depth", "flood-extent", "drought-index", "population", "elevation")
"""Kinds of layer the catalog holds: four hazards and two exposures. Notes: the kinds
:func:`read_layer` knows how to check."""

EXPOSURE_KINDS = ("population", "elevation")
"""Kinds of layer that replace part of the built-in delta rather than give a hazard: one map each."""


CANONICAL_UNITS = {
    "rainfall": "mm/day",
    "flood-depth": "m",
    "flood-extent": "1",
    "drought-index": "1",
    "population": "person",
    "elevation": "m",
}
"""Units a layer of each kind is returned in (monthly rainfall series: mm/month; population:
persons per grid cell). Notes: the canonical units of the model (:mod:`sim.core.units`)."""

POPULATION_DENSITY_UNITS = "person/km**2"
"""Units a population density is converted to before it becomes a count per cell."""

LAYER_READ = {
    "flood-depth": ReadOptions(dates_required=False, units_hint="m"),
    "flood-extent": ReadOptions(dates_required=False, default_units="1", units_hint="1"),
    "drought-index": ReadOptions(dates_required=False, default_units="1", units_hint="1"),
    "population": ReadOptions(
        dates_required=False, default_units="person", units_hint="person", resampling="sum", check_source=check_counts
    ),
    "elevation": ReadOptions(dates_required=False, default_units="m", units_hint="m"),
}
"""What a raster layer of each kind other than rainfall must give: no dates (an undated map
holds on every day); units for a depth, dimensionless by default otherwise.

Notes
-----
A population file without units is a count of persons per pixel (WorldPop's ``ppp`` and GHSL's
``POP`` rasters carry no unit tag); its counts are summed onto the grid, conserving their total
(:mod:`hazards.io.counts`). A density (``person/km**2``, WorldPop's ``pd`` rasters) must say
so: it is averaged onto the grid and multiplied by each cell's area. An elevation file without
units is in metres, as DEMs are (SRTM, Copernicus, MERIT); one tagged in feet is converted.
"""

DENSITY_READ = ReadOptions(
    dates_required=False, default_units="person", units_hint="person", resampling="average", check_source=check_counts
)
"""How a population density is read: averaged onto the grid (an intensive field), then made a count."""

MAX_DAILY_RAINFALL = 2000.0
"""Largest daily rainfall accepted in a layer. [mm/day]

Notes
-----
The world record for 24 hours is 1825 mm, at Foc-Foc, La Réunion, on 7–8 January 1966
(cyclone Denise), in the WMO World Weather and Climate Extremes Archive
(https://wmo.asu.edu). A value above 2000 mm/day is not rain: a nodata value not declared as
such, or a unit error (e.g. a monthly total read as daily, or tenths of mm).
"""


MAX_MONTHLY_RAINFALL = 10_000.0
"""Largest monthly rainfall total accepted in a monthly layer. [mm/month]

Notes
-----
The greatest calendar-month total on record is 9300 mm, at Cherrapunji (Meghalaya, India),
in July 1861, the figure usually cited for the world's wettest month; the delta itself
rarely receives more than 250 mm in its wettest month (August).
"""


MAX_FLOOD_DEPTH = 50.0
"""Largest water depth accepted in a flood-depth layer. [m]

Notes
-----
Water on the inland Niger delta's floodplain is a few metres deep at the peak of the flood
(the Mopti gauge reads 6–7 m at the peak of a flood year, OPIDIN), and even the river
channels at high water are far shallower than 50 m. No flood on the delta reaches 50 m,
while the usual mistakes in a depth file go far beyond it: ground elevations instead of
depths (the delta lies 260–300 m above sea level), centimetres read as metres (150 for
1.5 m), or an undeclared nodata value (9999, 3.4e38). A negative depth is refused too: it is not water
(beyond the rounding noise of :data:`NEGATIVE_TOLERANCE`).
"""


NEGATIVE_TOLERANCE = {"rainfall": 0.1, "flood-depth": 0.001}
"""Negative values let through as rounding noise, in mm/day (or mm/month) and m.

Notes
-----
Packed reanalysis rainfall (ERA5 in GRIB or NetCDF with ``scale_factor``) holds small
negative values, and depth models write ``-0.0001`` for dry cells; anything more negative is
an undeclared nodata value (``-9999``) or a difference of surfaces, and is refused. Negative
depths within the tolerance are read as 0 (dry).
"""


def read_layer(
    path: str | os.PathLike,
    kind: str,
    grid: Grid | None = None,
    crs: str | None = None,
    units: str | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> xr.DataArray:
    """Read a hazard layer of ``kind`` onto the domain grid, in canonical units.

    Parameters
    ----------
    kind : {'rainfall', 'flood-depth', 'flood-extent', 'drought-index', 'population', 'elevation'}
        ``rainfall``: see :func:`hazards.io.rainfall.read_rainfall` (dates required). ``flood-depth``: a
        raster of water depth in any length unit, returned in m. ``flood-extent``: polygons
        (GeoJSON, GeoPackage, zipped Shapefile) or a 0/1 raster, returned as the flooded
        share of each cell's centre (0 or 1). ``drought-index``: a dimensionless raster
        (SPI, WRSI, …). Dates are optional except for rainfall; an undated map has dims
        ``(y, x)``. Rainfall beyond :data:`MAX_DAILY_RAINFALL` (:data:`MAX_MONTHLY_RAINFALL`
        for a monthly series) and depths beyond :data:`MAX_FLOOD_DEPTH` or negative
        (:data:`NEGATIVE_TOLERANCE`) are refused; polygons must be valid. ``population``: a
        count of persons per pixel (``person``, the default) or a density
        (``person/km**2``), returned as persons per grid cell (see :data:`LAYER_READ`);
        ``elevation``: a height in any length unit (metres by default), returned in m. Both
        are one undated map with values over the delta (:mod:`hazards.io.exposure`).

    Raises
    ------
    RasterError
        One line naming the file.
    """
    if kind not in LAYER_KINDS:
        raise RasterError(
            "err_raster_unknown_kind",
            "unknown layer kind {kind!r}; expected one of {kinds}",
            kind=kind,
            kinds=list(LAYER_KINDS),
        )
    path = check_local(path)
    grid = grid or Grid()
    if kind == "rainfall":
        rain = read_rainfall(path, grid, crs, units, max_cells)
        _check_rainfall(path.name, rain)
        return rain
    if not path.is_file():
        raise RasterError("err_no_such_file", "{file}: no such file", file=path.name)
    if kind == "flood-extent" and path.suffix.lower() in VECTOR_SUFFIXES:
        values, times, source_crs = read_extent_polygons(path, grid, crs)
        return _wrap(path, grid, values, times, kind, "1", source_crs)
    reader = read_netcdf if path.suffix.lower() in NETCDF_SUFFIXES else read_gdal
    values, times, unit_text, src_crs = reader(path, grid, crs, units, max_cells, LAYER_READ[kind])
    quantity = source_units(unit_text, path.name) if unit_text not in ("1", "") else ureg.Quantity(1.0)
    if kind in EXPOSURE_KINDS:
        check_one_map(path.name, kind, values.shape[0])
        if kind == "population" and quantity.check(ureg.Quantity(1.0, POPULATION_DENSITY_UNITS).dimensionality):
            values = reader(path, grid, crs, units, max_cells, DENSITY_READ)[0]  # averaged, not summed
            values = values * np.float32(quantity.to(POPULATION_DENSITY_UNITS).magnitude)
            values = values * grid.cell_area_km2.astype(np.float32).reshape(1, -1, 1)
            quantity = ureg.Quantity(1.0, "person")
        values = _exposure_values(path.name, kind, values, quantity, unit_text, grid)
        return _wrap(path, grid, values, None, kind, unit_text, src_crs.to_string())
    target = CANONICAL_UNITS[kind]
    if not quantity.check(ureg.Quantity(1.0, target).dimensionality):
        if kind == "flood-depth":
            raise RasterError(
                "err_raster_units_not_depth",
                "{file}: units {units!r} do not fit a {kind} layer; expected a depth (m, cm, mm)",
                file=path.name,
                units=unit_text,
                kind=kind,
            )
        raise RasterError(
            "err_raster_units_not_dimensionless",
            "{file}: units {units!r} do not fit a {kind} layer; expected dimensionless",
            file=path.name,
            units=unit_text,
            kind=kind,
        )
    values = values * np.float32(quantity.to(target).magnitude)
    if kind == "flood-depth":
        _check_depth(path.name, values)
        values = np.where(values < 0, np.float32(0.0), values)  # only -1 mm < depth < 0 is left: rounding
    return _wrap(path, grid, values, times, kind, unit_text, src_crs.to_string())


def _exposure_values(name: str, kind: str, values: np.ndarray, quantity, unit_text: str, grid: Grid) -> np.ndarray:
    """A population [person per cell] or an elevation [m], converted and checked."""
    target = CANONICAL_UNITS[kind]
    if not quantity.check(ureg.Quantity(1.0, target).dimensionality):
        if kind == "population":
            raise RasterError(
                "err_raster_units_not_population",
                "{file}: units {units!r} do not fit a population layer; expected a count of people per pixel (person) or a density (person/km^2)",
                file=name,
                units=unit_text,
            )
        raise RasterError(
            "err_raster_units_not_height",
            "{file}: units {units!r} do not fit an elevation layer; expected a height (m, ft)",
            file=name,
            units=unit_text,
        )
    values = values * np.float32(quantity.to(target).magnitude)
    if kind == "population":
        return check_population(name, values, grid)
    check_elevation(name, values)
    return values


def _check_rainfall(name: str, rain: xr.DataArray) -> None:
    """Refuse rainfall beyond :data:`MAX_DAILY_RAINFALL` / :data:`MAX_MONTHLY_RAINFALL`, or negative."""
    values = rain.values
    if not np.isfinite(values).any():
        return
    units = rain.attrs["units"]
    limit = MAX_MONTHLY_RAINFALL if rain.attrs.get("frequency") == "monthly" else MAX_DAILY_RAINFALL
    top, bottom = float(np.nanmax(values)), float(np.nanmin(values))
    if top > limit:
        raise RasterError(
            "err_raster_rain_beyond_limit",
            "{file}: rainfall of {value:g} {units} exceeds {limit:g} {units}, more than any rainfall ever measured; check the units, or a nodata value not declared as such",
            file=name,
            value=top,
            units=units,
            limit=limit,
        )
    if bottom < -NEGATIVE_TOLERANCE["rainfall"]:
        raise RasterError(
            "err_raster_negative_rain",
            "{file}: negative rainfall ({value:g} {units}); declare the nodata value of the file",
            file=name,
            value=bottom,
            units=units,
        )


def _check_depth(name: str, values: np.ndarray) -> None:
    """Refuse water depths beyond :data:`MAX_FLOOD_DEPTH` or below zero. [m]"""
    if not np.isfinite(values).any():
        return
    top, bottom = float(np.nanmax(values)), float(np.nanmin(values))
    if top > MAX_FLOOD_DEPTH:
        raise RasterError(
            "err_raster_depth_beyond_limit",
            "{file}: water depth of {value:g} m exceeds {limit:g} m, deeper than any flood on the delta; is it a ground elevation, centimetres, or a nodata value not declared as such?",
            file=name,
            value=top,
            limit=MAX_FLOOD_DEPTH,
        )
    if bottom < -NEGATIVE_TOLERANCE["flood-depth"]:
        raise RasterError(
            "err_raster_negative_depth",
            "{file}: negative water depth ({value:g} m); declare the nodata value of the file, or write 0 for dry cells",
            file=name,
            value=bottom,
        )


def _wrap(
    path: Path, grid: Grid, values: np.ndarray, times, kind: str, unit_text: str, source_crs: str
) -> xr.DataArray:
    """A layer as ``(time, y, x)``, or ``(y, x)`` when undated, with its attributes."""
    coords = {
        "y": ("y", grid.y, {"units": "degrees_north", "standard_name": "latitude"}),
        "x": ("x", grid.x, {"units": "degrees_east", "standard_name": "longitude"}),
    }
    if times is None:
        data, dims = values[0], ("y", "x")
    else:
        data, dims = values, ("time", "y", "x")
        coords["time"] = ("time", times.values)
    return xr.DataArray(
        data,
        dims=dims,
        coords=coords,
        name=kind.replace("-", "_"),
        attrs={
            "units": CANONICAL_UNITS[kind],
            "kind": kind,
            "source": path.name,
            "source_units": unit_text,
            "source_crs": source_crs,
            "crs": GRID_CRS,
        },
    )
