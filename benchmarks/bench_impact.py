"""The impact step (:func:`sim.impact.people_impact`) against a plain per-cell Python loop
computing the same counts (:mod:`benchmarks.impact_reference`), and against CLIMADA's
``ImpactCalc`` when ``make bench-climada`` has built its venv.

Same hazard (one flood-2022 member, seed 1) and the same exposure (the delta's population
per cell) for both. First the loop runs over every cell of a 0.05° copy of the scenario and
must agree with ``people_impact`` within float32 rounding
(:func:`benchmarks.impact_reference.rounding_allowance`), else the benchmark stops; the timing there is a full one. On the default grid the loop is timed on a
seeded random sample of the cells it visits and scaled up to all of them (the cercle means of
SPI, a pass over every cell, are timed whole), since the full loop would take minutes.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import impact_reference as reference
from benchmarks.timing import best_of
from hazards.season import hazard_season
from sim.core.units import ureg
from sim.impact import people_impact
from sim.run import impact_settings, scenario_delta
from sim.scenario import load_file

ROOT = Path(__file__).resolve().parents[1]
CLIMADA_VENV = ROOT / ".venv-climada"
SAMPLE_SHARE = 0.1
"""Share of the default grid's cells with people the loop is timed on [-]."""
SEED = 1


def scenario_at(resolution_degree: float | None):
    """flood-2022, at another resolution when given [degree]."""
    scenario = load_file(ROOT / "scenarios" / "flood-2022.yaml")
    if resolution_degree is None:
        return scenario
    domain = scenario.domain.model_copy(update={"resolution": ureg.Quantity(resolution_degree, "degree")})
    return scenario.model_copy(update={"domain": domain})


def agreement(resolution_degree: float) -> tuple[float, float, str, float, float, int, tuple]:
    """(ours [s], loop [s], output nearest its allowance, largest relative difference, share of
    the allowance used, cells, grid shape), the loop over every cell."""
    scenario = scenario_at(resolution_degree)
    delta = scenario_delta(scenario)
    settings = impact_settings(scenario)
    hazards = hazard_season(scenario, delta, seed=SEED)
    ours_t, ours = best_of(lambda: people_impact(delta, hazards, settings), repeat=3, warmup=1)
    start = time.perf_counter()
    loop = reference.loop_people_impact(delta, hazards, settings)
    loop_t = time.perf_counter() - start
    outputs = reference.as_loop_outputs(ours)
    name, used = reference.allowance_used(outputs, loop, delta)
    if used > 1.0:
        raise SystemExit(
            f"impact benchmark: the per-cell loop and people_impact disagree on {name} at {resolution_degree}° ({used:.1f} times the float32 rounding allowance); fix before timing"
        )
    _, diff = reference.largest_difference(outputs, loop)
    return ours_t, loop_t, name, diff, used, len(reference.people_cells(delta)), delta.grid.shape


def main() -> None:
    coarse = 0.05
    ours_c, loop_c, name, diff, used, cells_c, shape_c = agreement(coarse)
    print(
        f"impact step, flood-2022 member on {coarse}° ({shape_c[0]}×{shape_c[1]}, loop over all {cells_c:,} cells with people): "
        f"people_impact {ours_c:.3f} s, per-cell Python loop {loop_c:.2f} s, ratio {loop_c / ours_c:.0f}×; "
        f"agree to {diff:.1e} of each output's largest value ({name} uses {used:.0%} of the float32 rounding allowance)"
    )

    scenario = scenario_at(None)
    delta = scenario_delta(scenario)
    settings = impact_settings(scenario)
    hazards = hazard_season(scenario, delta, seed=SEED)
    days = hazards.sizes["time"]
    ours_t, _ = best_of(lambda: people_impact(delta, hazards, settings), repeat=3, warmup=1)
    cells = reference.people_cells(delta)
    sample = np.sort(
        np.random.default_rng(SEED).choice(cells, size=max(1, int(SAMPLE_SHARE * cells.size)), replace=False)
    )
    spi_t, spi_means = (
        best_of(lambda: reference.cercle_spi_means(delta, hazards["spi3"].values), repeat=1)
        if "spi3" in hazards
        else (0.0, None)
    )
    sample_t, _ = best_of(
        lambda: reference.loop_people_impact(delta, hazards, settings, cells=sample, spi_means=spi_means), repeat=1
    )
    loop_t = spi_t + sample_t * cells.size / sample.size
    print(
        f"impact step, flood-2022 member on the default grid ({delta.grid.shape[0]}×{delta.grid.shape[1]} cells × {days} days): "
        f"people_impact {ours_t:.2f} s, per-cell Python loop {loop_t:.0f} s (timed on {sample.size:,} of {cells.size:,} cells with people, scaled), "
        f"ratio {loop_t / ours_t:.0f}×"
    )
    climada()


def climada() -> None:
    """The CLIMADA comparison, run in its own venv, or how to get it."""
    python = CLIMADA_VENV / "bin" / "python"
    if not (CLIMADA_VENV / ".installed").exists():
        print(
            "CLIMADA ImpactCalc: not installed here; `make bench-climada` builds .venv-climada (needs Debian's libgdal-dev) and runs it, and `make bench` then includes it"
        )
        return
    sys.stdout.flush()
    done = subprocess.run([str(python), "-m", "benchmarks.bench_climada"], cwd=ROOT, check=False)
    if done.returncode:
        print(
            f"CLIMADA ImpactCalc: the benchmark in .venv-climada failed (exit code {done.returncode}; its error is above)"
        )


if __name__ == "__main__":
    main()
