"""One simulated season of hazards on the domain grid, from a scenario.

:func:`hazard_season` turns a :class:`~sim.scenario.Scenario` into daily rainfall and flood
depth on the delta's grid, the stage at each gauge, and the season's drought indices —
from catalog layers where the scenario names them, from the models otherwise. The app,
the CLI and the ensemble runner all call it.

References
----------
.. [1] OPIDIN flood bulletins, Mopti annual peaks: 2014 596 cm (23 Oct), 2015 604 cm (12 Oct),
   2016 657 cm (14 Oct), 2017 552 cm (23 Sep), 2018 670 cm (23 Oct), 2019 640 cm (26 Oct),
   2022 671 cm (9 Oct), 2024 716 cm (8 Nov), 2025 642 cm (6 Oct);
   e.g. https://opidin.org/fr/actualites/bulletins-2019/bulletin-12-1er-novembre-2019,
   https://opidin.org/en/bulletin-19-18-november-2024, https://opidin.org/fr/bulletin-6-13-octobre-2025,
   https://opidin.org/en/high-flood-in-the-inner-niger-delta-bulletin-12-october-2022
.. [2] Allen, R. G. et al. (1998), FAO Irrigation and Drainage Paper 56: reference
   evapotranspiration of hot, dry tropical climates is about 6–8 mm/day.
.. [3] AGRHYMET start-of-season criterion: a dekad with at least 25 mm of rain followed by
   two dekads with at least 20 mm together (as used by FEWS NET for the Sahel).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import scipy
import xarray as xr
from scipy import stats

from hazards import drought, flood, rainfall
from sim import climate
from sim.domain import Delta, cached_array
from sim.grid import Grid
from sim.scenario import Scenario
from sim.seeds import streams

MOPTI_ANNUAL_PEAKS_CM = {2014: 596, 2015: 604, 2016: 657, 2017: 552, 2018: 670, 2019: 640, 2022: 671, 2024: 716, 2025: 642}
"""Annual flood peaks at Mopti [cm], the record the return periods are fitted on. References: [1]_."""

TYPICAL_PEAK_DATE = (10, 14)
"""(month, day) of the Mopti peak when a scenario gives none: the median of the peak dates
of [1]_ (23 Sep … 8 Nov)."""

STORM_3DAY_GUMBEL_MM = (70.0, 20.0)
"""Location and scale of the Gumbel law of the annual 3-day rainfall maximum at a delta
town [mm]. Notes: assumption, chosen so that the 10-year storm is ~115 mm and the 50-year
~150 mm, the storms reported in the delta (:mod:`hazards.rainfall` [1]); to replace by a
fit on station records."""

STORM_DAY_SHARES = (0.6, 0.25, 0.15)
"""Share of a 3-day storm falling on each day [-]. Notes: assumption."""

PET_MM_PER_DAY = 6.5
"""Potential evapotranspiration during the rainy season [mm/day]. References: FAO-56 [2]_."""

SOS_FIRST_DEKAD_MM, SOS_NEXT_TWO_DEKADS_MM = 25.0, 20.0
"""Start-of-season rule [mm]. References: AGRHYMET [3]_."""

DROUGHT_RESOLUTION = 0.1
"""Resolution of the drought indices and of their synthetic climatology [deg]. Notes: SPI
and WRSI vary over tens of km; computing them coarser keeps a 30-year calibration cheap."""

CLIMATOLOGY_YEARS = 30
"""Years of generated rainfall the SPI is calibrated on (WMO standard normal period)."""

CLIMATOLOGY_SEED = 19910101
"""Seed of the calibration climatology: fixed, so every member is measured on the same yardstick."""


def mopti_peak_for_return_period(years: float) -> float:
    """Mopti peak stage exceeded on average once in ``years`` years [cm].

    Gumbel law fitted by moments on :data:`MOPTI_ANNUAL_PEAKS_CM`. Notes: a short, recent
    (wet) record; the tail beyond ~20 years is an extrapolation.
    """
    if not years > 1:
        raise ValueError(f"return period must exceed 1 year, got {years}")
    peaks = np.array(list(MOPTI_ANNUAL_PEAKS_CM.values()), float)
    scale = peaks.std(ddof=1) * np.sqrt(6.0) / np.pi
    location = peaks.mean() - np.euler_gamma * scale
    return float(stats.gumbel_r.ppf(1.0 - 1.0 / years, loc=location, scale=scale))


def storm_total_for_return_period(years: float) -> float:
    """Three-day rain at a town exceeded on average once in ``years`` years [mm]."""
    if not years > 1:
        raise ValueError(f"return period must exceed 1 year, got {years}")
    location, scale = STORM_3DAY_GUMBEL_MM
    return float(stats.gumbel_r.ppf(1.0 - 1.0 / years, loc=location, scale=scale))


def season_dates(scenario: Scenario) -> pd.DatetimeIndex:
    """The scenario's simulated days."""
    return pd.date_range(pd.Timestamp(scenario.start_date), periods=scenario.days, freq="D")


