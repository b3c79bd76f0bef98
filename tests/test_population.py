"""sim.delta.population: projection and whole-person allocation."""

import numpy as np
import pytest

from sim.delta.population import allocate_integers, project_population


def test_projection_hand_sum():
    # 100,000 people growing 3 %/yr for 13 years: 100,000 × 1.03**13 = 146,853.3
    assert project_population(100_000, 0.03, 2022) == 146_853
    assert project_population(368_512, 0.03, 2009) == 368_512


@pytest.mark.parametrize("total", [0, 1, 7, 1000, 123_457])
def test_allocation_is_exact_and_whole(total):
    rng = np.random.default_rng(1)
    weights = rng.random((20, 30))
    counts = allocate_integers(weights, total)
    assert counts.dtype.kind == "i"
    assert counts.sum() == total
    assert (counts >= 0).all()
    # each cell is within one person of its exact share
    assert np.abs(counts - weights * total / weights.sum()).max() < 1.0


def test_allocation_never_puts_people_on_zero_weight():
    weights = np.array([0.0, 1.0, 0.0, 3.0])
    assert allocate_integers(weights, 8).tolist() == [0, 2, 0, 6]


def test_allocation_refuses_impossible_requests():
    with pytest.raises(ValueError):
        allocate_integers(np.zeros(3), 5)
    with pytest.raises(ValueError):
        allocate_integers(np.ones(3), -1)


def test_each_listed_place_gets_an_equal_share_of_its_cercles_rural_people():
    from sim.core.grid import Grid
    from sim.delta.population import DISPERSED_SHARE, TOWN_CLEARANCE_KM, settlement_weights

    grid = Grid(west=0.0, south=0.0, east=1.0, north=1.0, resolution=0.1)
    cercle_index = np.zeros(grid.shape, int)
    cercle_index[:, 5:] = 1  # two cercles: west and east halves
    dispersed = np.ones(grid.shape)
    # three places in the west cercle, two of them in one cell; one in the east cercle next
    # to a town with a census figure (left out, part of the town)
    places = [(0.15, 0.85), (0.15, 0.85), (0.35, 0.45), (0.75, 0.55)]
    town_km = TOWN_CLEARANCE_KM / 2 / 111.0  # half the clearance away, in degrees
    weights = settlement_weights(grid, cercle_index, places, [(0.75 + town_km, 0.55)], dispersed)
    # hand sums: the west cercle's 50 cells share DISPERSED_SHARE (0.1) equally: 0.002 each;
    # its 3 places share 0.9: 0.3 each
    west = cercle_index == 0
    assert weights[west].sum() == pytest.approx(1.0)
    assert weights[grid.index_of(0.15, 0.85)] == pytest.approx(2 * 0.3 + DISPERSED_SHARE / 50)
    assert weights[grid.index_of(0.35, 0.45)] == pytest.approx(0.3 + DISPERSED_SHARE / 50)
    assert weights[grid.index_of(0.55, 0.15)] == pytest.approx(1.0 / 50)  # east: no place left, all dispersed
    assert weights[cercle_index == 1].sum() == pytest.approx(1.0)


def test_the_built_in_population_lives_mostly_in_the_listed_places():
    import csv

    from sim.delta.domain import LISTED_PLACES, load_delta

    delta = load_delta(resolution=0.05)
    assert delta.cercle_population() == {c.pcode: c.population for c in delta.cercles}
    with LISTED_PLACES.open(encoding="utf-8") as stream:
        cells = {delta.grid.index_of(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(stream)}
    cells.discard(None)
    rows, cols = np.array(sorted(cells)).T
    listed = delta.population[rows, cols].sum() / delta.population.sum()
    # at 0.05° a cell holds several places, and towns spread over their discs: at least
    # the 90 % of rural people given to the places sit in cells that hold one
    assert listed > 0.8
