"""Plans in SimPy: one member end to end, the model's events per second against raw SimPy, and
an ensemble on 1 and 2 local workers (the scaling ratio).

The ensemble uses the flood-2022 scenario on a 0.05° grid so that 200 members fit in a few
minutes on this machine; the per-member cost on the default grid is in bench_run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import simpy

from benchmarks.timing import best_of
from hazards.season import hazard_season
from sim.ensemble import run_ensemble
from sim.impact import people_impact
from sim.logistics.inputs import season_inputs
from sim.logistics.model import PlanModel
from sim.needs import needs, read_rations
from sim.run import impact_settings, run_scenario, scenario_delta
from sim.scenario import load_file

ROOT = Path(__file__).resolve().parents[1]


def raw_simpy_events_per_second(events: int = 200_000) -> float:
    """Timeouts processed per second by a bare SimPy process on this machine."""
    env = simpy.Environment()

    def ticker():
        for _ in range(events):
            yield env.timeout(0.001)

    env.process(ticker())
    start = time.perf_counter()
    env.run()
    return events / (time.perf_counter() - start)


def main(members: int = 200) -> None:
    scenario = load_file(ROOT / "scenarios" / "flood-2022.yaml")
    plan = load_file(ROOT / "scenarios" / "plans" / "baseline.yaml")
    delta = scenario_delta(scenario)
    rations = read_rations()
    settings = impact_settings(scenario)
    run_scenario(scenario, members=1, seed=0, plans=[plan])  # caches warm
    hazards = hazard_season(scenario, delta, seed=1)
    required = needs(people_impact(delta, hazards, settings), rations, settings.household_size)
    inputs_t, inputs = best_of(lambda: season_inputs(delta, hazards, required, rations, 1, 0), repeat=2)

    def play():
        model = PlanModel(delta, plan, inputs)
        model.run()
        return model

    model_t, model = best_of(play, repeat=3)
    events = next(model.env._eid)  # events scheduled by the run (SimPy 4 numbers them with an itertools.count)
    one_t, _ = best_of(lambda: run_scenario(scenario, members=1, seed=2, plans=[plan]), repeat=2)
    raw = raw_simpy_events_per_second()
    ours = events / model_t
    print(
        f"plan baseline on flood-2022, one member on the default grid: {one_t:.2f} s end to end "
        f"(logistics inputs {inputs_t:.2f} s, SimPy model {model_t:.2f} s for {events:,} events); "
        f"model {ours:,.0f} events/s against raw SimPy {raw:,.0f} events/s (ratio {ours / raw:.3f})"
    )
    coarse = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8").replace("resolution: 0.01 degree", "resolution: 0.05 degree")
    plan_text = (ROOT / "scenarios" / "plans" / "baseline.yaml").read_text(encoding="utf-8")
    timings = {}
    for workers in (1, 2):
        start = time.perf_counter()
        run_ensemble(coarse, str(ROOT / "scenarios"), members, 1, [plan_text], workers=workers, progress=lambda d, n: print(f"\r  {d}/{n}", end="", file=sys.stderr, flush=True))
        timings[workers] = time.perf_counter() - start
        print(file=sys.stderr)
    print(f"{members} members of flood-2022 + baseline on a 0.05° grid: 1 worker {timings[1]:.0f} s, 2 workers {timings[2]:.0f} s, speed-up {timings[1] / timings[2]:.2f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
