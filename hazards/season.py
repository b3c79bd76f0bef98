"""One simulated season of hazards on the domain grid, from a scenario.

:func:`hazard_season` turns a :class:`~sim.scenario.Scenario` into daily rainfall and flood
depth on the delta's grid, the stage at each gauge, and the season's drought indices
(:mod:`hazards.drought_indices`) — from catalog layers where the scenario names them, from
the models otherwise. The app, the CLI and the ensemble runner all call it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Protocol

import numpy as np
import pandas as pd
import xarray as xr

from hazards import flood, rainfall
from hazards.baselines import dry_season_depth, normal_flood_depth
from hazards.catalog import CatalogError, open_layer
from hazards.drought_indices import drought_indices
from hazards.return_periods import (
    TYPICAL_PEAK_DATE,
    mopti_peak_for_return_period,
    storm_total_for_return_period,
)
from hazards.settings import FloodSettings, RainfallSettings
from sim.core.seeds import streams
from sim.delta.domain import Delta

__all__ = ["STORM_DAY_SHARES", "hazard_season", "season_dates"]

STORM_DAY_SHARES = (0.6, 0.25, 0.15)
"""Share of a 3-day storm falling on each day [-]. Notes: assumption."""


class Scenario(Protocol):
    """What :func:`hazard_season` reads of a scenario (:class:`sim.scenario.Scenario` is one)."""

    name: str
    start_date: dt.date
    days: int
    rainfall: RainfallSettings
    flood: FloodSettings | None


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
        ``rainfall`` (time, y, x) [mm/day]; ``flood_depth`` (time, y, x) [m];
        ``normal_flood_depth`` and ``dry_season_depth`` (y, x), the highest water of a median
        year's flood and of the dry season (:mod:`hazards.baselines`) [m]; ``stage``
        (gauge, time) [cm]; ``spi3`` and ``wrsi`` (y, x) when the season covers July to
        September [-] and [%]; attrs ``seed``, ``member``, ``scenario``, ``mopti_peak_cm``.
    """
    if layers is None:

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
    space = {"y": delta.grid.y, "x": delta.grid.x}
    data = {
        "rainfall": rain,
        "flood_depth": depth if depth.dtype == np.float32 else depth.astype(np.float32),
        "normal_flood_depth": xr.DataArray(
            normal_flood_depth(delta),
            dims=("y", "x"),
            coords=space,
            attrs={"units": "m", "long_name": "highest water of a median year's flood"},
        ),
        "dry_season_depth": xr.DataArray(
            dry_season_depth(delta),
            dims=("y", "x"),
            coords=space,
            attrs={"units": "m", "long_name": "highest water of the dry season"},
        ),
        "stage": stage,
    }
    indices = drought_indices(rain, delta.grid)
    if indices is not None:
        data.update(indices)
    return xr.Dataset(
        data,
        attrs={
            "scenario": scenario.name,
            "seed": seed,
            "member": member,
            "mopti_peak_cm": round(peak_cm, 1),
            "mopti_peak_date": str(peak_date),
        },
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
        rain = rainfall.generate(
            delta.grid, dates[0].date(), len(dates), seed, season=settings.season, return_period=period, tail=tail
        )
    if settings.storm is not None:
        storm = settings.storm
        total = (
            float(storm.total.to("mm").magnitude)
            if storm.total is not None
            else storm_total_for_return_period(float(storm.return_period.to("year").magnitude))
        )
        place = delta.place(storm.place)
        for offset, share in enumerate(STORM_DAY_SHARES):
            day = pd.Timestamp(storm.date) + pd.Timedelta(days=offset)
            if day in rain.indexes["time"]:
                rain = rainfall.add_storm(rain, day, place.lon, place.lat, share * total)
    return rain


def _daily_layer(layer: xr.DataArray, dates: pd.DatetimeIndex, name: str) -> xr.DataArray:
    if layer.attrs.get("frequency") != "daily":
        raise CatalogError(
            "err_layer_not_daily",
            "rainfall layer {name!r} is {frequency}; a season needs daily rainfall",
            name=name,
            frequency=layer.attrs.get("frequency", "undated"),
        )
    missing = dates.difference(pd.DatetimeIndex(layer["time"].values))
    if len(missing):
        raise CatalogError(
            "err_layer_season_not_covered",
            "rainfall layer {name!r} covers {first} to {last}; the scenario needs {start} to {end} ({count} days missing)",
            name=name,
            first=str(layer.time.values[0])[:10],
            last=str(layer.time.values[-1])[:10],
            start=str(dates[0].date()),
            end=str(dates[-1].date()),
            count=len(missing),
        )
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
