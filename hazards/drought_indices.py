"""The drought indices of a simulated season: SPI-3 of July–September and the millet WRSI.

:func:`drought_indices` computes both at :data:`DROUGHT_RESOLUTION` from a season's daily
rain and maps them back to the domain grid. The SPI is calibrated on
:data:`CLIMATOLOGY_YEARS` years of rain from the same generator
(:func:`hazards.rainfall.generate`), kept on disk between processes; the median WRSI of
those years is the season's yardstick for the WRSI (FEWS NET's WRSI anomaly compares a
season's WRSI with its median).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import xarray as xr

from hazards import rainfall
from hazards.aggregate import block_means, sums_by
from hazards.dekads import dekad_totals
from hazards.spi import spi_of_month
from hazards.start_of_season import season_wrsi
from sim.core import climate
from sim.core.grid import Grid
from sim.delta.domain import cached_array

__all__ = ["CLIMATOLOGY_SEED", "CLIMATOLOGY_YEARS", "DROUGHT_RESOLUTION", "drought_indices"]

DROUGHT_RESOLUTION = 0.1
"""Resolution of the drought indices and of their synthetic climatology [deg]. Notes: SPI
and WRSI vary over tens of km; computing them coarser keeps a 30-year calibration cheap."""

CLIMATOLOGY_YEARS = 30
"""Years of generated rainfall the SPI is calibrated on [year]. References: the WMO
standard normal period."""

CLIMATOLOGY_SEED = 19910101
"""Seed of the calibration climatology [-]. Notes: fixed, so every member is measured on the
same yardstick."""


def drought_indices(rain: xr.DataArray, grid: Grid) -> dict[str, xr.DataArray] | None:
    """SPI-3 of July–September and the millet WRSI of the season, on ``grid``.

    Both are computed at :data:`DROUGHT_RESOLUTION` and mapped back to ``grid`` by nearest
    neighbour. The SPI is calibrated on :data:`CLIMATOLOGY_YEARS` years of generated
    rainfall.

    Parameters
    ----------
    rain : xarray.DataArray
        Daily rain (time, y, x) on ``grid`` [mm/day].
    grid : Grid
        The domain grid.

    Returns
    -------
    dict or None
        ``spi3`` [-], ``wrsi`` [%] and ``wrsi_normal`` (the median WRSI of the
        calibration years) [%], (y, x) DataArrays; None when the season does not cover July
        to September.
    """
    times = pd.DatetimeIndex(rain["time"].values)
    year = times[0].year
    needed = pd.date_range(f"{year}-07-01", f"{year}-09-30", freq="D")
    if len(needed.difference(times)):
        return None
    coarse_grid = Grid(resolution=DROUGHT_RESOLUTION)
    coarse = _to_coarse(rain, coarse_grid)
    values = coarse.transpose("time", "y", "x").values
    normals = _climatology_months(coarse_grid)
    # the season is placed right after its calibration years, so the monthly axis has no gap
    first = int(pd.Timestamp(normals.time.values[0]).year)
    after = first + CLIMATOLOGY_YEARS
    months = pd.date_range(f"{year}-01-01", periods=12, freq="MS")
    this_year = sums_by(
        values,
        np.asarray(times.year * 12 + times.month - 1),
        np.asarray(months.year * 12 + months.month - 1),
        missing=np.nan,
    )
    series = np.concatenate([normals.transpose("time", "y", "x").values, this_year])
    series_times = pd.DatetimeIndex(normals.time.values).append(pd.date_range(f"{after}-01-01", periods=12, freq="MS"))
    spi = xr.DataArray(
        spi_of_month(series, series_times, 3, (first, after - 1), after, 9),
        dims=("y", "x"),
        coords={"y": coarse["y"].values, "x": coarse["x"].values},
        attrs={
            "units": "1",
            "long_name": "Standardized Precipitation Index, 3-month, gamma",
            "calibration_years": f"{first}-{after - 1}",
            "references": "McKee et al. (1993); algorithm of climate-indices (Adams, 2017)",
        },
    )
    wrsi = xr.DataArray(
        season_wrsi(dekad_totals(values, times, year)),
        dims=("y", "x"),
        coords={"y": coarse_grid.y, "x": coarse_grid.x},
    )
    normal = xr.DataArray(_normal_wrsi(coarse_grid), dims=("y", "x"), coords={"y": coarse_grid.y, "x": coarse_grid.x})
    spi3 = _to_fine(spi, grid).assign_attrs(units="1", long_name="SPI-3, July to September")
    wrsi_fine = _to_fine(wrsi, grid).assign_attrs(units="%", long_name="WRSI of millet")
    normal_fine = _to_fine(normal, grid).assign_attrs(units="%", long_name="median WRSI of millet")
    return {"spi3": spi3, "wrsi": wrsi_fine, "wrsi_normal": normal_fine}


def _to_coarse(rain: xr.DataArray, coarse: Grid) -> xr.DataArray:
    """Block means of ``rain`` on the coarse grid (edge cells that fill no block dropped),
    as ``coarsen(...).mean()``; float32 rain without NaN goes through the compiled
    :func:`hazards.aggregate.block_means`, which sums in float64."""
    factor = int(round(coarse.resolution / (float(abs(rain.x[1] - rain.x[0])))))
    if factor <= 1:
        return rain
    values = rain.transpose("time", "y", "x").values
    if values.dtype == np.float32 and values.flags.c_contiguous:
        means = block_means(values, factor)
        if not np.isnan(means).any():  # NaN in, NaN out: xarray leaves NaN out of the mean instead
            ny, nx = means.shape[1:]
            return xr.DataArray(
                means,
                dims=("time", "y", "x"),
                coords={"time": rain["time"].values, "y": coarse.y[:ny], "x": coarse.x[:nx]},
                attrs=rain.attrs,
            )
    out = rain.coarsen(y=factor, x=factor, boundary="trim").mean()
    return out.assign_coords(y=coarse.y[: out.sizes["y"]], x=coarse.x[: out.sizes["x"]])


def _to_fine(field: xr.DataArray, grid: Grid) -> xr.DataArray:
    """A coarse (y, x) field on ``grid``, each fine cell taking the nearest coarse one."""
    rows, cols = _nearest_indices(tuple(field["y"].values.tolist()), tuple(field["x"].values.tolist()), grid)
    return xr.DataArray(
        field.values[rows[:, None], cols[None, :]],
        dims=("y", "x"),
        coords={"y": grid.y, "x": grid.x},
        attrs=field.attrs,
        name=field.name,
    )


@lru_cache(maxsize=4)
def _nearest_indices(y: tuple, x: tuple, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the coarse field nearest to each fine row and column, as
    ``field.sel(y=grid.y, x=grid.x, method="nearest")`` picks them."""
    probe = xr.DataArray(
        np.arange(len(y) * len(x)).reshape(len(y), len(x)), dims=("y", "x"), coords={"y": np.array(y), "x": np.array(x)}
    )
    picked = probe.sel(y=grid.y, x=grid.x, method="nearest").values
    return picked[:, 0] // len(x), picked[0, :] % len(x)


