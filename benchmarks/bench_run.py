"""One member of flood-2022 end to end on the default grid (hazards → impact → needs), and 100 members.

Prints the time of each stage of one member, so later work sees where time goes, and the
time of a 100-member ensemble run one member after the other (issue 5 spreads members over
processes and a Dask cluster).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from benchmarks.timing import best_of
from hazards.season import hazard_season
from sim.impact import people_impact
from sim.needs import needs, read_rations
from sim.run import impact_settings, run_scenario, scenario_delta
from sim.scenario import load_file

ROOT = Path(__file__).resolve().parents[1]


def main(members: int = 100) -> None:
    scenario = load_file(ROOT / "scenarios" / "flood-2022.yaml")
    delta = scenario_delta(scenario)
    settings = impact_settings(scenario)
    rations = read_rations()
    run_scenario(scenario, members=1, seed=0)  # warm the caches (normal flood, climatology, SPI kernel)
    hazard_t, hazards = best_of(lambda: hazard_season(scenario, delta, seed=1), repeat=2)
    impact_t, impact = best_of(lambda: people_impact(delta, hazards, settings), repeat=2)
    needs_t, _ = best_of(lambda: needs(impact, rations, settings.household_size), repeat=2)
    one_t, _ = best_of(lambda: run_scenario(scenario, members=1, seed=2), repeat=2)
    print(f"flood-2022, one member on {delta.grid.shape[0]}×{delta.grid.shape[1]} cells × {scenario.days} days: {one_t:.2f} s end to end (hazards {hazard_t:.2f} s, impact {impact_t:.2f} s, needs {needs_t:.3f} s)")
    start = time.perf_counter()
    run_scenario(scenario, members=members, seed=3, progress=lambda done, total: print(f"\r  {done}/{total} members", end="", file=sys.stderr, flush=True))
    elapsed = time.perf_counter() - start
    print(file=sys.stderr)
    print(f"flood-2022, {members} members one after the other: {elapsed:.0f} s ({elapsed / members:.2f} s per member)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
