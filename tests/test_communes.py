"""Communes as a level of results below the cercles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import box

from sim.core.grid import Grid
from sim.delta.communes import Commune, rasterize_communes, unit_cercles, unit_index
from sim.delta.domain import load_delta
from sim.impact import ImpactSettings, people_impact
from sim.results import summarize

ROOT = Path(__file__).resolve().parents[1]


def test_a_cell_goes_to_a_commune_of_its_own_cercle_only():
    grid = Grid(resolution=0.1)
    x0, y0 = float(grid.x[0]), float(grid.y[-1])  # centre of the south-west cell
    cercle_index = np.full(grid.shape, -1, np.int16)
    row = grid.shape[0] - 1
    cercle_index[row, 0] = 0  # cercle A
    cercle_index[row, 1] = 1  # cercle B
    # one commune of A drawn over both cells: the second cell is B's, so it is not A's commune's
    wide = Commune("A01", "a", "A", box(x0 - 0.05, y0 - 0.05, x0 + 0.15, y0 + 0.05))
    index = rasterize_communes(grid, (wide,), cercle_index, ["A", "B"])
    assert index[row, 0] == 0 and index[row, 1] == -1
    units = unit_index(index, cercle_index, 1).reshape(grid.shape)
    # cell of A in commune 0; cell of B in "the rest of B" (1 commune + cercle 1 = unit 2)
    assert units[row, 0] == 0 and units[row, 1] == 2 and units[0, 0] == -1
    assert unit_cercles((wide,), ["A", "B"]).tolist() == [0, 0, 1]  # commune A01, rest of A, rest of B


def test_the_built_in_delta_has_the_official_communes():
    delta = load_delta(resolution=0.05, year=2024)
    assert len(delta.communes) == 213
    assert {c.cercle_pcode for c in delta.communes} == {c.pcode for c in delta.cercles}
    people = delta.commune_population()
    # nearly every person lives in a commune (the rest: cells along an edge where the two levels' outlines differ)
    assert sum(people.values()) == pytest.approx(float(delta.population.sum()), rel=0.002)
    by_cercle = delta.cercle_population()
    for cercle in delta.cercles:
        inside = sum(people[c.pcode] for c in delta.communes if c.cercle_pcode == cercle.pcode)
        assert inside <= by_cercle[cercle.pcode] + 1


def test_commune_counts_add_up_to_their_cercles():
    from hazards.season import hazard_season
    from sim.scenario import parse_text

    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    scenario = parse_text(text.replace("resolution: 0.01 degree", "resolution: 0.05 degree"), "flood-2022.yaml")
    delta = load_delta(resolution=0.05, year=scenario.domain.population_year)
    impact = people_impact(delta, hazard_season(scenario, delta, seed=3), ImpactSettings())
    affected = impact["people"].sel(count="affected").isel(day=-1)
    assert float(affected.sum()) > 1000
    communes = impact["commune_affected"]
    # the rest of each cercle (cells no commune holds) is the difference; at 0.05° it is 2 cells
    for pcode in affected["cercle"].values:
        inside = float(communes.where(impact["commune_cercle"] == pcode, drop=True).sum())
        assert inside <= float(affected.sel(cercle=pcode)) * (1 + 1e-9) + 1e-6
    assert float(communes.sum()) == pytest.approx(float(affected.sum()), rel=0.01)
    assert (impact["commune_displaced_peak"] <= impact["commune_in_need_peak"] + 1e-6).all()


def test_the_summary_lists_every_commune_with_its_cercle():
    from sim.run import run_scenario
    from sim.scenario import parse_text

    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    scenario = parse_text(text.replace("resolution: 0.01 degree", "resolution: 0.05 degree"), "flood-2022.yaml")
    result = run_scenario(scenario, members=2, seed=3)
    delta = load_delta(resolution=0.05, year=scenario.domain.population_year)
    summary = summarize(result, delta)
    rows = summary["by_commune"]
    assert len(rows) == 213
    konna = next(r for r in rows if r["commune"] == "Konna")
    assert konna["cercle_pcode"] == "ML0501" and konna["population"] > 0
    by_cercle = {r["pcode"]: r["affected_persons"] for r in summary["by_cercle"]}
    for pcode, value in by_cercle.items():
        inside = sum(r["affected_persons"] for r in rows if r["cercle_pcode"] == pcode)
        assert inside <= value * 1.01 + 2  # medians of members, each rounded to a person
    causes = summary["by_cause"]
    assert set(causes) == {"flood", "storm", "drought", "how_they_add"}
