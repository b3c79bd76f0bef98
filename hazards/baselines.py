"""The water levels the delta is built for: a median year's flood and the dry season.

People in the delta build above the water they expect. Houses and paved roads stand above the
highest water of a median year's flood (:data:`NORMAL_FLOOD_RETURN_PERIOD`); earth tracks
across the floodplain are laid out on the dry-season plain. :func:`hazards.season.hazard_season`
delivers both fields in every season's dataset, so that the engine reads them there and never
runs a flood model of its own.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from hazards import flood
from hazards.return_periods import TYPICAL_PEAK_DATE, mopti_peak_for_return_period
from sim.delta.domain import Delta

__all__ = ["NORMAL_FLOOD_RETURN_PERIOD", "dry_season_depth", "normal_flood_depth"]

NORMAL_FLOOD_RETURN_PERIOD = 2.0
"""Return period of the flood the houses are built to stay dry in [yr]. Notes: assumption;
delta villages sit on mounds (toggere) above the usual yearly flood."""

REFERENCE_YEAR = 2001
"""Calendar year the two reference seasons are laid on [-]. Notes: any year gives the same
depths (the hydrograph depends on dates only through the peak date); fixed for the cache."""


def normal_flood_depth(delta: Delta) -> np.ndarray:
    """Highest water depth of a median year's flood at each cell, (y, x) float32 [m].

    The flood peaking at Mopti at the :data:`NORMAL_FLOOD_RETURN_PERIOD`-year stage
    (:func:`hazards.return_periods.mopti_peak_for_return_period`) on the typical peak date,
    over 240 days from 1 June. Read-only: every season of the delta shares it.
    """
    return _normal_flood_depth(delta)


def dry_season_depth(delta: Delta) -> np.ndarray:
    """Highest water depth of the dry season at each cell (the permanent channels and lakes),
    (y, x) float32 [m]: Mopti at :data:`hazards.flood.MOPTI_DRY_SEASON_CM` through March.
    Read-only."""
    return _dry_season_depth(delta)


@lru_cache(maxsize=4)
def _normal_flood_depth(delta: Delta) -> np.ndarray:
    dates = pd.date_range(f"{REFERENCE_YEAR}-06-01", periods=240, freq="D")
    peak = mopti_peak_for_return_period(NORMAL_FLOOD_RETURN_PERIOD)
    peak_date = pd.Timestamp(REFERENCE_YEAR, *TYPICAL_PEAK_DATE).date()
    return _read_only(flood.fluvial_depth(delta, dates, peak, peak_date).max("time").values)


@lru_cache(maxsize=4)
def _dry_season_depth(delta: Delta) -> np.ndarray:
    dates = pd.date_range(f"{REFERENCE_YEAR}-03-01", periods=30, freq="D")
    depth = flood.fluvial_depth(delta, dates, flood.MOPTI_DRY_SEASON_CM, dates[15].date())
    return _read_only(depth.max("time").values)


def _read_only(values: np.ndarray) -> np.ndarray:
    values = np.ascontiguousarray(values)
    values.flags.writeable = False
    return values
