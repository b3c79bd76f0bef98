"""Stochastic daily rainfall over the delta: seeded, spatially correlated, with its climatology.

One smooth Gaussian random field per day (correlation length :data:`CORRELATION_KM`, drawn
on nodes at most :data:`FIELD_SPACING_KM` apart and read at every cell by interpolation) is
turned into rain where it exceeds the day's dry probability, and into amounts through the
gamma distribution of wet-day rain, so that wet areas are patches, not speckle. The monthly
means follow the wet season (June–October, peak in August) and the north–south gradient of
:mod:`sim.core.climate`. A season is asked for as dry, normal or wet, or by the return period of
its total; a storm can be placed over a town (e.g. 120 mm in a day).

References
----------
.. [1] Mali flood management, inner delta: rainfall ~200–600 mm, wet season about three
   months, intensities sometimes 150 mm in 2–3 h.
   https://docslib.org/doc/6499362/mali-flood-management-niger-river-inland-delta
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numba
import numpy as np
import pandas as pd
import scipy.fft
import xarray as xr
from scipy import special, stats

from sim.core.climate import mean_annual_rainfall_mm
from sim.core.grid import Grid

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


FIELD_SPACING_KM = CORRELATION_KM / 4.0
"""Largest spacing of the nodes the daily Gaussian field is drawn on [km]; finer grids
read it by bilinear interpolation. Notes: assumption, checked in
``tests/hazards/test_rainfall.py``: with nodes a quarter of the correlation length apart the
interpolated field's correlation differs from the Gaussian exp(−r²/4L²) of the field drawn
on every cell by less than 0.006 along an axis (0.012 in the plane) at any distance, and
its variance not at all (each cell is divided by the exact standard deviation of its
interpolation weights). On the 0.01° grid: nodes every 9 cells, 81 times fewer draws."""

MAX_WET_QUANTILE = 1.0 - 1e-9
"""Largest probability at which the wet-day gamma law is read [-]: keeps the storm tail finite
(the cap :data:`MAX_DAILY_MM` binds long before)."""

_TAIL_TABLE = (-1.5, 12.0, 8192)
"""Field values [-] (first, last, points) at which ln Φ(−f) is tabulated: wet cells have
f > Φ⁻¹(0.1) ≈ −1.28 (the wet-day probability is at most 0.9); beyond 12 every cell reads
the gamma law at :data:`MAX_WET_QUANTILE`."""

_QUANTILE_POINTS = 4096
"""Points of the table of the standard gamma quantile against sqrt(−ln(1 − q))."""


def season_means(grid: Grid, dates: pd.DatetimeIndex, factor: float) -> np.ndarray:
    """Mean daily rainfall of each day and grid row (the climatology varies with latitude
    only), the season's ``factor`` applied [mm/day], shape (day, row)."""
    annual = mean_annual_rainfall_mm(grid.y)
    per_day = MONTHLY_SHARE[dates.month - 1] / np.asarray(dates.days_in_month)
    return factor * per_day[:, None] * annual[None, :]


def wet_probability(mean: np.ndarray) -> np.ndarray:
    """Chance that a cell is wet on a day of mean rainfall ``mean`` [mm/day] → [-]: the
    mean over :data:`WET_DAY_MEAN_MM`, at most 0.9."""
    return np.clip(mean / WET_DAY_MEAN_MM, 0.0, 0.9)


