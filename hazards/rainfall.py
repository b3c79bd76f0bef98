"""Stochastic daily rainfall over the delta: seeded, spatially correlated, with its climatology.

One smooth Gaussian random field per day (correlation length :data:`CORRELATION_KM`) is
turned into rain where it exceeds the day's dry probability, and into amounts through the
gamma distribution of wet-day rain, so that wet areas are patches, not speckle. The monthly
means follow the wet season (June–October, peak in August) and the north–south gradient of
:mod:`sim.climate`. A season is asked for as dry, normal or wet, or by the return period of
its total; a storm can be placed over a town (e.g. 120 mm in a day).

References
----------
.. [1] Mali flood management, inner delta: rainfall ~200–600 mm, wet season about three
   months, intensities sometimes 150 mm in 2–3 h.
   https://docslib.org/doc/6499362/mali-flood-management-niger-river-inland-delta
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special, stats

from sim.climate import mean_annual_rainfall_mm
from sim.grid import Grid

MONTHLY_SHARE = np.array([0.0, 0.0, 0.0, 0.005, 0.03, 0.10, 0.24, 0.33, 0.22, 0.065, 0.01, 0.0])
"""Share of the annual total falling in each month, January to December [-]. Notes:
assumption shaped on the delta's wet season, June–October with its peak in August [1]_;
sums to 1."""

WET_DAY_MEAN_MM = 12.0
"""Mean rain on a wet day [mm/day]. Notes: assumption, typical of Sahelian stations."""

WET_DAY_GAMMA_SHAPE = 0.75
"""Shape of the gamma distribution of wet-day amounts [-]. Notes: assumption; Sahelian
daily rainfall has a shape below 1 (many small falls, a few storms)."""

MAX_DAILY_MM = 200.0
"""Cap on a day's rain at a point [mm/day]. Notes: above the ~150 mm storms reported [1]_."""

CORRELATION_KM = 40.0
"""Length scale of the daily rain field [km]. Notes: assumption, the size of convective cells
within the mesoscale systems that bring Sahelian rain."""

SEASONAL_CV = 0.25
"""Coefficient of variation of the seasonal total [-]. Notes: assumption, of the order of
inter-annual variability of Sahelian seasonal rainfall."""

SEASON_Z = {"dry": -1.0, "normal": 0.0, "wet": 1.0}
"""Standard anomaly of the seasonal total for each season type [-]: one standard deviation."""


def season_factor(season: str | None = "normal", return_period: float | None = None, tail: str = "wet") -> float:
    """Multiplier on the climatological seasonal total [-].

    Parameters
    ----------
    season : {'dry', 'normal', 'wet'}
    return_period : float, optional
        Return period of the seasonal total [yr]; replaces ``season``. A wet tail is an
        exceedance, a dry tail a non-exceedance of the total.
    tail : {'wet', 'dry'}
    """
    if return_period is not None:
        if not return_period > 1:
            raise ValueError(f"return period must exceed 1 year, got {return_period}")
        z = stats.norm.ppf(1.0 - 1.0 / return_period)
        z = z if tail == "wet" else -z
    else:
        if season not in SEASON_Z:
            raise ValueError(f"unknown season {season!r}; expected one of {', '.join(SEASON_Z)}")
        z = SEASON_Z[season]
    return max(1.0 + SEASONAL_CV * z, 0.2)


def gaussian_field(rng: np.random.Generator, shape: tuple[int, int], cell_km: float, length_km: float = CORRELATION_KM) -> np.ndarray:
    """A zero-mean, unit-variance Gaussian random field with a Gaussian correlation of ``length_km``.

    White noise filtered in Fourier space; divided by the filter's theoretical standard
    deviation (not the sample one, which would inflate the tails of a strongly correlated
    field and bias the rain upwards).
    """
    kernel, norm = _spectral_filter(tuple(shape), float(cell_km), float(length_km))
    field = np.fft.irfft2(np.fft.rfft2(rng.standard_normal(shape)) * kernel, s=shape)
    return field / norm


