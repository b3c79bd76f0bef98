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
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numba
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
    return _filtered(rng.standard_normal(shape), float(cell_km), float(length_km))


def _filtered(noise: np.ndarray, cell_km: float, length_km: float, spectrum: np.ndarray | None = None) -> np.ndarray:
    """White ``noise`` through the filter of :func:`gaussian_field`.

    The same numbers as ``irfft2(rfft2(noise) * kernel) / norm``, with the transforms along
    the first axis done only on the columns of the half spectrum where the filter is not
    exactly zero (it underflows to 0 beyond about 0.15 cycles/km): the other columns would
    be multiplied by 0 and come back as 0, so skipping them changes no bit of the field.
    ``spectrum``, if given, is a complex work array of the half spectrum's shape whose
    columns from the filter's last non-zero one on are zero (they stay so).
    """
    shape = noise.shape
    kernel, norm, columns = _spectral_filter(tuple(shape), cell_km, length_km)
    rows = np.fft.rfft(noise, axis=1)
    if spectrum is None:
        spectrum = np.zeros_like(rows)
    spectrum[:, :columns] = np.fft.ifft(np.fft.fft(rows[:, :columns], axis=0) * kernel[:, :columns], axis=0)
    return np.fft.irfft(spectrum, n=shape[1], axis=1) / norm


