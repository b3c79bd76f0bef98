"""sim.logistics.inputs: what a plan is played against."""

import numpy as np
import xarray as xr

from sim.core.grid import Grid
from sim.logistics.inputs import _nearest_cells


def test_rain_at_a_place_is_the_nearest_cells():
    # the cell picked for each town is the one DataArray.sel(method="nearest") picks
    grid = Grid(resolution=0.05)
    rain = xr.DataArray(
        np.arange(3 * grid.shape[0] * grid.shape[1], dtype=np.float32).reshape(3, *grid.shape),
        dims=("time", "y", "x"),
        coords={"y": grid.y, "x": grid.x},
    )
    rng = np.random.default_rng(0)
    places = tuple(
        (f"p{k}", float(lon), float(lat))
        for k, (lon, lat) in enumerate(
            zip(rng.uniform(grid.west, grid.east, 50), rng.uniform(grid.south, grid.north, 50))
        )
    )
    cells = _nearest_cells(tuple(grid.y.tolist()), tuple(grid.x.tolist()), places)
    for name, lon, lat in places:
        row, column = cells[name]
        np.testing.assert_array_equal(rain.values[:, row, column], rain.sel(x=lon, y=lat, method="nearest").values)