@lru_cache(maxsize=2)
def _climatology_months(coarse: Grid) -> xr.DataArray:
    """Monthly totals of :data:`CLIMATOLOGY_YEARS` normal years of generated rain [mm/month].

    Kept on disk (:func:`sim.delta.domain.cached_array`), keyed on the grid, the seed, the code
    of the generator and the versions of NumPy and SciPy, so a new process reads them
    instead of generating 30 years again.
    """
    months = pd.date_range("1991-01-01", periods=12 * CLIMATOLOGY_YEARS, freq="MS")
    code = b"".join(Path(module.__file__).read_bytes() for module in (rainfall, climate, sys.modules[__name__]))
    key = f"{coarse!r}|{CLIMATOLOGY_SEED}|{CLIMATOLOGY_YEARS}|numpy {np.__version__}|scipy {scipy.__version__}|{hashlib.sha256(code).hexdigest()}"
    values = cached_array("climatology", key, lambda: _generate_climatology(coarse, months))
    return xr.DataArray(
        values, dims=("time", "y", "x"), coords={"time": months, "y": coarse.y, "x": coarse.x}, name="rainfall"
    )


@lru_cache(maxsize=2)
def _normal_wrsi(coarse: Grid) -> np.ndarray:
    """Median millet WRSI of the :data:`CLIMATOLOGY_YEARS` calibration years, (y, x) [%].

    The same generated years as :func:`_climatology_months` (same seed), each year's WRSI by
    :func:`hazards.start_of_season.season_wrsi`; kept on disk like them.
    """
    modules = (
        rainfall,
        climate,
        sys.modules[__name__],
        sys.modules[season_wrsi.__module__],
        sys.modules["hazards.wrsi"],
    )
    code = b"".join(Path(module.__file__).read_bytes() for module in modules)
    key = f"{coarse!r}|{CLIMATOLOGY_SEED}|{CLIMATOLOGY_YEARS}|wrsi|numpy {np.__version__}|scipy {scipy.__version__}|{hashlib.sha256(code).hexdigest()}"
    return cached_array("wrsi_normal", key, lambda: _generate_normal_wrsi(coarse))


def _generate_normal_wrsi(coarse: Grid) -> np.ndarray:
    start = dt.date(1991, 1, 1)
    days = (dt.date(1991 + CLIMATOLOGY_YEARS, 1, 1) - start).days
    daily = rainfall.generate(coarse, start, days, CLIMATOLOGY_SEED, season="normal").transpose("time", "y", "x")
    times = pd.DatetimeIndex(daily["time"].values)
    values = daily.values
    years = [season_wrsi(dekad_totals(values, times, 1991 + k)) for k in range(CLIMATOLOGY_YEARS)]
    return np.median(np.stack(years), axis=0)


def _generate_climatology(coarse: Grid, months: pd.DatetimeIndex) -> np.ndarray:
    """(month, y, x) totals of generated normal years on the coarse grid [mm/month]."""
    start = dt.date(1991, 1, 1)
    days = (dt.date(1991 + CLIMATOLOGY_YEARS, 1, 1) - start).days
    daily = rainfall.generate(coarse, start, days, CLIMATOLOGY_SEED, season="normal")
    totals = daily.resample(time="MS").sum().transpose("time", "y", "x")
    assert totals.indexes["time"].equals(months)
    return totals.values
