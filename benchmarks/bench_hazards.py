"""Hazard pipeline throughput: one season of flood-2022 on the default grid, in cell-days per second.

Reported per stage (rainfall generator, fluvial depth, drought indices) and end to end;
the first run (which builds the SPI calibration climatology and compiles the SPI kernel)
is shown apart from the best of the following runs.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.timing import best_of
from hazards import flood, rainfall, season
from hazards.drought_indices import drought_indices
from sim.delta.domain import load_delta
from sim.scenario import load_file

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    scenario = load_file(ROOT / "scenarios" / "flood-2022.yaml")
    delta = load_delta(year=scenario.domain.population_year)
    dates = season.season_dates(scenario)
    cells = delta.grid.shape[0] * delta.grid.shape[1]
    cell_days = cells * len(dates)
    start = time.perf_counter()
    ds = season.hazard_season(scenario, delta, seed=1)
    first = time.perf_counter() - start
    rain_t = best_of(lambda: rainfall.generate(delta.grid, dates[0].date(), len(dates), 1, season="wet"))[0]
    flood_t = best_of(lambda: flood.fluvial_depth(delta, dates, 671.0, scenario.flood.peak_date))[0]
    drought_t = best_of(lambda: drought_indices(ds.rainfall, delta.grid))[0]
    total_t = best_of(lambda: season.hazard_season(scenario, delta, seed=1), repeat=2)[0]
    print(
        f"hazards, flood-2022 on {delta.grid.shape[0]}×{delta.grid.shape[1]} cells × {len(dates)} days = {cell_days / 1e6:.1f} M cell-days: "
        f"end to end {total_t:.2f} s ({cell_days / total_t / 1e6:.1f} M cell-days/s; first run {first:.1f} s with climatology and compilation); "
        f"rainfall {rain_t:.2f} s, fluvial depth {flood_t:.2f} s, drought indices {drought_t:.2f} s"
    )


if __name__ == "__main__":
    main()
