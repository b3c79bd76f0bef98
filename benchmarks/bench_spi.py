"""Benchmark: ``hazards.spi.spi`` on a whole grid against climate-indices cell by cell.

Run from the project root with ``.venv/bin/python -m benchmarks.bench_spi``. Builds a
seeded synthetic monthly precipitation grid (40 years x 60 x 60 cells), times our
vectorized SPI-3 (gamma) over the whole grid, and ``climate_indices.indices.spi`` in a
Python loop over cells (a subset of cells, scaled up to the whole grid, if the full
loop would take long), checks that the two agree on the looped cells, and prints one
line.

To be robust on a small, noisy machine, ours is called once untimed first (loading the
compiled kernels and touching the memory), then timed as the best of 3 runs; the loop
runs on 720 cells (a fifth of the grid, ~0.5 s a run), best of 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from benchmarks.timing import best_of
from hazards.spi import spi

YEARS, NY, NX = 40, 60, 60
START_YEAR = 1981
SCALE = 3
CALIBRATION = (1981, 2010)
LOOP_CELLS = 720  # cells the climate-indices loop times; the rest is scaled up
REPEAT_OURS = 3  # timed runs of ours, after one untimed warm-up run
REPEAT_LOOP = 2  # timed runs of the loop
SEED = 1993


def synthetic_precip(years: int = YEARS, ny: int = NY, nx: int = NX, seed: int = SEED) -> xr.DataArray:
    """Seeded monthly precipitation [mm/month]: Sahelian-like seasonal gamma with dry zeros."""
    rng = np.random.default_rng(seed)
    month = np.arange(years * 12) % 12
    # rainy season June-September, near-dry otherwise
    mean = np.where((month >= 5) & (month <= 8), 120.0, 8.0)[:, None, None]
    values = rng.gamma(1.5, mean / 1.5, size=(years * 12, ny, nx))
    values[rng.random(values.shape) < np.where(mean < 20.0, 0.4, 0.02)] = 0.0
    time_axis = pd.date_range(f"{START_YEAR}-01-01", periods=years * 12, freq="MS")
    return xr.DataArray(values, dims=("time", "y", "x"), coords={"time": time_axis}, attrs={"units": "mm/month"})


def main() -> None:
    import os
    import warnings

    # climate-indices logs every call at INFO to the console by default; quieten it so
    # the loop is timed on computation, not on printing (this favours the loop)
    os.environ.setdefault("CLIMATE_INDICES_LOG_LEVEL", "WARNING")
    from climate_indices import compute, indices

    precip = synthetic_precip()
    cells = NY * NX
    ours_seconds, ours = best_of(lambda: spi(precip, SCALE, CALIBRATION, "gamma"), REPEAT_OURS, warmup=1)
    ours_values = ours.values.reshape(precip.shape[0], cells)

    flat = precip.values.reshape(precip.shape[0], cells)
    picked = np.random.default_rng(SEED).choice(cells, size=min(LOOP_CELLS, cells), replace=False)

    def loop() -> np.ndarray:
        out = np.empty((flat.shape[0], picked.size))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for k, cell in enumerate(picked):
                out[:, k] = indices.spi(
                    flat[:, cell],
                    SCALE,
                    indices.Distribution.gamma,
                    START_YEAR,
                    *CALIBRATION,
                    compute.Periodicity.monthly,
                )
        return out

    loop_subset_seconds, reference = best_of(loop, REPEAT_LOOP)
    loop_seconds = loop_subset_seconds * cells / picked.size
    diff = float(np.nanmax(np.abs(ours_values[:, picked] - reference)))
    same_nans = bool(np.array_equal(np.isnan(ours_values[:, picked]), np.isnan(reference)))
    print(
        f"SPI-{SCALE} gamma, {YEARS} years x {NY}x{NX} = {cells} cells: ours {ours_seconds:.3f} s, "
        f"climate-indices loop {loop_seconds:.2f} s (timed on {picked.size} cells, scaled x{cells / picked.size:g}), "
        f"ratio {loop_seconds / ours_seconds:.1f}x; max abs diff {diff:.1e}, same NaNs {same_nans}"
    )


if __name__ == "__main__":
    main()
