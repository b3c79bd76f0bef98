"""hazards.aggregate: monthly sums and block means against xarray."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hazards.aggregate import sums_by
from hazards.drought_indices import _to_coarse
from sim.core.grid import Grid


def random_rain(grid, days, seed=0):
    """Daily rain [mm/day] on ``grid`` from 25 June 2022: 40 % wet cells, one dry day."""
    rng = np.random.default_rng(seed)
    values = (rng.gamma(0.7, 12.0, (days, *grid.shape)) * (rng.random((days, *grid.shape)) < 0.4)).astype(np.float32)
    values[3] = 0.0  # a dry day
    dates = pd.date_range("2022-06-25", periods=days, freq="D")
    return xr.DataArray(values, dims=("time", "y", "x"), coords={"time": dates, "y": grid.y, "x": grid.x})


@pytest.mark.parametrize("resolution", [0.05, 0.02, 0.01])
def test_coarse_means_agree_with_xarray(resolution):
    # xarray sums float32 pairwise in float32 (a relative error of a few 1e-7 over 100
    # values); block_means sums in float64 and rounds once: they agree within 1e-6
    rain = random_rain(Grid(resolution=resolution), 6)
    factor = int(round(0.1 / resolution))
    expected = rain.coarsen(y=factor, x=factor, boundary="trim").mean()
    got = _to_coarse(rain, Grid(resolution=0.1))
    assert got.shape == expected.shape and got.dtype == np.float32
    np.testing.assert_allclose(got.values, expected.values, rtol=1e-6, atol=0)
    exact = rain.astype(np.float64).coarsen(y=factor, x=factor, boundary="trim").mean()
    # and sit closer to the float64 mean than float32 pairwise sums do
    assert np.abs(got.values - exact.values).max() <= np.abs(expected.values - exact.values).max()


def test_monthly_sums_have_the_bits_of_xarray():
    rain = random_rain(Grid(resolution=0.1), 120, seed=1)
    times = pd.DatetimeIndex(rain.time.values)
    monthly = rain.resample(time="MS").sum()
    keys = np.asarray(times.year * 12 + times.month - 1)
    wanted = np.asarray(
        pd.DatetimeIndex(monthly.time.values).year * 12 + pd.DatetimeIndex(monthly.time.values).month - 1
    )
    np.testing.assert_array_equal(sums_by(rain.values, keys, wanted), monthly.values)
