"""CLIMADA's ``ImpactCalc`` against our impact step, on the same hazard and exposure.

Runs in ``.venv-climada`` (``make bench-climada``), never in the product's venv. One member
of flood-2022 (seed 1) on the default grid: each day of the season is one CLIMADA event whose
intensity is the member's flood depth on the ground (``flood_depth`` of
:func:`hazards.season.hazard_season`) [m], as CLIMADA is set up for river floods; the exposure
is the population of each cell with people in a cercle [person]; the impact function is the
JRC Africa residential depth–damage curve (:data:`sim.impact.JRC_AFRICA_RESIDENTIAL`, all
assets affected: paa = 1). CLIMADA then gives damage-weighted people per day and cell.

Our impact step reads the same depth field but takes off the usual yearly flood and the height
of the house mounds before it applies the curve (with a spread of floor heights); in a
2022-like member no cell has water above its mean house floor, so the curve on the depth in
houses would give CLIMADA nothing to compute. The depth on the ground gives both the same
amount of work; the damage figures are not the model's.

Printed: ``ImpactCalc.impact`` (centroids assigned beforehand, timed apart), the same damage
computed with numpy (:func:`sim.impact.damage_ratio`, summed per cercle and day), checked to
agree, and our whole impact step (:func:`sim.impact.people_impact`, which does more: four
counts, house floors spread within a cell, storms, drought) on the same hazard.
"""

from __future__ import annotations

import logging
import time
import warnings
from pathlib import Path

import numpy as np
from scipy import sparse

from benchmarks.timing import best_of
from hazards.season import hazard_season
from sim import impact
from sim.run import impact_settings, scenario_delta
from sim.scenario import load_file

ROOT = Path(__file__).resolve().parents[1]
SEED = 1
AGREEMENT = 1e-6
"""Largest relative difference accepted between CLIMADA's damage and ours [-] (both float64)."""


def ground_depth(hazards) -> np.ndarray:
    """(day, cell) flood depth on the ground, 0 where dry [m]."""
    days = hazards.sizes["time"]
    depth = hazards["flood_depth"].values.reshape(days, -1).astype(np.float64)
    return np.where(np.isfinite(depth) & (depth > 0), depth, 0.0)


def main() -> None:
    warnings.filterwarnings("ignore")
    logging.getLogger("climada").setLevel(logging.ERROR)
    from importlib.metadata import version

    from climada.engine import ImpactCalc
    from climada.entity import Exposures, ImpactFunc, ImpactFuncSet
    from climada.hazard import Centroids, Hazard

    logging.getLogger("climada").setLevel(logging.ERROR)
    scenario = load_file(ROOT / "scenarios" / "flood-2022.yaml")
    delta = scenario_delta(scenario)
    settings = impact_settings(scenario)
    hazards = hazard_season(scenario, delta, seed=SEED)
    ours_t, _ = best_of(lambda: impact.people_impact(delta, hazards, settings), repeat=3, warmup=1)

    depth = ground_depth(hazards)
    days, cells = depth.shape
    lon, lat = np.meshgrid(delta.grid.x, delta.grid.y)
    exposed = np.flatnonzero((delta.population.ravel() > 0) & (delta.cercle_index.ravel() >= 0))
    people = delta.population.ravel()[exposed].astype(np.float64)
    dates = [t.astype("datetime64[D]").item().toordinal() for t in hazards["time"].values]
    hazard = Hazard(
        haz_type="FL",
        units="m",
        centroids=Centroids(lat=lat.ravel(), lon=lon.ravel()),
        event_id=np.arange(1, days + 1),
        event_name=[str(d) for d in range(days)],
        frequency=np.full(days, 1.0 / days),
        date=np.array(dates),
        orig=np.ones(days, bool),
        intensity=sparse.csr_matrix(depth),
        fraction=sparse.csr_matrix(depth > 0, dtype=np.float64),
    )
    curve_depths, curve_ratios = impact.JRC_AFRICA_RESIDENTIAL
    function = ImpactFunc(
        haz_type="FL",
        id=1,
        intensity=np.array(curve_depths),
        mdd=np.array(curve_ratios),
        paa=np.ones(len(curve_depths)),
        intensity_unit="m",
        name="JRC Africa residential (Huizinga et al. 2017)",
    )
    exposures = Exposures(lat=lat.ravel()[exposed], lon=lon.ravel()[exposed], value=people, value_unit="person")
    exposures.gdf["impf_FL"] = 1
    start = time.perf_counter()
    exposures.assign_centroids(hazard)
    assign_t = time.perf_counter() - start
    if not np.array_equal(exposures.gdf["centr_FL"].to_numpy(), exposed):
        raise SystemExit("CLIMADA benchmark: assign_centroids did not map each exposure point to its own cell")
    calc = ImpactCalc(exposures, ImpactFuncSet([function]), hazard)
    climada_t, result = best_of(lambda: calc.impact(save_mat=True, assign_centroids=False), repeat=3, warmup=1)

    membership = sparse.csr_matrix(
        (np.ones(exposed.size), (np.arange(exposed.size), delta.cercle_index.ravel()[exposed])),
        shape=(exposed.size, len(delta.cercles)),
    )

    def numpy_damage() -> np.ndarray:
        return np.asarray((impact.damage_ratio(depth[:, exposed]) * people) @ membership)

    numpy_t, ours_damage = best_of(numpy_damage, repeat=3, warmup=1)
    theirs = (result.imp_mat @ membership).toarray()
    diff = float(np.abs(theirs - ours_damage).max() / max(np.abs(ours_damage).max(), 1.0))
    if diff > AGREEMENT:
        raise SystemExit(
            f"CLIMADA benchmark: CLIMADA's damage and ours differ by {diff:.1e} (relative); fix before timing"
        )
    print(
        f"CLIMADA {version('climada')} ImpactCalc, flood-2022 member on the default grid ({days} daily events × {exposed.size:,} exposure points, "
        f"{hazard.intensity.nnz:,} wet cell-days; JRC Africa residential curve on the depth on the ground): ImpactCalc.impact {climada_t:.2f} s "
        f"(assign_centroids {assign_t:.1f} s more, once); the same damage with dense numpy {numpy_t:.2f} s "
        f"(numpy / ImpactCalc {numpy_t / climada_t:.1f}; they agree to {diff:.1e}); our whole impact step people_impact {ours_t:.2f} s "
        f"(people_impact / ImpactCalc {ours_t / climada_t:.1f}; it computes four counts with a spread of floor heights, storms and drought, ImpactCalc only the damage)"
    )


if __name__ == "__main__":
    main()
