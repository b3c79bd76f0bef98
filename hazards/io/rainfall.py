"""Rainfall files onto the domain grid, in mm/day (daily series) or mm/month (monthly series).

:func:`read_rainfall` reads a NetCDF (:mod:`hazards.io.netcdf`) or a raster GDAL reads
(:mod:`hazards.io.geotiff`) and converts its values with :func:`rainfall_factor`: a rate
(``kg m-2 s-1``, ``mm/h``) or a depth per time step (``mm``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from hazards.io.errors import RasterError
from hazards.io.geotiff import read_gdal
from hazards.io.metadata import RAINFALL_READ, source_units
from hazards.io.netcdf import read_netcdf
from hazards.io.offline import NETCDF_SUFFIXES, check_local
from hazards.io.regrid import DEFAULT_MAX_CELLS, RESAMPLING
from sim.core.grid import CRS as GRID_CRS
from sim.core.grid import Grid
from sim.core.units import ureg

__all__ = ["rainfall_factor", "read_rainfall"]

_WATER_DENSITY = ureg.Quantity(1000.0, "kg/m**3")
"""Density of liquid water [kg/m³], so that 1 kg m-2 of rain is 1 mm. Notes: the convention
of rainfall products in mass per area (CF ``precipitation_flux``, ERA5)."""


def read_rainfall(
    path: str | os.PathLike,
    grid: Grid | None = None,
    crs: str | None = None,
    units: str | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> xr.DataArray:
    """Read a rainfall file and resample it onto the domain grid.

    Parameters
    ----------
    path : path-like
        A NetCDF (``.nc``) or a raster GDAL reads (GeoTIFF, VRT, …).
    grid : Grid, optional
        The domain grid; default ``Grid()``.
    crs : str, optional
        CRS of the source (e.g. ``"EPSG:32630"``); overrides the file's own.
    units : str, optional
        Units of the values (e.g. ``"mm/day"``, ``"kg m-2 s-1"``, ``"mm"``); overrides
        the file's own. A depth (``mm``) is read as a depth per time step.
    max_cells : int
        Largest source size accepted, width × height × time steps. [cell]

    Returns
    -------
    xarray.DataArray
        Dims ``(time, y, x)``, float32, coordinates as in ``Delta.to_dataset()``
        (``y`` descending, ``x`` ascending). ``attrs["units"]`` is ``"mm/day"`` with
        ``attrs["frequency"] == "daily"``, or ``"mm/month"`` with ``"monthly"``.
        [mm/day] or [mm/month]

    Raises
    ------
    RasterError
        If the path is not a local file (:func:`hazards.io.offline.check_local`), the file cannot be opened, is
        not what its ending says, is too large, has no CRS, dates or units, does not overlap
        the grid, holds infinite values, or cannot be read.
    """
    path = check_local(path)
    grid = grid or Grid()
    if not path.is_file():
        raise RasterError("err_no_such_file", "{file}: no such file", file=path.name)
    if path.suffix.lower() in NETCDF_SUFFIXES:
        values, times, unit_text, src_crs = read_netcdf(path, grid, crs, units, max_cells, RAINFALL_READ)
    else:
        values, times, unit_text, src_crs = read_gdal(path, grid, crs, units, max_cells, RAINFALL_READ)
    out = _finish(path, grid, values, times, unit_text)
    out.attrs["source_crs"] = src_crs.to_string()
    return out


def rainfall_factor(unit_text: str, frequency: str, days: np.ndarray, name: str = "") -> np.ndarray:
    """Factors turning values in ``unit_text`` into mm/day or mm/month.

    Parameters
    ----------
    unit_text : str
        Units as written in a file; CF style (``"kg m-2 s-1"``) is accepted.
    frequency : {"daily", "monthly"}
        Time step of the series.
    days : numpy.ndarray
        Length of each time step. [day]
    name : str
        File name for error messages.

    Returns
    -------
    numpy.ndarray
        One factor per time step. [mm/day per unit] or [mm/month per unit]

    Notes
    -----
    A depth (``mm``, ``kg m-2``) is a depth per time step and only changes units.
    A rate is converted to mm/day, and for monthly series multiplied by the number of
    days of each month; a rate already per month (``mm/month``) only changes units,
    so that pint's mean month (30.44 d) never enters.
    """
    quantity = source_units(unit_text, name)
    if quantity.check("[mass] / [length] ** 2") or quantity.check("[mass] / [length] ** 2 / [time]"):
        quantity = quantity / _WATER_DENSITY
    days = np.asarray(days, dtype=float)
    if quantity.check("[length]"):
        return np.full(days.shape, quantity.to("mm").magnitude)
    if not quantity.check("[length] / [time]"):
        raise RasterError(
            "err_raster_not_rainfall_units",
            "{file}: units {units!r} are not a rainfall rate or depth",
            file=name,
            units=unit_text,
        )
    if frequency == "monthly":
        if "month" in str(quantity.units):
            return np.full(days.shape, quantity.to("mm/month").magnitude)
        return quantity.to("mm/day").magnitude * days
    return np.full(days.shape, quantity.to("mm/day").magnitude)


def _finish(path: Path, grid: Grid, values: np.ndarray, times: pd.DatetimeIndex, unit_text: str) -> xr.DataArray:
    """Convert to mm/day or mm/month and wrap as a ``(time, y, x)`` DataArray."""
    frequency = _frequency(path.name, times, unit_text)
    days = np.asarray(times.days_in_month if frequency == "monthly" else np.ones(len(times)), dtype=float)
    factor = rainfall_factor(unit_text, frequency, days, path.name).astype(np.float32)
    values = values * factor[:, None, None]
    return xr.DataArray(
        values,
        dims=("time", "y", "x"),
        coords={
            "time": ("time", times.values),
            "y": ("y", grid.y, {"units": "degrees_north", "standard_name": "latitude"}),
            "x": ("x", grid.x, {"units": "degrees_east", "standard_name": "longitude"}),
        },
        name="rainfall",
        attrs={
            "units": "mm/month" if frequency == "monthly" else "mm/day",
            "frequency": frequency,
            "source": path.name,
            "source_units": unit_text,
            "resampling": RESAMPLING.name,
            "crs": GRID_CRS,
        },
    )


def _frequency(name: str, times: pd.DatetimeIndex, unit_text: str) -> str:
    """``"daily"`` or ``"monthly"`` from the time step; one date: from the units."""
    if len(times) == 1:
        return "monthly" if "month" in str(source_units(unit_text, name).units) else "daily"
    steps = np.diff(times.values).astype("timedelta64[h]").astype(float) / 24.0
    if np.allclose(steps, 1.0):
        return "daily"
    if np.all((steps >= 28) & (steps <= 31)):
        return "monthly"
    shown = [float(s) for s in sorted(set(np.round(steps, 2)))[:4]]
    raise RasterError(
        "err_raster_time_step",
        "{file}: time steps of {steps:g} days are neither daily nor monthly",
        file=name,
        steps=shown,
    )
