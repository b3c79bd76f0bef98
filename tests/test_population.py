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
