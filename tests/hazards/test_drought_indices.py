"""hazards.drought_indices: the SPI climatology kept on disk is the one generated."""

import pytest
import xarray as xr

from hazards import drought_indices
from sim.core.grid import Grid


def test_climatology_read_from_disk_is_the_generated_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_CACHE_DIR", str(tmp_path))
    grid = Grid(resolution=0.1)
    drought_indices._climatology_months.cache_clear()
    generated = drought_indices._climatology_months(grid)
    assert len(list(tmp_path.glob("climatology-*.npy"))) == 1
    drought_indices._climatology_months.cache_clear()
    monkeypatch.setattr(drought_indices, "_generate_climatology", lambda *a: pytest.fail("the disk copy was not used"))
    read = drought_indices._climatology_months(grid)
    drought_indices._climatology_months.cache_clear()
    xr.testing.assert_identical(read, generated)
    assert read.sizes == {"time": 12 * drought_indices.CLIMATOLOGY_YEARS, "y": 37, "x": 37}
