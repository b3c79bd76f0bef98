"""The SimPy plan model's events per second against raw SimPy, on this machine, in one run.

The model plays the baseline plan against one flood-2022 member on the default grid (its
inputs built beforehand, untimed); its events are counted from SimPy's event-id counter. Raw
SimPy is one bare process yielding timeouts. The ratio says how much work the model does per
event beyond SimPy's own scheduling (containers, resources, the dispatcher's bookkeeping).
"""

from __future__ import annotations

import time
from pathlib import Path

import simpy

from benchmarks.timing import best_of
from hazards.season import hazard_season
from sim.impact import people_impact
from sim.logistics.inputs import season_inputs
from sim.logistics.model import PlanModel
from sim.needs import needs, read_rations
from sim.run import impact_settings, scenario_delta
from sim.scenario import load_file

ROOT = Path(__file__).resolve().parents[1]
RAW_EVENTS = 200_000


def raw_simpy_events_per_second(events: int = RAW_EVENTS) -> float:
    """Timeouts processed per second by a bare SimPy process on this machine."""
    env = simpy.Environment()

    def ticker():
        for _ in range(events):
            yield env.timeout(0.001)

    env.process(ticker())
    start = time.perf_counter()
    env.run()
    return events / (time.perf_counter() - start)


def main() -> None:
    scenario = load_file(ROOT / "scenarios" / "flood-2022.yaml")
    plan = load_file(ROOT / "scenarios" / "plans" / "baseline.yaml")
    delta = scenario_delta(scenario)
    rations = read_rations()
    settings = impact_settings(scenario)
    hazards = hazard_season(scenario, delta, seed=1)
    required = needs(people_impact(delta, hazards, settings), rations, settings.household_size)
    inputs = season_inputs(delta, hazards, required, rations, 1, 0, scenario.access_closure_probability)

    def play():
        model = PlanModel(delta, plan, inputs)
        model.run()
        return model

    model_t, model = best_of(play, repeat=3, warmup=1)
    events = next(model.env._eid)  # events scheduled by the run (SimPy 4 numbers them with an itertools.count)
    raw = max(raw_simpy_events_per_second() for _ in range(3))
    ours = events / model_t
    print(
        f"SimPy plan model (baseline on a flood-2022 member, {events:,} events in {model_t:.3f} s): "
        f"{ours:,.0f} events/s against raw SimPy {raw:,.0f} events/s, ratio {ours / raw:.3f}"
    )


if __name__ == "__main__":
    main()