def hazard_season(scenario: Scenario, delta: Delta, seed: int = 0, member: int = 0, layers=None) -> xr.Dataset:
    """Daily hazards of one member of a scenario on the delta's grid.

    Parameters
    ----------
    layers : callable, optional
        ``name → DataArray`` on the grid (default :func:`hazards.catalog.open_layer`).

    Returns
    -------
    xr.Dataset
        ``rainfall`` (time, y, x) [mm/day]; ``flood_depth`` (time, y, x) [m]; ``stage``
        (gauge, time) [cm]; ``spi3`` and ``wrsi`` (y, x) when the season covers July to
        September [-] and [%]; attrs ``seed``, ``member``, ``scenario``, ``mopti_peak_cm``.
    """
    if layers is None:
        from hazards.catalog import open_layer

        def layers(name):
            return open_layer(name, grid=delta.grid)

    dates = season_dates(scenario)
    rng = streams(seed, member)
    rain = _rainfall(scenario, delta, dates, rng["rainfall"], layers)
    peak_cm, peak_date = _flood_peak(scenario, dates)
    if member > 0 and scenario.flood is not None and not scenario.flood.layer:
        # the members around the control (member 0): the peak known to within its spread
        spread = float(scenario.flood.peak_spread.to("cm").magnitude)
        peak_cm = round(peak_cm + spread * float(np.random.default_rng(rng["flood_peak"]).standard_normal()), 1)
    if scenario.flood is not None and scenario.flood.layer:
        depth = _depth_from_layer(layers(scenario.flood.layer), delta, dates)
    else:
        depth = _fluvial_depth(delta, dates[0], len(dates), peak_cm, peak_date)
    stage = xr.DataArray(
        np.array([flood.stage_hydrograph(dates, peak_cm, peak_date, gauge=g) for g in flood.GAUGE_RELATIONS]),
        dims=("gauge", "time"),
        coords={"gauge": list(flood.GAUGE_RELATIONS), "time": dates},
        attrs={"units": "cm", "long_name": "stage at the gauge"},
    )
    data = {"rainfall": rain, "flood_depth": depth if depth.dtype == np.float32 else depth.astype(np.float32), "stage": stage}
    indices = drought_indices(rain, delta.grid)
    if indices is not None:
        data.update(indices)
    return xr.Dataset(
        data,
        attrs={"scenario": scenario.name, "seed": seed, "member": member, "mopti_peak_cm": round(peak_cm, 1), "mopti_peak_date": str(peak_date)},
    )


@lru_cache(maxsize=2)
def _fluvial_depth(delta: Delta, start: pd.Timestamp, days: int, peak_cm: float, peak_date: dt.date) -> xr.DataArray:
    """:func:`hazards.flood.fluvial_depth` as float32, kept for the next member with the same
    peak (the rain's seed does not change it); read-only, since those members share it."""
    depth = flood.fluvial_depth(delta, pd.date_range(start, periods=days, freq="D"), peak_cm, peak_date)
    if depth.dtype != np.float32:
        depth = depth.astype(np.float32)
    depth.values.flags.writeable = False
    return depth


