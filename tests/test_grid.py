"""sim.core.grid: the domain grid's shape, coordinates and cell areas."""

import numpy as np
import pytest

from sim.core.grid import Grid


def test_default_grid_is_the_delta_at_one_hundredth_degree():
    grid = Grid()
    assert grid.bounds == (-6.6, 13.2, -2.9, 16.9)
    assert grid.shape == (370, 370)  # 3.7° / 0.01°
    assert grid.x[0] == pytest.approx(-6.595)
    assert grid.y[0] == pytest.approx(16.895)  # north-up
    assert grid.transform.c == -6.6 and grid.transform.f == 16.9


def test_resolution_is_configurable():
    assert Grid(resolution=0.02).shape == (185, 185)
    assert Grid(resolution=0.005).shape == (740, 740)


def test_cell_area_on_the_sphere():
    grid = Grid()
    # hand sum: a 0.01° cell at 15° N is (R·0.01·π/180)² · cos(15°) ≈ 1.11195² · 0.9659 km²
    row = int(np.argmin(abs(grid.y - 15.005)))
    assert grid.cell_area_km2[row] == pytest.approx(1.11195**2 * np.cos(np.radians(15.005)), rel=1e-3)
    # the whole grid: R² Δλ (sin N − sin S)
    total = grid.cell_area_km2.sum() * grid.shape[1]
    exact = 6371.0088**2 * np.radians(3.7) * (np.sin(np.radians(16.9)) - np.sin(np.radians(13.2)))
    assert total == pytest.approx(exact, rel=1e-9)


def test_index_of_points():
    grid = Grid()
    assert grid.index_of(-6.6, 16.9) == (0, 0)
    assert grid.index_of(-4.1941, 14.4878) == (241, 240)  # Mopti
    assert grid.index_of(-8.0, 12.6) is None  # Bamako lies outside


@pytest.mark.parametrize("resolution", [0, -0.01, 10])
def test_bad_resolution_is_refused(resolution):
    with pytest.raises(ValueError):
        Grid(resolution=resolution)
