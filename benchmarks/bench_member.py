"""One member of flood-2022 with the baseline plan, end to end on the default grid, after
caching (issue 11 aims at under 0.5 s; issue 5 aimed at 1 s), with the time of each stage.

End to end is :func:`sim.run.run_members` for one member, as the CLI, the app and every
ensemble worker call it. Its stages are timed apart on the same member: hazards (and within
them the rain generator), impact, needs, the logistics inputs and the SimPy plan model;
"other" is the rest (KPIs, assembling the xarray results). The caches (the delta, a median
year's flood, the SPI climatology and compiled kernels) are warmed by one untimed run first;
each time is the best of :data:`REPEAT`. The line ends with the earlier figures
(:data:`EARLIER`), measured on other days and machines: compare ratios, not seconds.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.timing import best_of
from hazards import rainfall
from hazards.season import hazard_season
from sim.impact import people_impact
from sim.logistics.inputs import season_inputs
from sim.logistics.model import PlanModel
from sim.needs import needs, read_rations
from sim.run import impact_settings, run_members, scenario_delta
from sim.scenario import load_file

ROOT = Path(__file__).resolve().parents[1]
SEED, MEMBER = 1, 0
AIM_S = 0.5
"""Issue 11's aim for one member end to end [s] ("fast enough to think with")."""
EARLIER = {"the trial": 1.24, "last session": 0.99}
"""The same measurement before issue 11's work [s]: in the trial, and in the session before
(rain generator ~0.6–0.8 s of it)."""
REPEAT = 3
"""Timed runs of each part; the shortest counts."""


def main() -> None:
    scenario = load_file(ROOT / "scenarios" / "flood-2022.yaml")
    plan = load_file(ROOT / "scenarios" / "plans" / "baseline.yaml")
    base = ROOT / "scenarios"
    run_members(scenario, [MEMBER], 1, SEED, base, plans=[plan])  # caches warm
    total_t, _ = best_of(lambda: run_members(scenario, [MEMBER], 1, SEED, base, plans=[plan]), repeat=REPEAT)
    delta = scenario_delta(scenario, base)
    settings = impact_settings(scenario)
    rations = read_rations()
    stages = {}
    stages["hazards"], hazards = best_of(
        lambda: hazard_season(scenario, delta, seed=SEED, member=MEMBER), repeat=REPEAT
    )
    rain_t, _ = best_of(
        lambda: rainfall.generate(
            delta.grid, scenario.start_date, scenario.days, SEED, season=scenario.rainfall.season
        ),
        repeat=REPEAT,
    )
    stages["impact"], impact = best_of(lambda: people_impact(delta, hazards, settings), repeat=REPEAT)
    stages["needs"], required = best_of(lambda: needs(impact, rations, settings.household_size), repeat=REPEAT)
    stages["logistics inputs"], inputs = best_of(
        lambda: season_inputs(delta, hazards, required, rations, SEED, MEMBER, scenario.access_closure_probability),
        repeat=REPEAT,
    )

    def play():
        model = PlanModel(delta, plan, inputs)
        model.run()

    stages["SimPy model"], _ = best_of(play, repeat=REPEAT)
    other = max(total_t - sum(stages.values()), 0.0)
    parts = ", ".join(
        f"{name} {seconds:.2f} s" + (f" (rain generator {rain_t:.2f} s)" if name == "hazards" else "")
        for name, seconds in stages.items()
    )
    verdict = "under" if total_t < AIM_S else "over"
    earlier = ", ".join(f"{seconds:g} s in {when}" for when, seconds in EARLIER.items())
    print(
        f"one member of flood-2022 + baseline on the default grid ({delta.grid.shape[0]}×{delta.grid.shape[1]} cells × {scenario.days} days), "
        f"end to end after caching: {total_t:.2f} s ({verdict} issue 11's aim of {AIM_S:g} s; earlier {earlier}): "
        f"{parts}, other {other:.2f} s"
    )


if __name__ == "__main__":
    main()