def _rainfall(scenario: Scenario, delta: Delta, dates: pd.DatetimeIndex, seed, layers) -> xr.DataArray:
    settings = scenario.rainfall
    if settings.source == "layer":
        rain = _daily_layer(layers(settings.layer), dates, settings.layer)
    else:
        period = float(settings.return_period.to("year").magnitude) if settings.return_period is not None else None
        tail = "dry" if settings.season == "dry" else "wet"
        rain = rainfall.generate(delta.grid, dates[0].date(), len(dates), seed, season=settings.season, return_period=period, tail=tail)
    if settings.storm is not None:
        storm = settings.storm
        total = float(storm.total.to("mm").magnitude) if storm.total is not None else storm_total_for_return_period(float(storm.return_period.to("year").magnitude))
        place = delta.place(storm.place)
        for offset, share in enumerate(STORM_DAY_SHARES):
            day = pd.Timestamp(storm.date) + pd.Timedelta(days=offset)
            if day in rain.indexes["time"]:
                rain = rainfall.add_storm(rain, day, place.lon, place.lat, share * total)
    return rain


def _daily_layer(layer: xr.DataArray, dates: pd.DatetimeIndex, name: str) -> xr.DataArray:
    if layer.attrs.get("frequency") != "daily":
        raise ValueError(f"rainfall layer {name!r} is {layer.attrs.get('frequency', 'undated')}; a season needs daily rainfall")
    missing = dates.difference(pd.DatetimeIndex(layer["time"].values))
    if len(missing):
        covered = f"{str(layer.time.values[0])[:10]} to {str(layer.time.values[-1])[:10]}"
        raise ValueError(f"rainfall layer {name!r} covers {covered}; the scenario needs {dates[0].date()} to {dates[-1].date()} ({len(missing)} days missing)")
    return layer.sel(time=dates).fillna(0.0)


def _flood_peak(scenario: Scenario, dates: pd.DatetimeIndex) -> tuple[float, dt.date]:
    settings = scenario.flood
    typical = dt.date(dates[0].year, *TYPICAL_PEAK_DATE)
    if settings is None:
        return flood.MOPTI_DRY_SEASON_CM, typical
    date = settings.peak_date or typical
    if settings.peak is not None:
        return float(settings.peak.to("cm").magnitude), date
    if settings.return_period is not None:
        return mopti_peak_for_return_period(float(settings.return_period.to("year").magnitude)), date
    return flood.MOPTI_DRY_SEASON_CM, date  # a layer gives the depth; the gauges stay at rest


def _depth_from_layer(layer: xr.DataArray, delta: Delta, dates: pd.DatetimeIndex) -> xr.DataArray:
    """A flood-depth or flood-extent layer as daily depth [m].

    An undated map holds on every day; dated maps hold from their date until the next. An
    extent becomes a depth: the water level above drainage that floods the extent's area,
    minus HAND, at least 0.1 m inside the extent.
    """
    if layer.attrs.get("kind") == "flood-extent":
        layer = _extent_to_depth(layer, delta)
    if "time" not in layer.dims:
        daily = layer.expand_dims(time=dates).copy()
    else:
        daily = layer.reindex(time=dates, method="ffill").fillna(0.0)
    daily.attrs = {"units": "m", "long_name": "flood depth from a catalog layer"}
    return daily.fillna(0.0).transpose("time", "y", "x")


def _extent_to_depth(extent: xr.DataArray, delta: Delta) -> xr.DataArray:
    hand = delta.terrain.hand_m
    area = delta.grid.cell_area_km2[:, None]

    def one(mask: np.ndarray) -> np.ndarray:
        inside = mask > 0.5
        if not inside.any():
            return np.zeros_like(hand, dtype=np.float32)
        level = flood.level_for_area(delta, float((inside * area).sum()))
        return np.where(inside, np.maximum(level - hand, 0.1), 0.0).astype(np.float32)

    values = np.stack([one(m) for m in extent.values]) if "time" in extent.dims else one(extent.values)
    return extent.copy(data=values)


