"""NetCDF in the CHIRPS layout (a ``precip`` variable on ``time/latitude/longitude``), read onto the grid.

Opened with xarray's ``netcdf4`` engine (never through GDAL), under
:data:`sim.core.fileio.NETCDF_LOCK`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from rasterio.windows import transform as window_transform

from hazards.io.errors import RasterError, first_line
from hazards.io.metadata import (
    RAINFALL_READ,
    ReadOptions,
    date_from_filename,
    date_index,
    parse_date,
)
from hazards.io.regrid import (
    bounds_in_degrees,
    bounds_of,
    check_finite,
    check_overlap,
    check_size,
    resolve_crs,
    to_grid,
    transform_from_centres,
    window_over_grid,
)
from sim.core.fileio import NETCDF_LOCK
from sim.core.grid import Grid

__all__ = ["read_netcdf"]


def read_netcdf(
    path: Path, grid: Grid, crs: str | None, units: str | None, max_cells: int, options: ReadOptions = RAINFALL_READ
) -> tuple:
    """A NetCDF variable on the grid, holding :data:`sim.core.fileio.NETCDF_LOCK`.

    The ``precip`` variable, or the only gridded one, on ``latitude/longitude``,
    ``lat/lon`` or ``y/x``, with a ``time`` axis or one date (a ``date`` attribute or the
    file name). Parameters and returns as :func:`hazards.io.geotiff.read_gdal`:
    ``(values, times, unit_text, src_crs)``, values ``(time, y, x)`` [the file's units].
    """
    with NETCDF_LOCK:
        return _read_netcdf_file(path, grid, crs, units, max_cells, options)


def _read_netcdf_file(
    path: Path, grid: Grid, crs: str | None, units: str | None, max_cells: int, options: ReadOptions
) -> tuple:
    name = path.name
    try:
        ds = xr.open_dataset(path, engine="netcdf4", decode_times=True)
    except Exception as err:  # netCDF4 and xarray raise OSError, ValueError, …
        detail = first_line(err).replace(f": '{path}'", "").replace(str(path), name)
        raise RasterError(
            "err_raster_not_netcdf", "{file}: not a NetCDF file netCDF4 can open ({detail})", file=name, detail=detail
        ) from None
    with ds:
        var = _pick_variable(name, ds)
        ydim, xdim = _spatial_dims(name, var)
        undated = (
            "time" not in var.dims
            and not options.dates_required
            and parse_date(var.attrs.get("date")) is None
            and date_from_filename(path.stem) is None
        )
        var = var.expand_dims(time=[pd.Timestamp(0)]) if undated else _with_time(name, var, path)
        extra = [d for d in var.dims if d not in ("time", ydim, xdim)]
        if extra:
            raise RasterError(
                "err_raster_extra_dimensions",
                "{file}: unexpected dimension(s) {dims}; expected time, latitude, longitude",
                file=name,
                dims=[str(d) for d in extra],
            )
        var = var.transpose("time", ydim, xdim)
        check_size(name, var.shape, max_cells)
        src_crs = resolve_crs(name, crs, _netcdf_crs(ds, var, ydim, xdim), degrees=_in_degrees(var, ydim, xdim))
        if var[ydim].values[0] < var[ydim].values[-1]:
            var = var.isel({ydim: slice(None, None, -1)})
        transform = transform_from_centres(var[xdim].values, var[ydim].values, name)
        width, height = var.sizes[xdim], var.sizes[ydim]
        check_overlap(name, bounds_in_degrees(name, bounds_of(transform, width, height), src_crs), grid)
        times = None if undated else date_index(name, _times_of(name, var["time"]))
        unit_text = units or str(var.attrs.get("units", "")).strip() or options.default_units
        if not unit_text:
            raise RasterError(
                "err_raster_no_units_attribute",
                "{file}: variable {variable!r} has no 'units' attribute; pass --units, e.g. --units {hint}",
                file=name,
                variable=var.name,
                hint=options.units_hint,
            )
        window = window_over_grid(transform, width, height, src_crs, grid)
        rows, cols = window.toslices()
        try:
            source = np.asarray(var.isel({ydim: rows, xdim: cols}).values, dtype=np.float32)
        except (OSError, RuntimeError, ValueError) as err:
            raise RasterError(
                "err_raster_read_values", "{file}: cannot read values ({detail})", file=name, detail=first_line(err)
            ) from None
    check_finite(name, source)
    if options.check_source is not None:
        options.check_source(name, source)
    transform = window_transform(window, transform)
    return to_grid(source, transform, src_crs, grid, options.resampling), times, unit_text, src_crs


def _pick_variable(name: str, ds: xr.Dataset) -> xr.DataArray:
    """The ``precip`` variable, or the only data variable with two or more dims."""
    if "precip" in ds.data_vars:
        return ds["precip"]
    gridded = [v for v in ds.data_vars if ds[v].ndim >= 2]
    if len(gridded) == 1:
        return ds[gridded[0]]
    if not gridded:
        raise RasterError(
            "err_raster_no_variable_none",
            "{file}: no 'precip' variable and not exactly one gridded variable (found: none)",
            file=name,
        )
    raise RasterError(
        "err_raster_no_variable",
        "{file}: no 'precip' variable and not exactly one gridded variable (found: {found})",
        file=name,
        found=[str(v) for v in gridded],
    )


def _spatial_dims(name: str, var: xr.DataArray) -> tuple[str, str]:
    """Names of the (y, x) dimensions: latitude/longitude, lat/lon or y/x."""
    for ydim, xdim in (("latitude", "longitude"), ("lat", "lon"), ("y", "x")):
        if ydim in var.dims and xdim in var.dims:
            return ydim, xdim
    raise RasterError(
        "err_raster_no_spatial_dims",
        "{file}: dims {dims!r} have no latitude/longitude, lat/lon or y/x pair",
        file=name,
        dims=tuple(var.dims),
    )


def _with_time(name: str, var: xr.DataArray, path: Path) -> xr.DataArray:
    """``var`` with a ``time`` dimension; a 2-D field takes its date from attrs or name."""
    if "time" in var.dims:
        return var
    stamp = parse_date(var.attrs.get("date")) or date_from_filename(path.stem)
    if stamp is None:
        raise RasterError(
            "err_raster_no_time",
            "{file}: no time dimension and no date; add a 'date' attribute or YYYYMMDD in the file name",
            file=name,
        )
    return var.expand_dims(time=[pd.Timestamp(stamp)])


def _times_of(name: str, coord: xr.DataArray) -> list:
    """Dates of a decoded time coordinate (numpy datetime64 or cftime)."""
    values = coord.values
    if np.issubdtype(values.dtype, np.datetime64):
        return list(pd.DatetimeIndex(values))
    try:
        return [pd.Timestamp(v.year, v.month, v.day) for v in values]
    except AttributeError:
        raise RasterError(
            "err_raster_time_undecodable",
            "{file}: time coordinate is not decodable as dates (units {units!r})",
            file=name,
            units=coord.attrs.get("units"),
        ) from None


def _in_degrees(var: xr.DataArray, ydim: str, xdim: str) -> bool:
    """Whether the spatial coordinates are latitude/longitude in degrees."""
    if ydim in ("latitude", "lat") and xdim in ("longitude", "lon"):
        return True
    yunits = str(var[ydim].attrs.get("units", "")).lower()
    xunits = str(var[xdim].attrs.get("units", "")).lower()
    return yunits.startswith("degree") and xunits.startswith("degree")


def _netcdf_crs(ds: xr.Dataset, var: xr.DataArray, ydim: str, xdim: str):
    """The CRS written in a CF grid-mapping variable, if any; else None."""
    mapping = var.attrs.get("grid_mapping") or var.encoding.get("grid_mapping")
    for candidate in filter(None, [mapping, "spatial_ref", "crs"]):
        if candidate in ds.variables:
            attrs = ds[candidate].attrs
            wkt = attrs.get("crs_wkt") or attrs.get("spatial_ref")
            if wkt:
                return wkt
    return None