@lru_cache(maxsize=8)
def _spectral_filter(shape: tuple[int, int], cell_km: float, length_km: float) -> tuple[np.ndarray, float]:
    """The Fourier filter of :func:`gaussian_field` (half spectrum) and its standard deviation."""
    rows, cols = shape
    fy = np.fft.fftfreq(rows, d=cell_km)[:, None]
    fx = np.fft.fftfreq(cols, d=cell_km)[None, :]
    kernel = np.exp(-2.0 * (np.pi * length_km) ** 2 * (fx**2 + fy**2))
    return kernel[:, : cols // 2 + 1], float(np.sqrt(np.mean(kernel**2)))


_QUANTILE_TABLE_POINTS = 8192


@lru_cache(maxsize=1)
def _quantile_table() -> tuple[np.ndarray, np.ndarray]:
    """ln of the standard gamma quantiles (shape :data:`WET_DAY_GAMMA_SHAPE`) on a grid of logit(q)."""
    logit = np.linspace(-25.0, 25.0, _QUANTILE_TABLE_POINTS)
    return logit, np.log(special.gammaincinv(WET_DAY_GAMMA_SHAPE, special.expit(logit)))


def wet_day_quantile(q: np.ndarray) -> np.ndarray:
    """Quantile of the standard gamma law of wet-day amounts at probability ``q`` [-].

    ln(quantile) is interpolated in a table evenly spaced in logit(q), where it is nearly
    linear at both ends (relative error below 1e-3 from drizzle to the storm tail); a direct
    ``gammaincinv`` per cell costs several times more and dominated the generator.
    """
    logit, log_values = _quantile_table()
    return np.exp(np.interp(special.logit(q), logit, log_values))


def generate(
    grid: Grid,
    start: dt.date,
    days: int,
    seed: int | np.random.SeedSequence,
    season: str | None = "normal",
    return_period: float | None = None,
    tail: str = "wet",
) -> xr.DataArray:
    """Daily rainfall on ``grid`` for ``days`` days from ``start`` [mm/day].

    The same seed gives the same field. The expected seasonal total at each cell is the
    climatology times :func:`season_factor`.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(pd.Timestamp(start), periods=days, freq="D")
    factor = season_factor(season, return_period, tail)
    annual = mean_annual_rainfall_mm(grid.y)[:, None] * np.ones(grid.shape[1])
    cell_km = grid.resolution * 111.0
    rain = np.zeros((days, *grid.shape), np.float32)
    for t, date in enumerate(dates):
        mean = factor * annual * MONTHLY_SHARE[date.month - 1] / date.days_in_month  # [mm/day]
        p_wet = np.clip(mean / WET_DAY_MEAN_MM, 0.0, 0.9)
        field = gaussian_field(rng, grid.shape, cell_km)
        u = special.ndtr(field)
        wet = u > 1.0 - p_wet
        if not wet.any():
            continue
        # rescale the wet part of the uniform to (0, 1) and read the gamma quantile there
        p = p_wet[wet]
        q = np.clip((u[wet] - (1.0 - p)) / p, 0.0, 1.0 - 1e-9)
        scale = mean[wet] / p / WET_DAY_GAMMA_SHAPE
        rain[t][wet] = np.minimum(wet_day_quantile(q) * scale, MAX_DAILY_MM)
    return xr.DataArray(
        rain,
        dims=("time", "y", "x"),
        coords={"time": dates, "y": grid.y, "x": grid.x},
        attrs={"units": "mm/day", "long_name": "daily rainfall (stochastic generator)", "seed": _seed_label(seed), "season_factor": factor},
        name="rainfall",
    )


def add_storm(rain: xr.DataArray, date, lon: float, lat: float, peak_mm: float, radius_km: float = 15.0) -> xr.DataArray:
    """A copy of ``rain`` with a storm of ``peak_mm`` at its centre added on ``date`` [mm/day].

    The storm is a Gaussian cell of e-folding radius ``radius_km``.
    """
    out = rain.copy()
    scale = 111.0 * np.cos(np.radians(lat))
    dx = (out.x.values[None, :] - lon) * scale
    dy = (out.y.values[:, None] - lat) * 111.0
    cell = peak_mm * np.exp(-(dx**2 + dy**2) / radius_km**2)
    day = out.sel(time=pd.Timestamp(date))
    out.loc[{"time": pd.Timestamp(date)}] = np.minimum(day.values + cell, MAX_DAILY_MM)
    return out


def _seed_label(seed) -> str | int:
    """An integer seed as is; a SeedSequence as ``entropy/spawn.key`` (attributes must be plain)."""
    if isinstance(seed, np.random.SeedSequence):
        return f"{seed.entropy}/{'.'.join(map(str, seed.spawn_key))}"
    return seed