def drought_indices(rain: xr.DataArray, grid: Grid) -> dict[str, xr.DataArray] | None:
    """SPI-3 of July–September and the millet WRSI of the season, on ``grid``.

    Both are computed at :data:`DROUGHT_RESOLUTION` and mapped back to ``grid`` by nearest
    neighbour. The SPI is calibrated on :data:`CLIMATOLOGY_YEARS` years of generated
    rainfall. None when the season does not cover July to September.
    """
    times = pd.DatetimeIndex(rain["time"].values)
    year = times[0].year
    needed = pd.date_range(f"{year}-07-01", f"{year}-09-30", freq="D")
    if len(needed.difference(times)):
        return None
    coarse_grid = Grid(resolution=DROUGHT_RESOLUTION)
    coarse = _to_coarse(rain, coarse_grid)
    values = coarse.transpose("time", "y", "x").values
    climate = _climatology_months(coarse_grid)
    # the season is placed right after its calibration years, so the monthly axis has no gap
    first = int(pd.Timestamp(climate.time.values[0]).year)
    after = first + CLIMATOLOGY_YEARS
    months = pd.date_range(f"{year}-01-01", periods=12, freq="MS")
    this_year = _sums_by(values, np.asarray(times.year * 12 + times.month - 1), np.asarray(months.year * 12 + months.month - 1), missing=np.nan)
    series = np.concatenate([climate.transpose("time", "y", "x").values, this_year])
    series_times = pd.DatetimeIndex(climate.time.values).append(pd.date_range(f"{after}-01-01", periods=12, freq="MS"))
    spi = xr.DataArray(
        _spi_of_month(series, series_times, 3, (first, after - 1), after, 9),
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
        season_wrsi(_dekads(values, times, year)),
        dims=("y", "x"),
        coords={"y": coarse_grid.y, "x": coarse_grid.x},
    )
    spi3 = _to_fine(spi, grid).assign_attrs(units="1", long_name="SPI-3, July to September")
    wrsi_fine = _to_fine(wrsi, grid).assign_attrs(units="%", long_name="WRSI of millet")
    return {"spi3": spi3, "wrsi": wrsi_fine}


def _sums_by(values: np.ndarray, keys: np.ndarray, wanted: np.ndarray, missing: float = 0.0) -> np.ndarray:
    """Sums over axis 0 of ``values`` for each of the ``wanted`` keys, NaN counting as 0
    (``missing`` where no row has the key); the rows of a key are consecutive.

    Each sum is computed as xarray's ``groupby(...).sum()`` and ``resample(...).sum()`` do
    it (``np.sum`` of the group's rows with NaN set to 0), so the bits are the same.
    """
    out = np.full((len(wanted), *values.shape[1:]), missing, values.dtype)
    for k, key in enumerate(wanted):
        rows = np.flatnonzero(keys == key)
        if rows.size:
            group = values[rows[0] : rows[-1] + 1]
            out[k] = np.sum(np.where(np.isnan(group), 0, group), axis=0)
    return out


def _spi_of_month(series: np.ndarray, times: pd.DatetimeIndex, scale: int, calibration: tuple[int, int], year: int, month: int) -> np.ndarray:
    """Gamma SPI (y, x) [-] of one month of monthly rain (time, y, x) [mm/month] at ``times``.

    The value :func:`hazards.drought.spi` gives at that month, computed for that calendar
    month only: the same ``scale``-month sums, fitted on the same calibration years, through
    the same kernel; the other eleven months, which ``spi`` would also fit, are not needed.
    """
    values = np.maximum(np.asarray(series, dtype=float), 0.0)
    rows = np.flatnonzero(times.month == month)
    if rows[0] < scale - 1 or not np.all(np.diff(times.year * 12 + times.month) == 1):
        raise ValueError("a gapless monthly series with the scale's months before the first one is needed")
    sums = values[rows - (scale - 1)].copy()  # summed in the order of drought.rolling_sum
    for lag in range(scale - 2, -1, -1):
        sums += values[rows - lag]
    sums = sums.reshape(len(rows), -1)
    years = times.year[rows]
    in_calibration = np.asarray((years >= calibration[0]) & (years <= calibration[1]))
    index = drought._gamma_spi(sums, sums[in_calibration])
    return index[np.flatnonzero(years == year)[0]].reshape(values.shape[1:])


