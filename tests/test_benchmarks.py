"""benchmarks.impact_reference: the per-cell loop ``make bench`` times people_impact against
computes the same counts, so the benchmark's ratio compares equal work.

No timing here: only that two independent implementations of the rules in sim.impact agree
on a real member (flood-2022 exercises flood and storm damage, drought-2021 the failed
harvest), on a 0.1° copy of each scenario to stay fast.
"""

from pathlib import Path

import numpy as np
import pytest

from benchmarks import impact_reference as reference
from hazards.season import hazard_season
from sim.core.units import ureg
from sim.impact import people_impact
from sim.run import impact_settings, scenario_delta
from sim.scenario import load_file

ROOT = Path(__file__).resolve().parents[1]


def _member(name: str, seed: int = 1):
    scenario = load_file(ROOT / "scenarios" / f"{name}.yaml")
    domain = scenario.domain.model_copy(update={"resolution": ureg.Quantity(0.1, "degree")})
    scenario = scenario.model_copy(update={"domain": domain})
    delta = scenario_delta(scenario)
    return delta, hazard_season(scenario, delta, seed=seed), impact_settings(scenario)


@pytest.mark.parametrize(
    ("scenario", "nonzero"), [("flood-2022", "destroyed_houses"), ("drought-2021", "food_insecure")]
)
def test_loop_agrees_with_people_impact(scenario, nonzero):
    delta, hazards, settings = _member(scenario)
    ours = reference.as_loop_outputs(people_impact(delta, hazards, settings))
    loop = reference.loop_people_impact(delta, hazards, settings)
    # the member must exercise the branch, or agreement would prove nothing
    assert loop[nonzero].max() > 1.0
    assert set(loop) == set(ours)
    # people_impact works in float32: each cercle within one float32 rounding step (1.2e-7)
    # of each of its people's shares
    allowance = reference.rounding_allowance(delta)
    for name, values in loop.items():
        assert np.all(np.abs(ours[name] - values) <= allowance[None, :]), name


def test_loop_over_some_cells_sums_to_the_whole():
    delta, hazards, settings = _member("flood-2022")
    cells = reference.people_cells(delta)
    half = cells[::2], cells[1::2]
    whole = reference.loop_people_impact(delta, hazards, settings)
    parts = [reference.loop_people_impact(delta, hazards, settings, cells=part) for part in half]
    np.testing.assert_allclose(parts[0]["affected"] + parts[1]["affected"], whole["affected"], rtol=1e-12)