@lru_cache(maxsize=8)
def _spectral_filter(shape: tuple[int, int], cell_km: float, length_km: float) -> tuple[np.ndarray, float, int]:
    """The Fourier filter of :func:`gaussian_field` (half spectrum), its standard deviation,
    and the number of leading half-spectrum columns where it is not exactly zero."""
    rows, cols = shape
    fy = np.fft.fftfreq(rows, d=cell_km)[:, None]
    fx = np.fft.fftfreq(cols, d=cell_km)[None, :]
    kernel = np.exp(-2.0 * (np.pi * length_km) ** 2 * (fx**2 + fy**2))
    half = kernel[:, : cols // 2 + 1]
    nonzero = np.flatnonzero(half.any(axis=0))
    columns = int(nonzero[-1]) + 1 if nonzero.size else 1
    return half, float(np.sqrt(np.mean(kernel**2))), columns


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
    x = np.ascontiguousarray(special.logit(q), dtype=float)
    log_quantile = np.empty_like(x)
    _interp_evenly_spaced(x.ravel(), logit, log_values, log_quantile.ravel())
    return np.exp(log_quantile)


@numba.njit(cache=True, nogil=True)
def _interp_evenly_spaced(x: np.ndarray, xp: np.ndarray, fp: np.ndarray, out: np.ndarray) -> None:
    """``np.interp(x, xp, fp)`` into ``out`` for evenly spaced, increasing ``xp``, bit for bit.

    The interval is found from the spacing (then checked against ``xp``) instead of by
    bisection; the value is NumPy's formula, ``slope * (x - xp[j]) + fp[j]`` with ``slope =
    (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])``, and its special cases (a point of ``xp``
    gives its ``fp``; outside the table the end values; NaN stays NaN).
    """
    n = xp.size
    step = (xp[n - 1] - xp[0]) / (n - 1)
    for i in range(x.size):
        v = x[i]
        if np.isnan(v):
            out[i] = v
            continue
        if v < xp[0]:
            out[i] = fp[0]
            continue
        if v > xp[n - 1]:
            out[i] = fp[n - 1]
            continue
        j = min(max(int((v - xp[0]) / step), 0), n - 1)
        while j > 0 and xp[j] > v:
            j -= 1
        while j < n - 1 and xp[j + 1] <= v:
            j += 1
        if j == n - 1 or xp[j] == v:
            out[i] = fp[j]
            continue
        slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
        value = slope * (v - xp[j]) + fp[j]
        if np.isnan(value):
            value = slope * (v - xp[j + 1]) + fp[j + 1]
            if np.isnan(value) and fp[j] == fp[j + 1]:
                value = fp[j]
        out[i] = value


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
    Work that cannot change a value is skipped (dry days are not filtered, ndtr is
    evaluated near the wet threshold only, see :func:`_filtered` for the transforms) and
    large grids draw and filter in a helper thread; ``tests/hazards/test_rainfall.py``
    checks the result bit for bit against the plain algorithm.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range(pd.Timestamp(start), periods=days, freq="D")
    factor = season_factor(season, return_period, tail)
    annual = mean_annual_rainfall_mm(grid.y)  # per row: the climatology varies with latitude only
    cell_km = float(grid.resolution * 111.0)
    shares = MONTHLY_SHARE[dates.month - 1]
    rain = np.zeros((days, *grid.shape), np.float32)
    days_in_month = np.asarray(dates.days_in_month)
    means = [factor * annual * share / month_days for share, month_days in zip(shares, days_in_month)]  # [mm/day] by row
    wet_rows = [np.clip(mean / WET_DAY_MEAN_MM, 0.0, 0.9) for mean in means]
    # no cell can be wet on a day whose wet-day probability is 0 everywhere (u > 1 never
    # holds): its noise is drawn, to keep the stream, but not filtered; after the last day
    # that can be wet nothing is drawn at all
    possible = [bool((p_wet > 0).any()) for p_wet in wet_rows]
    count = max((t + 1 for t in range(days) if possible[t]), default=0)
    for t, field in enumerate(_fields(rng, grid.shape, cell_km, possible[:count])):
        if field is None:
            continue
        mean, p_wet = means[t], wet_rows[t]
        # u = ndtr(field) > 1 - p_wet only where field is above the row's normal quantile
        # (less a margin far larger than any rounding): ndtr is evaluated on those cells only
        candidates = _above(field, _candidate_threshold(p_wet))
        u = special.ndtr(field.ravel()[candidates])
        # the wet cells; the wet part of the uniform rescaled to (0, 1), where the gamma
        # quantile is read, and the scale of the gamma law
        cells, q, scale = _wet_cells(u, candidates, p_wet, mean, grid.shape[1], WET_DAY_GAMMA_SHAPE)
        if cells.size:
            _put_rain(rain[t].ravel(), cells, wet_day_quantile(q), scale, MAX_DAILY_MM)
    return xr.DataArray(
        rain,
        dims=("time", "y", "x"),
        coords={"time": dates, "y": grid.y, "x": grid.x},
        attrs={"units": "mm/day", "long_name": "daily rainfall (stochastic generator)", "seed": _seed_label(seed), "season_factor": factor},
        name="rainfall",
    )


FIELDS_AHEAD = 2
"""Days whose noise is drawn and filtered ahead, in a helper thread, while the caller turns
the day before into rain (NumPy's generator and FFT release the GIL, so both run at once)."""

THREAD_MIN_CELLS = 40_000
"""Grids with fewer cells draw and filter in the caller's thread: their days are too quick
for a hand-over between threads to pay."""


def _fields(rng: np.random.Generator, shape: tuple[int, int], cell_km: float, needed: list[bool]):
    """The smoothed field of each day (None where not ``needed``), from the noise drawn in
    day order; on large grids drawn and filtered in a helper thread up to
    :data:`FIELDS_AHEAD` days ahead (the numbers do not depend on it)."""
    noise = np.empty(shape)
    spectrum = np.zeros((shape[0], shape[1] // 2 + 1), complex)

    def field(wanted: bool):
        rng.standard_normal(out=noise)
        return _filtered(noise, cell_km, CORRELATION_KM, spectrum) if wanted else None

    if shape[0] * shape[1] < THREAD_MIN_CELLS:
        for wanted in needed:
            yield field(wanted)
        return
    with ThreadPoolExecutor(max_workers=1) as worker:  # one worker: the days are drawn in order
        pending = deque(worker.submit(field, wanted) for wanted in needed[:FIELDS_AHEAD])
        try:
            for wanted in needed[FIELDS_AHEAD:] + [None] * min(FIELDS_AHEAD, len(needed)):
                ready = pending.popleft().result()
                if wanted is not None:
                    pending.append(worker.submit(field, wanted))
                yield ready
        finally:
            for left in pending:
                left.cancel()


@numba.njit(cache=True, nogil=True)
def _above(field: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Flat (row-major) indices of the cells of ``field`` above their row's ``threshold``."""
    rows, cols = field.shape
    count = 0
    for i in range(rows):
        for j in range(cols):
            count += field[i, j] > threshold[i]
    out = np.empty(count, np.int64)
    k = 0
    for i in range(rows):
        for j in range(cols):
            if field[i, j] > threshold[i]:
                out[k] = i * cols + j
                k += 1
    return out


@numba.njit(cache=True, nogil=True)
def _wet_cells(u, cells, p_wet, mean, cols, shape):
    """Of the ``cells`` (flat indices) with uniform ``u``, those wet (``u > 1 - p_wet`` of
    their row), with ``q = clip((u - (1 - p)) / p, 0, 1 - 1e-9)`` and the gamma scale
    ``mean / p / shape`` — NumPy's float64 operations, one at a time."""
    count = 0
    for i in range(u.size):
        count += u[i] > 1.0 - p_wet[cells[i] // cols]
    wet = np.empty(count, np.int64)
    q = np.empty(count)
    scale = np.empty(count)
    k = 0
    for i in range(u.size):
        row = cells[i] // cols
        p = p_wet[row]
        if u[i] > 1.0 - p:
            wet[k] = cells[i]
            q[k] = min(max((u[i] - (1.0 - p)) / p, 0.0), 1.0 - 1e-9)
            scale[k] = mean[row] / p / shape
            k += 1
    return wet, q, scale


@numba.njit(cache=True, nogil=True)
def _put_rain(day: np.ndarray, cells: np.ndarray, quantile: np.ndarray, scale: np.ndarray, cap: float) -> None:
    """``day[cells] = minimum(quantile * scale, cap)`` as float32."""
    for k in range(cells.size):
        day[cells[k]] = np.float32(min(quantile[k] * scale[k], cap))


_CANDIDATE_MARGIN = 1e-3
"""Margin below a row's wet-day normal quantile within which cells are still tested [-]."""

_CANDIDATE_MIN_P_WET = 1e-6
"""Below this wet-day probability every cell of the row is tested [-]."""


def _candidate_threshold(p_wet: np.ndarray) -> np.ndarray:
    """Field value under which no cell of a row can be wet, for each row's wet-day probability.

    With ``z = ndtri(1 - p)``, a cell with field ``f <= z - 1e-3`` has ``ndtr(f)`` at least
    ``1e-3 * pdf(4.8) > 4e-9`` below ``1 - p`` (for ``p >= 1e-6``), a million times more
    than the rounding of ``ndtr``; rows with smaller ``p`` test every cell, rows with
    ``p = 0`` none.
    """
    with np.errstate(divide="ignore"):
        z = special.ndtri(1.0 - p_wet) - _CANDIDATE_MARGIN
    z = np.where(p_wet < _CANDIDATE_MIN_P_WET, -np.inf, z)
    return np.where(p_wet > 0, z, np.inf)


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