def season_wrsi(rain_dekads: np.ndarray) -> np.ndarray:
    """Millet WRSI [%] from 36 dekads of rain (dekad, y, x) [mm/dekad], with the AGRHYMET start of season.

    No start by the end of August means a failed season (WRSI 0).
    """
    wet = rain_dekads >= SOS_FIRST_DEKAD_MM
    follow = np.zeros_like(rain_dekads)
    follow[:-2] = rain_dekads[1:-1] + rain_dekads[2:]
    start_ok = wet & (follow >= SOS_NEXT_TWO_DEKADS_MM)
    start_ok[:15] = False  # not before June (dekad 15 = 1-10 June)
    start_ok[24:] = False  # not after August
    has_start = start_ok.any(axis=0)
    sos = np.where(has_start, start_ok.argmax(axis=0), 15)
    pet = np.full(rain_dekads.shape[0], PET_MM_PER_DAY * 10.0)
    index = drought.wrsi(rain_dekads, pet[:, None, None] * np.ones_like(rain_dekads), sos_dekad=np.minimum(sos, 36 - 10), crop="millet")
    return np.where(has_start, index, 0.0)


def _dekads(rain: np.ndarray, times: pd.DatetimeIndex, year: int) -> np.ndarray:
    """36 dekads of rain of ``year`` from daily rain (time, y, x) on ``times`` (days outside
    the season count as dry) [mm/dekad]."""
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    full = np.zeros((len(days), *rain.shape[1:]), rain.dtype)
    inside = np.asarray((times >= days[0]) & (times <= days[-1]))
    full[np.asarray((times[inside] - days[0]).days)] = rain[inside]
    dekad = np.asarray((days.month - 1) * 3 + np.minimum((days.day - 1) // 10, 2))
    return _sums_by(full, dekad, np.arange(36))


def _to_coarse(rain: xr.DataArray, coarse: Grid) -> xr.DataArray:
    """Block means of ``rain`` on the coarse grid (edge cells that fill no block dropped),
    as ``coarsen(...).mean()``; float32 rain without NaN goes through the compiled
    :func:`_block_means32`, which gives the same bits."""
    factor = int(round(coarse.resolution / (float(abs(rain.x[1] - rain.x[0])))))
    if factor <= 1:
        return rain
    values = rain.transpose("time", "y", "x").values
    if values.dtype == np.float32 and values.flags.c_contiguous:
        means = _block_means(values, factor)
        if not np.isnan(means).any():  # NaN in, NaN out: xarray leaves NaN out of the mean instead
            ny, nx = means.shape[1:]
            return xr.DataArray(means, dims=("time", "y", "x"), coords={"time": rain["time"].values, "y": coarse.y[:ny], "x": coarse.x[:nx]}, attrs=rain.attrs)
    out = rain.coarsen(y=factor, x=factor, boundary="trim").mean()
    return out.assign_coords(y=coarse.y[: out.sizes["y"]], x=coarse.x[: out.sizes["x"]])


BLOCK_THREADS = 2
"""Threads computing the block means of :func:`_to_coarse` (at most the CPUs); the compiled
kernel releases the GIL and each thread writes its own days, so the bits do not depend on it."""


def _block_means(values: np.ndarray, factor: int) -> np.ndarray:
    """:func:`_block_means32` of every day of a float32 (day, y, x) array, every other day
    to each of :data:`BLOCK_THREADS` threads."""
    days = values.shape[0]
    out = np.zeros((days, values.shape[1] // factor, values.shape[2] // factor), np.float32)
    bits = values.view(np.uint32)
    threads = max(1, min(BLOCK_THREADS, os.cpu_count() or 1, days))
    parts = [np.arange(k, days, threads) for k in range(threads)]
    if threads == 1:
        _block_means32(values, bits, factor, parts[0], out)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(lambda part: _block_means32(values, bits, factor, part, out), parts))
    return out


@numba.njit(cache=True, nogil=True)
def _block_means32(values: np.ndarray, bits: np.ndarray, factor: int, days: np.ndarray, out: np.ndarray) -> None:
    """Means of ``factor`` x ``factor`` blocks of the ``days`` of a float32 (day, y, x)
    array into ``out`` (zero on entry), with NumPy's bits: its float32 sum over the block's
    rows, each row added by NumPy's pairwise summation (one by one below 8 values, else 8
    running sums combined pairwise, then the rest), then ``float32(float64(sum) / factor**2)``.
    ``bits`` is ``values`` viewed as uint32: a block whose values are all +0 (every bit 0)
    is left at 0, the mean NumPy gives it."""
    ny, nx = out.shape[1], out.shape[2]
    count = np.float64(factor * factor)
    for t in days:
        for i in range(ny):
            for j in range(nx):
                any_bit = np.uint32(0)
                for k in range(factor):
                    row = bits[t, i * factor + k]
                    for m in range(j * factor, (j + 1) * factor):
                        any_bit |= row[m]
                if any_bit == 0:
                    continue
                total = np.float32(0.0)
                for k in range(factor):
                    total += _pairwise_sum32(values[t, i * factor + k], j * factor, factor)
                out[t, i, j] = np.float32(np.float64(total) / count)


@numba.njit(cache=True, nogil=True)
def _pairwise_sum32(row: np.ndarray, start: int, n: int) -> np.float32:
    """NumPy's pairwise sum of ``row[start:start + n]`` in float32 (its ``pairwise_sum`` for float)."""
    if n < 8:
        total = np.float32(0.0)
        for i in range(n):
            total += row[start + i]
        return total
    if n <= 128:
        r0, r1, r2, r3 = row[start], row[start + 1], row[start + 2], row[start + 3]
        r4, r5, r6, r7 = row[start + 4], row[start + 5], row[start + 6], row[start + 7]
        i = 8
        while i < n - (n % 8):
            r0 += row[start + i]
            r1 += row[start + i + 1]
            r2 += row[start + i + 2]
            r3 += row[start + i + 3]
            r4 += row[start + i + 4]
            r5 += row[start + i + 5]
            r6 += row[start + i + 6]
            r7 += row[start + i + 7]
            i += 8
        total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            total += row[start + i]
            i += 1
        return total
    half = n // 2
    half -= half % 8
    return _pairwise_sum32(row, start, half) + _pairwise_sum32(row, start + half, n - half)


def _to_fine(field: xr.DataArray, grid: Grid) -> xr.DataArray:
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

    Kept on disk (:func:`sim.domain.cached_array`), keyed on the grid, the seed, the code
    of the generator and the versions of NumPy and SciPy, so a new process reads them
    instead of generating 30 years again.
    """
    months = pd.date_range("1991-01-01", periods=12 * CLIMATOLOGY_YEARS, freq="MS")
    code = b"".join(Path(module.__file__).read_bytes() for module in (rainfall, climate, sys.modules[__name__]))
    key = f"{coarse!r}|{CLIMATOLOGY_SEED}|{CLIMATOLOGY_YEARS}|numpy {np.__version__}|scipy {scipy.__version__}|{hashlib.sha256(code).hexdigest()}"
    values = cached_array("climatology", key, lambda: _generate_climatology(coarse, months))
    return xr.DataArray(values, dims=("time", "y", "x"), coords={"time": months, "y": coarse.y, "x": coarse.x}, name="rainfall")


def _generate_climatology(coarse: Grid, months: pd.DatetimeIndex) -> np.ndarray:
    """(month, y, x) totals of generated normal years on the coarse grid [mm/month]."""
    start = dt.date(1991, 1, 1)
    days = (dt.date(1991 + CLIMATOLOGY_YEARS, 1, 1) - start).days
    daily = rainfall.generate(coarse, start, days, CLIMATOLOGY_SEED, season="normal")
    totals = daily.resample(time="MS").sum().transpose("time", "y", "x")
    assert totals.indexes["time"].equals(months)
    return totals.values
