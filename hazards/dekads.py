"""Dekads: the agrometeorological ten-day periods of the year, and daily rain summed by them.

A month has three dekads: days 1-10, 11-20 and 21 to the end; dekad 0 is 1-10 January.

References
----------
Frere, M. & Popov, G. F. (1979). Agrometeorological crop monitoring and forecasting. FAO
    Plant Production and Protection Paper 17, Rome (the dekadal calendar of the FAO and
    AGRHYMET crop water balances).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hazards.aggregate import sums_by

__all__ = ["DEKADS_PER_YEAR", "dekad_totals"]

DEKADS_PER_YEAR = 36
"""Dekads in a year [-]. References: three per month (Frere & Popov, 1979)."""


def dekad_totals(rain: np.ndarray, times: pd.DatetimeIndex, year: int) -> np.ndarray:
    """The :data:`DEKADS_PER_YEAR` dekads of rain of ``year`` [mm/dekad].

    Parameters
    ----------
    rain : numpy.ndarray
        Daily rain (time, y, x) on ``times`` [mm/day]; days of ``year`` outside them count
        as dry.
    times : pandas.DatetimeIndex
        Days of ``rain``.
    year : int
        Calendar year.

    Returns
    -------
    numpy.ndarray
        (dekad, y, x) totals [mm/dekad], as xarray's ``groupby(dekad).sum()`` gives them
        (:func:`hazards.aggregate.sums_by`).
    """
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    full = np.zeros((len(days), *rain.shape[1:]), rain.dtype)
    inside = np.asarray((times >= days[0]) & (times <= days[-1]))
    full[np.asarray((times[inside] - days[0]).days)] = rain[inside]
    dekad = np.asarray((days.month - 1) * 3 + np.minimum((days.day - 1) // 10, 2))
    return sums_by(full, dekad, np.arange(DEKADS_PER_YEAR))
