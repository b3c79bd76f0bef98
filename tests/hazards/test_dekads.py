"""hazards.dekads: the 36 dekads of a year, as xarray's groupby gives them."""

import numpy as np
import pandas as pd

from hazards.dekads import DEKADS_PER_YEAR, dekad_totals
from sim.core.grid import Grid
from tests.hazards.test_aggregate import random_rain


def test_dekad_sums_have_the_bits_of_xarray():
    rain = random_rain(Grid(resolution=0.1), 120, seed=1)
    times = pd.DatetimeIndex(rain.time.values)
    days = pd.date_range("2022-01-01", "2022-12-31", freq="D")
    full = rain.reindex(time=days).fillna(0.0)
    dekad = (full.time.dt.month - 1) * 3 + np.minimum((full.time.dt.day - 1) // 10, 2)
    expected = full.groupby(dekad.rename("dekad")).sum()
    got = dekad_totals(rain.values, times, 2022)
    assert got.shape[0] == DEKADS_PER_YEAR
    np.testing.assert_array_equal(got, expected.values)