def field_nodes(size: int, cell_km: float) -> tuple[int, int]:
    """(fine cells per node step, nodes) along one axis of ``size`` cells of ``cell_km`` [km]:
    the step is the most whole cells within :data:`FIELD_SPACING_KM` (at least one); the
    nodes reach one step beyond the last cell, so that every cell lies between two, and are
    padded to a fast FFT length (the field is periodic over its nodes, as it was over the
    grid when drawn on the cells)."""
    step = max(1, int(FIELD_SPACING_KM // cell_km))
    needed = (size - 1) // step + 2
    return step, scipy.fft.next_fast_len(needed, real=True)


def interpolation(size: int, cell_km: float, length_km: float = CORRELATION_KM) -> tuple[np.ndarray, np.ndarray, int]:
    """Bilinear weights from the field's nodes to the ``size`` cells of one axis.

    Returns the node below each cell, the two weights of each cell (node below, node
    above) divided by the standard deviation of the interpolated unit field, and the
    number of nodes. The field's correlation between neighbouring nodes is that of the
    periodic spectral field exactly (its filter is separable), so every cell has unit
    variance whatever its place between nodes.
    """
    step, nodes = field_nodes(size, cell_km)
    cells = np.arange(size)
    below = cells // step
    a = (cells % step) / step
    power = _axis_filter(nodes, step * cell_km, length_km) ** 2
    frequency = np.fft.fftfreq(nodes, d=step * cell_km)
    rho = float(np.sum(power * np.cos(2.0 * np.pi * frequency * step * cell_km)) / np.sum(power))
    variance = (1.0 - a) ** 2 + a**2 + 2.0 * a * (1.0 - a) * rho
    weights = np.stack([1.0 - a, a], axis=1) / np.sqrt(variance)[:, None]
    return below, weights, nodes


def _axis_filter(nodes: int, spacing_km: float, length_km: float) -> np.ndarray:
    """The Gaussian filter ``exp(-2 π² L² f²)`` at the FFT frequencies of one axis [-]."""
    return np.exp(-2.0 * (np.pi * length_km) ** 2 * np.fft.fftfreq(nodes, d=spacing_km) ** 2)


def node_fields(
    rng: np.random.Generator, days: int, shape: tuple[int, int], cell_km: float, length_km: float = CORRELATION_KM
) -> np.ndarray:
    """``days`` zero-mean, unit-variance Gaussian fields on the nodes of a grid of ``shape``
    cells of ``cell_km`` [km] (see :func:`field_nodes`), with a Gaussian correlation of
    ``length_km`` [km], shape (day, node row, node column).

    White noise filtered in Fourier space (all days in one transform); divided by the
    filter's theoretical standard deviation (not the sample one, which would inflate the
    tails of a strongly correlated field and bias the rain upwards).
    """
    (ystep, ny), (xstep, nx) = field_nodes(shape[0], cell_km), field_nodes(shape[1], cell_km)
    fy = _axis_filter(ny, ystep * cell_km, length_km)
    fx = _axis_filter(nx, xstep * cell_km, length_km)[: nx // 2 + 1]
    kernel = fy[:, None] * fx[None, :]
    norm = np.sqrt(np.mean(fy**2) * np.mean(_axis_filter(nx, xstep * cell_km, length_km) ** 2))
    noise = rng.standard_normal((days, ny, nx))
    return np.fft.irfft2(np.fft.rfft2(noise) * kernel, s=(ny, nx)) / norm


def gaussian_field(
    rng: np.random.Generator, shape: tuple[int, int], cell_km: float, length_km: float = CORRELATION_KM
) -> np.ndarray:
    """A zero-mean, unit-variance Gaussian random field on a grid of ``shape`` cells of
    ``cell_km`` [km] with a Gaussian correlation of ``length_km`` [km]: :func:`node_fields`
    interpolated bilinearly, as :func:`generate` reads it (written out on whole arrays)."""
    nodes = node_fields(rng, 1, shape, cell_km, length_km)[0]
    rows, row_weights, _ = interpolation(shape[0], cell_km, length_km)
    cols, col_weights, _ = interpolation(shape[1], cell_km, length_km)
    by_row = row_weights[:, :1] * nodes[rows] + row_weights[:, 1:] * nodes[rows + 1]
    return by_row[:, cols] * col_weights[:, 0] + by_row[:, cols + 1] * col_weights[:, 1]


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """The two tables the rain is read from, each as (first, step, values...).

    ``tail``: ln Φ(−f) on evenly spaced field values f (:data:`_TAIL_TABLE`); ``quantile``:
    the standard gamma quantile (shape :data:`WET_DAY_GAMMA_SHAPE`) at q = 1 − exp(−w²),
    on evenly spaced w from 0 to sqrt(−ln(1 − :data:`MAX_WET_QUANTILE`)). In w the quantile
    is smooth at both ends (≈ w^(2/shape) for drizzle, ≈ w² in the storm tail): read by
    linear interpolation, the rain is within 1e-3 of SciPy's (relative) wherever q > 1e-3,
    and within 1e-6 of the gamma scale (≈ 2e-5 mm) everywhere.
    """
    first, last, points = _TAIL_TABLE
    f = np.linspace(first, last, points)
    tail = np.concatenate([[first, f[1] - f[0]], special.log_ndtr(-f)])
    w = np.linspace(0.0, np.sqrt(-np.log1p(-MAX_WET_QUANTILE)), _QUANTILE_POINTS)
    d = w**2
    small = d < np.log(2.0)
    with np.errstate(divide="ignore"):
        values = np.where(
            small,
            special.gammaincinv(WET_DAY_GAMMA_SHAPE, -np.expm1(-d)),
            special.gammainccinv(WET_DAY_GAMMA_SHAPE, np.exp(-d)),
        )
    values[0] = 0.0
    return tail, np.concatenate([[0.0, w[1] - w[0]], values])


def _wet_threshold(p_wet: np.ndarray) -> np.ndarray:
    """Field value above which a cell is wet, Φ⁻¹(1 − p), for each wet-day probability [-]
    (+inf where p is 0)."""
    with np.errstate(divide="ignore"):
        return np.where(p_wet > 0, -special.ndtri(p_wet), np.inf)


@numba.njit(cache=True, nogil=True, inline="always")
def _lookup(first: float, inverse_step: float, values: np.ndarray, x: float) -> float:
    """Linear interpolation at ``x`` in ``values`` tabulated from ``first`` every
    1 / ``inverse_step``; the end values outside."""
    position = (x - first) * inverse_step
    if position <= 0.0:
        return values[0]
    if position >= values.size - 1:
        return values[values.size - 1]
    j = int(position)
    return values[j] + (position - j) * (values[j + 1] - values[j])


@numba.njit(cache=True, nogil=True, inline="always")
def _amount(f: float, log_p: float, scale: float, tail: np.ndarray, quantile: np.ndarray) -> float:
    """Rain [mm/day] of a wet cell of field value ``f``, ln of its wet-day probability
    ``log_p`` and gamma ``scale`` [mm/day]: with d = ln p − ln Φ(−f) = −ln(1 − q), the
    standard gamma quantile is read at w = sqrt(d), d within [0, −ln(1 − :data:`MAX_WET_QUANTILE`)].
    ``tail`` and ``quantile`` are the tables of :func:`_tables`."""
    d = log_p - _lookup(tail[0], 1.0 / tail[1], tail[2:], f)
    w = np.sqrt(d) if d > 0.0 else 0.0
    return _lookup(quantile[0], 1.0 / quantile[1], quantile[2:], w) * scale


@numba.njit(cache=True, nogil=True)
def _rain_days(days, nodes, rows, row_weights, cols, col_weights, threshold, log_p, scale, tail, quantile, cap, out):
    """Rain [mm/day] of the ``days`` (indices) of ``out`` (day, row, column, float32, zero
    on entry) from each day's ``nodes`` field: the field is interpolated cell by cell
    (bilinear weights of :func:`interpolation`), and a cell above its row's wet
    ``threshold`` gets ``min(_amount(...), cap)``.

    A run of cells between two nodes is skipped when neither node's value can bring a
    cell above the threshold (the interpolated value is at most the larger node value
    times the largest sum of weights, or the larger value itself when it is negative).
    """
    height, width = out.shape[1], out.shape[2]
    line = np.empty(nodes.shape[2])
    most = 1.0
    for j in range(width):
        most = max(most, col_weights[j, 0] + col_weights[j, 1])
    for t in days:
        for i in range(height):
            z = threshold[t, i]
            if z == np.inf:
                continue
            r0, r1 = rows[i], rows[i] + 1
            a, b = row_weights[i, 0], row_weights[i, 1]
            for k in range(line.size):
                line[k] = a * nodes[t, r0, k] + b * nodes[t, r1, k]
            lp, s = log_p[t, i], scale[t, i]
            j = 0
            while j < width:
                c0 = cols[j]
                c1 = c0 + 1
                end = j
                while end < width and cols[end] == c0:
                    end += 1
                top = max(line[c0], line[c1])
                if (top * most if top > 0.0 else top) > z:
                    for jj in range(j, end):
                        f = col_weights[jj, 0] * line[c0] + col_weights[jj, 1] * line[c1]
                        if f > z:
                            out[t, i, jj] = np.float32(min(_amount(f, lp, s, tail, quantile), cap))
                j = end


RAIN_THREADS = 2
"""Threads that turn the days' fields into rain at once (at most the CPUs); the compiled
kernel releases the GIL and each thread writes its own days, so the numbers do not
depend on it."""


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

    Notes
    -----
    Each day's Gaussian field is drawn on nodes at most :data:`FIELD_SPACING_KM` apart
    (:func:`node_fields`, every day up to the last one that can be wet, in day order) and
    read at each cell by bilinear interpolation scaled to unit variance, so every cell's
    field is exactly standard normal: its wet-day probability and its gamma law of amounts
    are those of the climatology, and only the correlation between cells carries the
    interpolation (less than 0.012 off, see :data:`FIELD_SPACING_KM`). The cells are turned into rain by a compiled
    kernel; ``tests/hazards/test_rainfall.py`` checks it against the plain algorithm
    written on whole arrays, and the field's statistics against the constants above.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(pd.Timestamp(start), periods=days, freq="D")
    factor = season_factor(season, return_period, tail)
    cell_km = float(grid.resolution * 111.0)
    mean = season_means(grid, dates, factor)
    p_wet = wet_probability(mean)
    threshold = _wet_threshold(p_wet)
    possible = np.flatnonzero(p_wet.max(axis=1, initial=0.0) > 0)
    count = int(possible[-1]) + 1 if possible.size else 0  # nothing is drawn after the last day that can be wet
    rain = np.zeros((days, *grid.shape), np.float32)
    if count:
        nodes = node_fields(rng, count, grid.shape, cell_km)
        rows, row_weights, _ = interpolation(grid.shape[0], cell_km)
        cols, col_weights, _ = interpolation(grid.shape[1], cell_km)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_p = np.log(p_wet[:count])
            scale = np.where(p_wet[:count] > 0, mean[:count] / p_wet[:count] / WET_DAY_GAMMA_SHAPE, 0.0)
        tables = _tables()

        def part(days_: np.ndarray) -> None:
            _rain_days(
                days_, nodes, rows, row_weights, cols, col_weights, threshold, log_p, scale, *tables, MAX_DAILY_MM, rain
            )

        # every other day to each thread: the wet months are shared out evenly
        threads = max(1, min(RAIN_THREADS, os.cpu_count() or 1, count))
        parts = [np.arange(k, count, threads) for k in range(threads)]
        if threads == 1:
            part(parts[0])
        else:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(part, parts))
    return xr.DataArray(
        rain,
        dims=("time", "y", "x"),
        coords={"time": dates, "y": grid.y, "x": grid.x},
        attrs={
            "units": "mm/day",
            "long_name": "daily rainfall (stochastic generator)",
            "seed": _seed_label(seed),
            "season_factor": factor,
        },
        name="rainfall",
    )


def add_storm(
    rain: xr.DataArray, date, lon: float, lat: float, peak_mm: float, radius_km: float = 15.0
) -> xr.DataArray:
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
